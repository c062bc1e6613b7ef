"""Normalisers for the values customers leave in sources; each raises ``ValueError`` with a reason.

They are shared by the loaders and the API's mutations so that a value typed by an agent and the same
value read from a file end up identical in the graph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

import phonenumbers
from email_validator import EmailNotValidError, validate_email

_SPACES = re.compile(r"\s+")
_NAME_PARTICLES = {"van", "der", "den", "de", "het", "ten", "ter", "von", "du", "des", "la", "le", "d'"}
_POSTCODES: dict[str, tuple[re.Pattern[str], Callable[[str], str]]] = {
    "FR": (re.compile(r"^\d{5}$"), lambda s: s),
    "BE": (re.compile(r"^\d{4}$"), lambda s: s),
    "NL": (re.compile(r"^(\d{4})\s?([A-Z]{2})$"), lambda s: f"{s[:4]} {s[-2:]}"),
    "DE": (re.compile(r"^\d{5}$"), lambda s: s),
    "LU": (re.compile(r"^(L-)?\d{4}$"), lambda s: s.removeprefix("L-")),
}


def text(value: str) -> str:
    """Unicode NFC, single spaces, no surrounding blanks: the same name typed twice compares equal."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def person_name(value: str) -> str:
    """A name in its usual case; all-caps or all-lower input (``DUPONT``) is recased, mixed case kept."""
    value = text(value)
    if not value:
        raise ValueError("empty name")
    if any(ch.isdigit() for ch in value):
        raise ValueError("a name holds no digits")
    if value.isupper() or value.islower():
        words = value.lower().split(" ")
        value = " ".join(w if (i and w in _NAME_PARTICLES) else _capitalise(w) for i, w in enumerate(words))
    return value


def _capitalise(word: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def email(value: str) -> str:
    """Syntax-checked and lower-cased; internationalised domains are kept in Unicode form."""
    try:
        checked = validate_email(text(value), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"not an email address: {error}") from None
    return checked.normalized.lower()


def phone(value: str, region: str | None) -> str:
    """E.164; a national number is read in the record's country, else the source's default region."""
    try:
        number = phonenumbers.parse(text(value), region)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a valid phone number{' for ' + region if region else ''}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country(value: str) -> str:
    code = text(value).upper()
    if len(code) != 2 or not code.isalpha():
        raise ValueError("expected an ISO 3166 two-letter country code")
    return code


def postcode(value: str, country_code: str | None) -> str:
    code = text(value).upper()
    rule = _POSTCODES.get(country_code or "")
    if rule is None:
        if not code or len(code) > 12:
            raise ValueError("not a postcode")
        return code
    pattern, canonical = rule
    if not pattern.match(code):
        raise ValueError(f"not a {country_code} postcode")
    return canonical(code)


def calendar_date(value: str | date, fmt: str | None) -> date:
    """A date in the source's declared format (ISO is always understood), within a plausible range."""
    if isinstance(value, datetime):
        parsed = value.date()
    elif isinstance(value, date):
        parsed = value
    else:
        raw = text(value)
        parsed = _parse_date(raw, fmt)
    if not date(1900, 1, 1) <= parsed <= date.today():
        raise ValueError("date out of range (1900 to today)")
    return parsed


def _parse_date(raw: str, fmt: str | None) -> date:
    for candidate in [fmt, "%Y-%m-%d"] if fmt else ["%Y-%m-%d"]:
        try:
            return datetime.strptime(raw, candidate).date()
        except ValueError:
            continue
    raise ValueError(f"not a date in format {fmt or '%Y-%m-%d'}")


def code(value: str) -> str:
    """An identifier such as a customer number: trimmed, upper-cased, inner spaces removed."""
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not cleaned:
        raise ValueError("empty identifier")
    if len(cleaned) > 64:
        raise ValueError("identifier longer than 64 characters")
    return cleaned


def coordinate(value: str | float, low: float, high: float) -> float:
    number = float(value)
    if not low <= number <= high:
        raise ValueError(f"out of range [{low}, {high}]")
    return number
