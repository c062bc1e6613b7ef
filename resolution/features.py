"""What probabilistic matching compares and blocks on: each person record as one row of comparable columns.

Values are folded further than the loaders fold them (accents, case, punctuation, spacing), because a
comparison must see ``Zoë van der Berg`` and ``ZOE VANDERBERG`` as near-equal while the golden record keeps
the spelling a source wrote. Derived columns (sound keys, a surname without its particles, initials, the
birth year, the email's user part) exist for blocking and for comparison levels; none of them is a guess
about which records match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Iterable
from datetime import date
from typing import Any

import jellyfish

_NOT_ALNUM = re.compile(r"[^0-9a-z ]+")
_SPACES = re.compile(r"\s+")
#: surname particles of Dutch, Flemish and French names, written apart or abbreviated (v.d. → "v d")
PARTICLES = frozenset({"van", "der", "den", "de", "des", "du", "le", "la", "ten", "ter", "te", "von", "vd",
                       "v", "d", "l", "op", "in", "het", "t"})
#: particles a source may glue to the name (``Vanderberg``), stripped only when a real name is left
_GLUED = ("vander", "vanden", "vande", "van", "ter", "ten")
#: identifier columns compared as evidence; a junk or hub value is blanked before matching (it is no evidence)
IDENTIFIER_COLUMNS = ("email", "phone", "national_id", "customer_number")
#: every column of the matching table, in order
COLUMNS = ("unique_id", "first_name", "last_name", "full_name", "sorted_names", "first_sound", "last_sound",
           "name_sounds", "last_core", "first_initials", "birth_date", "birth_year", "postcode", "street", "city",
           *IDENTIFIER_COLUMNS, "email_user")

Row = dict[str, str | None]


def fold(value: Any) -> str:
    """Lowercase ASCII letters and digits separated by single spaces; '' for a missing value."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _SPACES.sub(" ", _NOT_ALNUM.sub(" ", text)).strip()


def surname_core(last_name: str) -> str:
    """The surname without its particles, in one word: ``van der Berg``, ``Berg, van der``, ``V.d. Berg`` and
    ``Vanderberg`` all give ``berg``. A surname made only of particles (``Ter``, ``Van``) is its own core: the
    name is all there is to compare."""
    words = [w for w in last_name.split() if w not in PARTICLES] or last_name.split()
    core = "".join(words)
    for glued in _GLUED:
        if core.startswith(glued) and len(core) - len(glued) >= 4:
            return core[len(glued):]
    return core


def _sound(name: str) -> str:
    """A sound key for a folded name, robust to most one-letter slips and spacing."""
    return jellyfish.metaphone(name.replace(" ", "")) if name else ""


def row(record: dict[str, Any], unusable: Container[str] = frozenset()) -> Row:
    """The matching row of one record (a row of ``resolve_person_records``).

    ``unusable`` holds identifier keys (``email:x@y``) that are junk or hubs: such a value says nothing about
    who the record is, so it is blanked rather than compared.
    """
    first, last = fold(record.get("first_name")), fold(record.get("last_name"))
    birth = record.get("birth_date")
    birth_text = birth.isoformat() if isinstance(birth, date) else (str(birth) if birth else "")
    street = " ".join(filter(None, (fold(record.get("street")), fold(record.get("house_number")))))
    values: dict[str, str] = {
        "unique_id": record["key"], "first_name": first, "last_name": last,
        "full_name": f"{first} {last}" if first and last else "",
        "sorted_names": "|".join(sorted((first, last))) if first and last else "",
        "first_sound": _sound(first), "last_sound": _sound(last),
        # unordered, so that names written the other way round block together
        "name_sounds": "|".join(sorted((_sound(first), _sound(last)))) if first and last else "",
        "last_core": surname_core(last),
        "first_initials": "".join(word[0] for word in first.split()),
        "birth_date": birth_text, "birth_year": birth_text[:4],
        "postcode": fold(record.get("postcode")).replace(" ", ""), "street": street, "city": fold(record.get("city")),
    }
    for kind in IDENTIFIER_COLUMNS:
        value = record.get(kind)
        values[kind] = "" if value is None or f"{kind}:{value}" in unusable else str(value)
    values["email_user"] = values["email"].partition("@")[0]
    return {name: values[name] or None for name in COLUMNS}


def table(rows: Iterable[Row]) -> dict[str, list[str | None]]:
    """Rows as columns, the shape the matching engine takes in."""
    columns: dict[str, list[str | None]] = {name: [] for name in COLUMNS}
    for item in rows:
        for name in COLUMNS:
            columns[name].append(item[name])
    return columns
