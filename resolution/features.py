"""What fuzzy matching compares and blocks on, derived from a source record's normalised fields.

Values are folded further than the loaders fold them (accents, case, punctuation, spacing), because a
comparison must see ``Zoë van der Berg`` and ``ZOE VANDERBERG`` as near-equal while the golden record
keeps the spelling a source wrote.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import jellyfish

_NOT_ALNUM = re.compile(r"[^0-9a-z ]+")
_SPACES = re.compile(r"\s+")

def fold(value: Any) -> str:
    """Lowercase ASCII letters and digits separated by single spaces; '' for a missing value."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _SPACES.sub(" ", _NOT_ALNUM.sub(" ", text)).strip()


def _compact(value: Any) -> str:
    return fold(value).replace(" ", "")


def _phonetic(name: str) -> str:
    """A sound key for a folded name, robust to most one-letter slips and spacing (``van der`` / ``vander``)."""
    return jellyfish.metaphone(name.replace(" ", "")) if name else ""


@dataclass(frozen=True)
class Features:
    """One record as fuzzy matching sees it."""

    key: str
    first_name: str
    last_name: str
    birth_date: str  # ISO, '' when unknown
    postcode: str
    street: str  # street and house number
    city: str
    phone: str

    @cached_property
    def blocking_keys(self) -> dict[str, str]:
        """The record's key for each pass; a pass whose fields are missing gives no key. Computed once and
        kept with the features in the resolution cache, so an incremental run does not recompute them.

        Names enter as an unordered pair of sound keys, so swapped first and last names block together;
        the birth date as its year and an unordered day/month pair, so a swapped day and month do too.
        """
        names = "|".join(sorted(filter(None, (_phonetic(self.first_name), _phonetic(self.last_name)))))
        two_names = bool(self.first_name and self.last_name)
        birth = ""
        if self.birth_date:
            year, month, day = self.birth_date.split("-")
            birth = f"{year}:{min(month, day)}{max(month, day)}"
        last_sound = _phonetic(self.last_name)
        initials = "".join(sorted((self.first_name[:1], self.last_name[:1])))
        keys = {
            "name+birth": f"{names}#{self.birth_date[:4]}" if two_names and birth else "",
            "name+postcode": f"{names}#{self.postcode}" if two_names and self.postcode else "",
            "birth+postcode": f"{birth}#{self.postcode[:3]}" if birth and self.postcode else "",
            "name+city": f"{names}#{self.city}" if two_names and self.city else "",
            "last+phone": f"{last_sound}#{self.phone}" if last_sound and self.phone else "",
            "street+postcode": f"{self.street}#{self.postcode}" if self.street and self.postcode else "",
            "birth+city": f"{birth}#{self.city}" if birth and self.city else "",
            "birth+initials": f"{birth}#{initials}" if birth and two_names else "",
        }
        return {name: value for name, value in keys.items() if value}


def features(row: dict[str, Any]) -> Features:
    """From a row of ``resolve_person_records``."""
    birth = row.get("birth_date")
    street = " ".join(filter(None, (fold(row.get("street")), fold(row.get("house_number")))))
    return Features(
        key=row["key"], first_name=fold(row.get("first_name")), last_name=fold(row.get("last_name")),
        birth_date=birth.isoformat() if isinstance(birth, date) else fold(birth).replace(" ", "-"),
        postcode=_compact(row.get("postcode")), street=street, city=fold(row.get("city")),
        phone=row.get("phone") or "")
