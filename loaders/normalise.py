"""Normalisers for the values customers leave in sources; each raises ``ValueError`` with a reason.

They are shared by the loaders and the API's mutations so that a value typed by an agent and the same
value read from a file end up identical in the graph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")
LONE_SURROGATE = "not valid text (lone surrogate)"
#: amounts are also kept in minor units as a 64-bit integer: 10^15 (a quadrillion) leaves room for 1/1000
MAX_AMOUNT = Decimal(10**15)
_NAME_PARTICLES = {"van", "der", "den", "de", "het", "ten", "ter", "von", "du", "des", "la", "le", "d'"}
_POSTCODES: dict[str, tuple[re.Pattern[str], Callable[[str], str]]] = {
    "FR": (re.compile(r"^\d{5}$"), lambda s: s),
    "BE": (re.compile(r"^\d{4}$"), lambda s: s),
    "NL": (re.compile(r"^(\d{4})\s?([A-Z]{2})$"), lambda s: f"{s[:4]} {s[-2:]}"),
    "DE": (re.compile(r"^\d{5}$"), lambda s: s),
    "LU": (re.compile(r"^(L-)?\d{4}$"), lambda s: s.removeprefix("L-")),
}


def text(value: object) -> str:
    """Unicode NFC, single spaces, no surrounding blanks: the same name typed twice compares equal."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", _valid_text(str(value)))).strip()


def lone_surrogate(value: object) -> bool:
    """Whether a value (text, or JSON lists and objects of it, keys included) holds a lone UTF-16 surrogate.

    JSON can spell one (``"\\ud800"``), and JSON pairs valid ones into one character, so any surrogate left
    in a string stands alone: no UTF-8 text, the store's included, can hold it.
    """
    pending = [value]  # a loop, not recursion: JSON may be nested deeper than Python's stack
    while pending:
        item = pending.pop()
        if isinstance(item, str) and _SURROGATE.search(item):
            return True
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list | tuple):
            pending += item
    return False


def _valid_text(value: str) -> str:
    if lone_surrogate(value):
        raise ValueError(LONE_SURROGATE)
    return value


def keyword(value: object) -> str:
    """A category such as a channel or status: lower case, words joined by ``_``."""
    cleaned = text(value).lower().replace(" ", "_").replace("-", "_")
    if not cleaned or len(cleaned) > 40:
        raise ValueError("expected a short category word")
    return cleaned


def person_name(value: object) -> str:
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


def email(value: object) -> str:
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
        if region is None and error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise ValueError("not a phone number in international form (+33 6 12 34 56 78)") from None
        raise ValueError(f"not a phone number: {error}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"not a valid phone number{' for ' + region if region else ''}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country(value: object) -> str:
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


def calendar_date(value: object, fmt: str | None) -> date:
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


def code(value: object) -> str:
    """An identifier such as a customer number: trimmed, upper-cased, inner spaces removed."""
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", _valid_text(str(value)))).upper()
    if not cleaned:
        raise ValueError("empty identifier")
    if len(cleaned) > 64:
        raise ValueError("identifier longer than 64 characters")
    return cleaned


def coordinate(value: object, low: float, high: float) -> float:
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise ValueError("not a number") from None
    if not low <= number <= high:
        raise ValueError(f"out of range [{low}, {high}]")
    return number


def timestamp(value: object, fmt: str | None, zone: str | None) -> datetime:
    """An instant: ISO 8601 is always understood; a time without offset is read in the source's zone."""
    if isinstance(value, datetime):
        parsed = value
    else:
        raw = text(value)
        parsed = _parse_timestamp(raw, fmt)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone or "UTC"))
    # A fixed offset, never a ZoneInfo: the driver passes its own DateTime to ZoneInfo.utcoffset, which
    # crashes CPython's C zoneinfo at random (python/cpython#125318). Same instant, same local time; set,
    # not converted, since a conversion passes through UTC, out of range for 0001-01-01T00:30+01:00.
    parsed = parsed.replace(tzinfo=timezone(parsed.utcoffset() or timedelta(0)))
    if not datetime(1970, 1, 1, tzinfo=UTC) <= parsed <= datetime.now(UTC) + timedelta(days=1):
        raise ValueError("timestamp out of range (1970 to now)")
    return parsed


def _parse_timestamp(raw: str, fmt: str | None) -> datetime:
    if fmt:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not a timestamp in format {fmt or 'ISO 8601'}") from None


def money(value: object, decimal_separator: str = ".") -> Decimal:
    """An amount as an exact decimal; ``1.234,50`` is read with ``decimal_separator = ","``."""
    raw = text(value).replace(" ", "")
    if decimal_separator == ",":
        raw = raw.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError("not an amount") from None
    if not amount.is_finite():
        raise ValueError("not an amount")
    if abs(amount) >= MAX_AMOUNT:
        raise ValueError(f"amount out of range (less than {MAX_AMOUNT:,} in absolute value)")
    return amount


def currency(value: object) -> str:
    code_ = text(value).upper()
    if pycountry.currencies.get(alpha_3=code_) is None:
        raise ValueError("not an ISO 4217 currency code")
    return code_


_TRUE = {"1", "true", "yes", "y", "granted", "opt-in", "optin", "oui", "ja"}
_FALSE = {"0", "false", "no", "n", "withdrawn", "revoked", "denied", "opt-out", "optout", "non", "nee"}


def flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"expected one of {', '.join(sorted(_TRUE | _FALSE))}")
