"""Every normaliser at its limits, and the reason each refusal gives: it is what the reject file tells people.

``test_loaders.py`` covers the values of customer rows; these add the values of the other kinds (amounts,
currencies, flags, coordinates, channels) and the exact edges of each accepted range.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from loaders import normalise
from loaders.consent_terms import consent_name, contact_channel


@pytest.mark.parametrize(("normaliser", "value", "reason"), [
    (lambda v: normalise.calendar_date(v, "%d/%m/%Y"), "1980-31-12", "not a date in format %d/%m/%Y"),
    (lambda v: normalise.calendar_date(v, None), "31/12/1980", "not a date in format %Y-%m-%d"),
    (lambda v: normalise.calendar_date(v, None), "1899-12-31", "date out of range (1900 to today)"),
    (lambda v: normalise.timestamp(v, None, None), "yesterday", "not a timestamp in format ISO 8601"),
    (lambda v: normalise.timestamp(v, "%d/%m/%Y %H:%M", None), "32/01/2024 10:00",
     "not a timestamp in format %d/%m/%Y %H:%M"),
    (lambda v: normalise.timestamp(v, None, None), "1969-12-31T23:59:59+00:00", "timestamp out of range (1970 to now)"),
    (normalise.code, " \t ", "empty identifier"),
    (normalise.code, "A" * 65, "identifier longer than 64 characters"),
    (normalise.country, "FRA", "expected an ISO 3166 two-letter country code"),
    (normalise.country, "F1", "expected an ISO 3166 two-letter country code"),
    (normalise.keyword, "  ", "expected a short category word"),
    (normalise.keyword, "w" * 41, "expected a short category word"),
    (lambda v: normalise.postcode(v, None), " ", "not a postcode"),
    (lambda v: normalise.postcode(v, None), "A" * 13, "not a postcode"),
    (lambda v: normalise.phone(v, None), "06 12 34 56 78",
     "not a phone number in international form (+33 6 12 34 56 78)"),
    (lambda v: normalise.phone(v, "FR"), "+33 1 23", "not a valid phone number for FR"),
    (lambda v: normalise.phone(v, None), "+33 1 23", "not a valid phone number"),
    (lambda v: normalise.coordinate(v, -90, 90), "north", "not a number"),
    (lambda v: normalise.coordinate(v, -90, 90), "90.5", "out of range [-90, 90]"),
    (normalise.money, "12 euros", "not an amount"),
    (normalise.money, "NaN", "not an amount"),
    (normalise.money, "Infinity", "not an amount"),
    (normalise.money, str(10**15), "amount out of range (less than 1,000,000,000,000,000 in absolute value)"),
    (normalise.money, str(-(10**15)), "amount out of range (less than 1,000,000,000,000,000 in absolute value)"),
    (normalise.currency, "EURO", "not an ISO 4217 currency code"),
    (normalise.flag, "maybe", "expected one of 0, 1, denied, false, granted, ja, n, nee, no, non, opt-in, opt-out, "
                              "optin, optout, oui, revoked, true, withdrawn, y, yes"),
    (contact_channel, "fax", "expected a contact channel: email, sms, post, phone"),
])
def test_refusals_say_why(normaliser: Callable[[str], Any], value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(reason)}$"):
        normaliser(value)


@pytest.mark.parametrize(("value", "region"), [("not a number", "FR"), ("abc", None), ("+999 123 456", "FR")])
def test_an_unreadable_phone_says_what_the_parser_found(value: str, region: str | None) -> None:
    """A number with an unknown country code is not "national": only a missing code asks for the + form."""
    with pytest.raises(ValueError, match=r"^not a phone number: \S"):
        normalise.phone(value, region)


def test_dates_at_the_edges_of_the_range() -> None:
    assert normalise.calendar_date("1900-01-01", None) == date(1900, 1, 1)
    assert normalise.calendar_date(date.today().isoformat(), None) == date.today()
    assert normalise.calendar_date(datetime(1980, 12, 31, 23, 59), None) == date(1980, 12, 31)
    assert normalise.calendar_date(date(1980, 12, 31), "%d/%m/%Y") == date(1980, 12, 31)
    with pytest.raises(ValueError, match="out of range"):
        normalise.calendar_date(date.today() + timedelta(days=1), None)


def test_timestamps_at_the_edges_of_the_range() -> None:
    epoch = normalise.timestamp("1970-01-01T00:00:00+00:00", None, None)
    assert epoch == datetime(1970, 1, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    assert normalise.timestamp(now, None, None) == now
    assert normalise.timestamp(now + timedelta(hours=23), None, None) == now + timedelta(hours=23)  # clocks drift
    with pytest.raises(ValueError, match="out of range"):
        normalise.timestamp(now + timedelta(hours=25), None, None)


def test_a_time_without_offset_is_utc_unless_the_source_names_a_zone() -> None:
    assert normalise.timestamp("2024-01-05T09:30:00", None, None).isoformat() == "2024-01-05T09:30:00+00:00"
    assert normalise.timestamp("2024-01-05 09:30", None, "Europe/Paris").isoformat() == "2024-01-05T09:30:00+01:00"
    aware = normalise.timestamp(datetime(2024, 1, 5, 9, 30, tzinfo=UTC), None, "Europe/Paris")
    assert aware.isoformat() == "2024-01-05T09:30:00+00:00"  # an instant that has its offset keeps it


def test_iso_is_understood_whatever_format_the_source_declares() -> None:
    stamped = normalise.timestamp("2024-01-05T09:30:00+02:00", "%d/%m/%Y %H:%M", "Europe/Paris")
    assert stamped.isoformat() == "2024-01-05T09:30:00+02:00"


def test_codes_keywords_postcodes_and_countries_at_their_lengths() -> None:
    assert normalise.code(" cn 12\u00a0ab ") == "CN12AB"  # NFKC: a no-break space is a space
    assert normalise.code("a" * 64) == "A" * 64
    assert normalise.keyword("w" * 40) == "w" * 40
    assert normalise.keyword("  Web Shop-Order ") == "web_shop_order"
    assert normalise.postcode("sw1a 1aa", "GB") == "SW1A 1AA"  # no rule for the country: any short code
    assert normalise.postcode("a" * 12, None) == "A" * 12
    assert normalise.postcode("L-1234", "LU") == "1234"
    assert normalise.country(" fr ") == "FR"


def test_a_national_phone_is_read_in_the_region_given() -> None:
    assert normalise.phone("0470 12 34 56", "BE") == "+32470123456"
    assert normalise.phone("+33 6 12 34 56 78", "BE") == "+33612345678"  # an international number keeps its own


def test_coordinates_with_a_decimal_comma_and_at_their_bounds() -> None:
    assert normalise.coordinate("48,8566", -90, 90) == 48.8566
    assert normalise.coordinate("-90", -90, 90) == -90.0 and normalise.coordinate(180, -180, 180) == 180.0


def test_amounts_exact_in_either_decimal_convention() -> None:
    assert normalise.money("1.234,50", ",") == Decimal("1234.50")
    assert normalise.money("1 234.50") == Decimal("1234.50")
    assert normalise.money("12,5", ",") == Decimal("12.5")
    assert normalise.money(str(10**15 - 1)) == Decimal(10**15 - 1)
    assert normalise.money("-3.10") == Decimal("-3.10")  # a refund; records refuse negative amounts themselves


def test_currencies_and_flags() -> None:
    assert normalise.currency(" eur ") == "EUR"
    assert normalise.flag(True) is True and normalise.flag(False) is False
    assert [normalise.flag(v) for v in ("Oui", " yes ", "opt-in", "1")] == [True] * 4
    assert [normalise.flag(v) for v in ("NON", "withdrawn", "opt-out", "0", "nee")] == [False] * 5


def test_contact_channels_by_any_of_their_names() -> None:
    assert [contact_channel(v) for v in ("E-mail", "Text message", "letter", "Telephone", "SMS")] == [
        "email", "sms", "post", "phone", "sms"]
    assert consent_name("marketing", "email") == "marketing by email"
    assert consent_name("profiling", None) == "profiling"


def test_a_lone_surrogate_is_found_anywhere_in_json_and_refused_in_text() -> None:
    assert normalise.lone_surrogate("a\ud800") and not normalise.lone_surrogate("a😀b")
    assert normalise.lone_surrogate(["\ud800", {"key": "value"}])  # an object after it does not hide it
    assert normalise.lone_surrogate({"ok": [1, {"\udfff": None}]}) and not normalise.lone_surrogate({"a": [1, "b"]})
    for normaliser in (normalise.text, normalise.code, normalise.person_name):
        with pytest.raises(ValueError, match=r"^not valid text \(lone surrogate\)$"):
            normaliser("Jean\ud800")


@pytest.mark.parametrize(("value", "reason"), [("  ", "empty name"), ("Jean2", "a name holds no digits")])
def test_a_name_refused_says_why(value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"^{reason}$"):
        normalise.person_name(value)
