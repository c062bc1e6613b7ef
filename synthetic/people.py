"""The ground truth: distinct real people, some living together in households.

Households are what make identity resolution hard: people who share an address, a phone and usually a
last name are still different people, so a resolver that links on them alone over-merges.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from synthetic.contact import ContactFactory
from synthetic.pools import LOCALE_WEIGHTS, LocalePool, build_pool
from synthetic.weighted import Weighted

# A fixed "today": ages and enrolment dates must not depend on the day the generator runs.
REFERENCE_DATE = date(2025, 1, 1)
HOUSEHOLD_SHARE = 0.15
SECOND_EMAIL_RATE = 0.20
CUSTOMER_NUMBER_RATE = 0.70
SHARED_LAST_NAME_RATE = 0.80
_HOUSEHOLD_SIZES: Weighted[int] = Weighted.of({2: 60, 3: 25, 4: 15})


@dataclass(frozen=True)
class Address:
    street: str
    house_number: str
    postcode: str
    city: str
    country: str


@dataclass(frozen=True)
class Person:
    """One real person, as they are, before any source mangles them."""

    person_id: str
    country: str
    first_name: str
    last_name: str
    birth_date: date
    address: Address
    emails: tuple[str, ...]
    phone: str  # E.164
    customer_number: str | None
    household_id: str | None


@dataclass(frozen=True)
class _Member:
    """What a household decides for one of its members before contacts are handed out."""

    first_name: str
    last_name: str
    birth_date: date


def build_people(customers: int, seed: int) -> list[Person]:
    """``customers`` people; same seed, same people."""
    rng = random.Random(f"{seed}:people")
    units = household_sizes(customers, rng)
    locales = rng.choices(list(LOCALE_WEIGHTS), list(LOCALE_WEIGHTS.values()), k=len(units))
    per_locale = Counter[str]()
    for locale, size in zip(locales, units, strict=True):
        per_locale[locale] += size
    pools = {locale: build_pool(locale, per_locale[locale], seed) for locale in LOCALE_WEIGHTS}
    builder = _Builder(rng, customers)
    for locale, size in zip(locales, units, strict=True):
        builder.add_unit(pools[locale], size)
    return builder.people


def household_sizes(customers: int, rng: random.Random) -> list[int]:
    """Unit sizes summing to ``customers``: about 15 % of people in households of 2-4, in random order."""
    target = round(customers * HOUSEHOLD_SHARE)
    units: list[int] = []
    housed = 0
    while target - housed >= 2:
        size = min(_HOUSEHOLD_SIZES.pick(rng), target - housed)
        units.append(size)
        housed += size
    units += [1] * (customers - housed)
    rng.shuffle(units)
    return units


class _Builder:
    """Accumulates people, handing out ids, unique addresses, contacts and customer numbers."""

    def __init__(self, rng: random.Random, customers: int) -> None:
        self._rng = rng
        self._contacts = ContactFactory(rng)
        self._addresses: set[tuple[str, str, str]] = set()
        self._customer_numbers = iter(rng.sample(range(10**7, 10**8), customers))
        self._households = 0
        self.people: list[Person] = []

    def add_unit(self, pool: LocalePool, size: int) -> None:
        address = self._address(pool)
        phone = self._contacts.mobile(pool.country)
        household_id = None
        if size > 1:
            self._households += 1
            household_id = f"H{self._households:06d}"
        for member in self._members(pool, size):
            self.people.append(self._person(member, address, phone, household_id))

    def _person(self, member: _Member, address: Address, phone: str, household_id: str | None) -> Person:
        emails = [self._contacts.email(member.first_name, member.last_name, member.birth_date.year,
                                       address.country)]
        if self._rng.random() < SECOND_EMAIL_RATE:
            emails.append(self._contacts.email(member.first_name, member.last_name, member.birth_date.year,
                                               address.country, avoid=emails[0]))
        number = next(self._customer_numbers)
        return Person(
            person_id=f"P{len(self.people) + 1:07d}", country=address.country,
            first_name=member.first_name, last_name=member.last_name, birth_date=member.birth_date,
            address=address, emails=tuple(emails), phone=phone, household_id=household_id,
            customer_number=f"CN{number}" if self._rng.random() < CUSTOMER_NUMBER_RATE else None,
        )

    def _members(self, pool: LocalePool, size: int) -> list[_Member]:
        """A head, a partner of similar age (usually of the other sex) and grown-up children."""
        if size == 1:
            age = round(self._rng.triangular(18, 90, 42))
            return [self._member(pool, self._rng.random() < 0.5, None, age)]
        head_age = self._rng.randint(38, 85)
        female = self._rng.random() < 0.5
        head = self._member(pool, female, None, head_age)
        partner_age = min(90, max(18, head_age + self._rng.randint(-6, 6)))
        partner_female = female if self._rng.random() < 0.1 else not female
        members = [head, self._member(pool, partner_female, head.last_name, partner_age)]
        for _ in range(size - 2):
            child_age = max(18, head_age - self._rng.randint(20, 35))
            members.append(self._member(pool, self._rng.random() < 0.5, head.last_name, child_age))
        return members

    def _member(self, pool: LocalePool, female: bool, family_name: str | None, age: int) -> _Member:
        names = pool.female_first_names if female else pool.male_first_names
        last = family_name if family_name and self._rng.random() < SHARED_LAST_NAME_RATE else None
        return _Member(first_name=self._rng.choice(names), last_name=last or self._rng.choice(pool.last_names),
                       birth_date=self._birth_date(age))

    def _birth_date(self, age: int) -> date:
        """A birth date making the person exactly ``age`` on the reference date."""
        latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
        return latest - timedelta(days=self._rng.randrange(365))

    def _address(self, pool: LocalePool) -> Address:
        while True:
            street = self._rng.choice(pool.streets)
            number = self._house_number(pool.country)
            postcode, city = self._rng.choice(pool.localities)
            if (street, number, postcode) not in self._addresses:
                self._addresses.add((street, number, postcode))
                return Address(street, number, postcode, city, pool.country)

    def _house_number(self, country: str) -> str:
        """Mostly small numbers, now and then a suffix (``12B``, ``7 bis``) as streets really have."""
        number = str(min(int(self._rng.expovariate(1 / 40)) + 1, 399))
        if self._rng.random() < 0.05:
            number += " bis" if country == "FR" else self._rng.choice("ABC")
        return number

