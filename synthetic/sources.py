"""The three source systems: who each one knows, and how each one writes a person down.

Each builder returns records with their own ids and the person they really are, so the ground truth is
exact. Records are written in id order and ids are random, so file order says nothing about people.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from synthetic.corruption import Corruption
from synthetic.national_ids import written
from synthetic.noise import Noise
from synthetic.people import REFERENCE_DATE, Person
from synthetic.phones import PHONE_STYLES
from synthetic.weighted import Weighted

Value = str | None
Row = dict[str, Value]

MEMBERSHIP: dict[str, float] = {"crm": 0.7, "webshop": 0.6, "loyalty": 0.5}
# What each source captures at all (its coverage); what it gets wrong is the corruption profile's.
CRM_CUSTOMER_NUMBER_RATE = 0.90
CRM_NATIONAL_ID_RATE = 0.30  # kept only where a service needed it: credit, invoices, an identity card read at the desk
WEBSHOP_CUSTOMER_NUMBER_RATE = 0.50
WEBSHOP_OTHER_EMAIL_RATE = 0.50
WEBSHOP_EMPTY_STRING_RATE = 0.25  # a missing JSON value is usually null, sometimes ""
WEBSHOP_ABSENT_KEY_RATE = 0.40  # of records without a customer number, how many leave the key out
_SEGMENTS: Weighted[str] = Weighted.of({"": 55, "newsletter": 15, "vip": 5, "prospect": 10, "churn-risk": 5,
                                         "b2b": 3, "do not call": 2, "Newsletter, VIP": 5})
_LOYALTY_START = date(2012, 3, 1)


@dataclass(frozen=True)
class Record:
    """One written record: its id, the real person behind it and its values by column."""

    source_id: str
    person_id: str
    values: Row


@dataclass(frozen=True)
class IdScheme:
    column: str
    prefix: str
    numbers: range


ID_SCHEMES: dict[str, IdScheme] = {
    "crm": IdScheme("contact_id", "C", range(1_000_000, 10_000_000)),
    "webshop": IdScheme("account_id", "W", range(10_000_000, 100_000_000)),
    "loyalty": IdScheme("card_number", "L", range(10**9, 10**10)),
}
COLUMNS: dict[str, tuple[str, ...]] = {
    "crm": ("contact_id", "given_name", "family_name", "email", "phone", "birth_date", "street",
            "house_number", "postcode", "city", "country", "customer_number", "national_number", "segment_hint"),
    "webshop": ("account_id", "first_name", "last_name", "email", "phone", "birthday", "zip", "town",
                "country_code", "customer_no"),
    "loyalty": ("card_number", "name_first", "name_last", "email", "mobile", "postcode", "city", "country",
                "enrolled_on"),
}


def memberships(people: Iterable[Person], rng: random.Random) -> dict[str, list[Person]]:
    """Who each source knows; everyone is known to at least one source, many to several."""
    members: dict[str, list[Person]] = {source: [] for source in MEMBERSHIP}
    for person in people:
        chosen: list[str] = []
        while not chosen:
            chosen = [source for source, rate in MEMBERSHIP.items() if rng.random() < rate]
        for source in chosen:
            members[source].append(person)
    return members


def build_records(source: str, people: list[Person], rng: random.Random, corruption: Corruption) -> list[Record]:
    """The records ``source`` holds about ``people``, with ids, in file order."""
    noise = Noise(rng, corruption)
    drafts = [(person.person_id, row) for person in people for row in _BUILDERS[source](person, noise)]
    return _with_ids(drafts, ID_SCHEMES[source], rng)


def _with_ids(drafts: list[tuple[str, Row]], scheme: IdScheme, rng: random.Random) -> list[Record]:
    rng.shuffle(drafts)
    numbers = sorted(rng.sample(scheme.numbers, len(drafts)))
    records = []
    for number, (person_id, row) in zip(numbers, drafts, strict=True):
        source_id = f"{scheme.prefix}{number}"
        records.append(Record(source_id, person_id, {scheme.column: source_id, **row}))
    return records


def _crm_rows(person: Person, noise: Noise) -> list[Row]:
    """A contact, and for a few people a second one typed in again later: same email, a slip in the name."""
    number = person.customer_number if noise.chance(CRM_CUSTOMER_NUMBER_RATE) else None
    national_id = person.national_id if noise.chance(CRM_NATIONAL_ID_RATE) else None
    rows = [_crm_row(person, noise, number, national_id, duplicate=False)]
    if noise.chance(noise.rates.crm_duplicate):
        rows.append(_crm_row(person, noise, number, national_id, duplicate=True))
    return rows


def _crm_row(person: Person, noise: Noise, customer_number: Value, national_id: Value, duplicate: bool) -> Row:
    first, last = noise.names(person, force_typo=duplicate)
    email = noise.email(person.emails[0], person.country, can_be_missing=not duplicate)
    phone = noise.phone(person.phone, person.country, PHONE_STYLES["crm"])
    if not duplicate:
        email, phone = noise.bad_contacts(email, phone, person.emails[0], person.phone)
    address = noise.address(person)
    country = person.country
    return {
        "given_name": first, "family_name": last, "email": email, "phone": phone,
        "birth_date": noise.birth_date(person.birth_date, "%Y-%m-%d"),
        "street": noise.address_part(address.street, country),
        "house_number": noise.address_part(address.house_number, country, digits_only=True),
        "postcode": noise.address_part(address.postcode, country), "city": noise.address_part(address.city, country),
        "country": noise.missing(country, noise.rates.country_missing),
        "customer_number": noise.code(customer_number) if customer_number else None,
        "national_number": noise.code(written(national_id, country, noise.rng)) if national_id else None,
        "segment_hint": _SEGMENTS.pick(noise.rng),
    }


def _webshop_rows(person: Person, noise: Noise) -> list[Row]:
    """An account: often the person's other email, dates the European way, postcode and town only."""
    chosen = person.emails[0]
    if len(person.emails) > 1 and noise.chance(WEBSHOP_OTHER_EMAIL_RATE):
        chosen = person.emails[1]
    first, last = noise.names(person)
    email = noise.email(chosen, person.country)
    phone = noise.phone(person.phone, person.country, PHONE_STYLES["webshop"])
    email, phone = noise.bad_contacts(email, phone, chosen, person.phone)
    address = noise.address(person)
    row: Row = {
        "first_name": first, "last_name": last, "email": email, "phone": phone,
        "birthday": noise.birth_date(person.birth_date, "%d/%m/%Y"),
        "zip": noise.address_part(address.postcode, person.country),
        "town": noise.address_part(address.city, person.country),
        "country_code": noise.missing(person.country, noise.rates.country_missing),
    }
    row = {key: "" if value is None and noise.chance(WEBSHOP_EMPTY_STRING_RATE) else value
           for key, value in row.items()}
    if person.customer_number and noise.chance(WEBSHOP_CUSTOMER_NUMBER_RATE):
        row["customer_no"] = noise.code(person.customer_number)
    elif not noise.chance(WEBSHOP_ABSENT_KEY_RATE):
        row["customer_no"] = None
    return [row]


def _loyalty_rows(person: Person, noise: Noise) -> list[Row]:
    """A loyalty member: a mobile, a postcode and city, the day the card was handed out."""
    chosen = noise.rng.choice(person.emails)
    first, last = noise.names(person)
    email = noise.email(chosen, person.country)
    phone = noise.phone(person.phone, person.country, PHONE_STYLES["loyalty"])
    email, phone = noise.bad_contacts(email, phone, chosen, person.phone)
    address = noise.address(person)
    return [{
        "name_first": first, "name_last": last, "email": email, "mobile": phone,
        "postcode": noise.address_part(address.postcode, person.country),
        "city": noise.address_part(address.city, person.country),
        "country": noise.missing(person.country, noise.rates.country_missing),
        "enrolled_on": _enrolment(person.birth_date, noise.rng).isoformat(),
    }]


def _enrolment(birth_date: date, rng: random.Random) -> date:
    """A day after both the programme's launch and the member's 18th birthday."""
    start = max(_LOYALTY_START, birth_date + timedelta(days=round(18 * 365.25)))
    return start + timedelta(days=rng.randrange(max(1, (REFERENCE_DATE - start).days)))


_BUILDERS: dict[str, Callable[[Person, Noise], list[Row]]] = {
    "crm": _crm_rows, "webshop": _webshop_rows, "loyalty": _loyalty_rows,
}
