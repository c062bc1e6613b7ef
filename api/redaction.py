"""Personal values written into free text: found, so that a role that may not see a kind of value sees a
placeholder (``[email]``, ``[phone]``) in its place.

Ticket subjects, staff notes and explanations are typed by people, who copy whatever the customer said into
them: an email, a phone number, a birth date, a card number. The field rules of ``api.access`` cannot reach
inside text, so the values are found here by their shape — phones by ``phonenumbers``' own matcher, which
knows every country's formats — and by the values the customer is known to have (a customer number
``CN77`` has no shape to find it by).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import phonenumbers

#: a birth date is at least this many years ago: a recent date in a note is an order or a visit
MIN_AGE_YEARS = 14

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_MONTHS = ("jan|janv|january|janvier|januar|enero|gennaio|feb|febr|fév|fev|february|février|fevrier|februar|"
           "febrero|febbraio|mar|march|mars|märz|marz|marzo|apr|avr|april|avril|abril|aprile|may|mai|mayo|maggio|"
           "jun|juin|june|juni|junio|giugno|jul|juil|july|juillet|juli|julio|luglio|aug|août|aout|august|agosto|"
           "sep|sept|september|septembre|septiembre|settembre|oct|okt|october|octobre|oktober|octubre|ottobre|"
           "nov|november|novembre|noviembre|dec|déc|dez|december|décembre|decembre|dezember|diciembre|dicembre")
#: dates as people write them: 1975-03-12, 12/03/1975, 12.3.75, 12 mars 1975, March 12, 1975
_DATES = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"(?<![\d])(?P<year>\d{4})[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?![\d])",
    r"(?<![\d])(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?P<year>\d{4}|\d{2})(?![\d])",
    r"(?<![\d])(?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])[-/.](?P<year>\d{4}|\d{2})(?![\d])",
    rf"(?<![\w])(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|er)?\.?\s+(?:{_MONTHS})\.?\s+(?P<year>\d{{4}})(?![\d])",
    rf"(?<![\w])(?:{_MONTHS})\.?\s+(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?![\d])",
)]
#: national ids, card and account numbers: eight digits or more, maybe spaced or dashed, maybe with a short
#: prefix or suffix of letters (L1007111385, 1 80 02 75 123 456 78, AB123456789C)
_NUMBER = re.compile(r"(?<![\w])[A-Za-z]{0,3}\d(?:[ .-]?\d){7,}[A-Za-z]?(?![\w])")


#: the kind of a date too recent to be a birth date: found only so that it is not taken for a number
RECENT = "recent_date"


@dataclass(frozen=True)
class Span:
    """Where a value of ``kind`` (email, phone, date, number, or the field of a known value) is in a text."""

    start: int
    end: int
    kind: str


def find(text: str, region: str | None = None, known: Mapping[str, Iterable[str]] | None = None,
         today: date | None = None) -> list[Span]:
    """Every personal value in ``text``, in order, none overlapping: the customer's ``known`` values (by
    field) first, then emails, dates that can be a birth date, phone numbers (national ones as written in
    ``region``), and long numbers."""
    found: list[Span] = []
    for span in _candidates(text, region, known or {}, today or date.today()):
        if all(span.end <= kept.start or span.start >= kept.end for kept in found):
            found.append(span)
    return sorted(found, key=lambda s: s.start)


def _candidates(text: str, region: str | None, known: Mapping[str, Iterable[str]], today: date) -> Iterator[Span]:
    for field, values in known.items():
        for value in sorted({v for v in values if v and len(v) >= 2}, key=len, reverse=True):
            pattern = re.compile(rf"(?<![\w]){re.escape(value)}(?![\w])", re.IGNORECASE)
            yield from (Span(m.start(), m.end(), field) for m in pattern.finditer(text))
    yield from (Span(m.start(), m.end(), "email") for m in _EMAIL.finditer(text))
    for pattern in _DATES:  # a recent date is kept, and is not a number either
        yield from (Span(m.start(), m.end(), "date" if _may_be_born(m.group("year"), today) else RECENT)
                    for m in pattern.finditer(text))
    for phone_region in dict.fromkeys([region.upper() if region else "ZZ", "ZZ"]):  # "ZZ": international only
        matcher = phonenumbers.PhoneNumberMatcher(text, phone_region, leniency=phonenumbers.Leniency.VALID)
        yield from (Span(m.start, m.end, "phone") for m in matcher)
    yield from (Span(m.start(), m.end(), "number") for m in _NUMBER.finditer(text))


def _may_be_born(year: str, today: date) -> bool:
    """A date written with two digits of year may be anyone's birth date; with four, one long enough ago."""
    return len(year) == 2 or 1900 <= int(year) <= today.year - MIN_AGE_YEARS


def redact(text: str, spans: Iterable[Span], hidden: Iterable[str]) -> str:
    """``text`` with every span of a ``hidden`` kind replaced by ``[kind]``."""
    kinds, parts, last = set(hidden), [], 0
    for span in spans:
        if span.kind in kinds:
            parts += [text[last:span.start], f"[{span.kind}]"]
            last = span.end
    return "".join(parts) + text[last:]
