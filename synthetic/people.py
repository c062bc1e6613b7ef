"""The ground truth: distinct real people, some living together in households, with the lives they led.

Households are what make identity resolution hard: people who share an address, often a phone, a mailbox
and a last name are still different people, twins most of all. Lives make it harder the other way: a
woman known by her partner's name in one source and her birth name in another, a family that moved, are
still one person each. What happens to whom comes from the corruption profile, drawn from its own stream.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta

from synthetic.contact import ContactFactory
from synthetic.corruption import Corruption
from synthetic.national_ids import NationalIds
from synthetic.pools import LOCALE_WEIGHTS, LocalePool, build_pool
from synthetic.weighted import Weighted

# A fixed "today": ages and enrolment dates must not depend on the day the generator runs.
REFERENCE_DATE = date(2025, 1, 1)
HOUSEHOLD_SHARE = 0.15
SECOND_EMAIL_RATE = 0.20
CUSTOMER_NUMBER_RATE = 0.70
OTHER_SEX_PARTNER_RATE = 0.9
# Of partners who could take the other's name (the woman in a mixed couple): most French wives use their
# husband's name day to day, many Dutch ones do, Belgian ones rarely; and not every couple is married.
PARTNER_NAME_RATES: dict[str, float] = {"FR": 0.75, "NL": 0.6, "BE": 0.3}
CHILD_FAMILY_NAME_RATE = 0.85  # other children carry a parent's name from an earlier union
EMAIL_FROM_BIRTH_NAME_RATE = 0.5  # a married person's own address often predates the marriage
FAMILY_MAILBOX_RATE = 0.5  # a shared mailbox is a new "famille.dupont@"; otherwise a parent's own address
KEEPS_OWN_EMAIL_RATE = 0.5  # a member of a household with a shared mailbox also has an address of their own
LOCAL_MOVE_RATE = 0.6  # most moves stay in the same town
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
    locale: str  # the language of their names: fr_FR, fr_BE, nl_BE or nl_NL
    country: str
    sex: str  # "F" or "M", as national numbers encode it
    first_name: str
    last_name: str  # the name they use day to day
    birth_name: str  # the same, unless they use their partner's name
    birth_date: date
    address: Address
    previous_address: Address | None  # where they lived before moving; some sources never heard
    emails: tuple[str, ...]  # the first is the one they give most
    phone: str  # E.164: their own mobile, or the number their household gives
    national_id: str  # the country's format, check digits valid
    customer_number: str | None
    household_id: str | None

    @property
    def married_name(self) -> bool:
        return self.last_name != self.birth_name


@dataclass(frozen=True)
class _Member:
    """What a household decides for one of its members before contacts are handed out."""

    first_name: str
    last_name: str
    birth_name: str
    birth_date: date
    female: bool


def build_people(customers: int, seed: int, corruption: Corruption | None = None) -> list[Person]:
    """``customers`` people; same seed and profile, same people. ``None`` is the default profile."""
    corruption = corruption or Corruption.default()
    rng = random.Random(f"{seed}:people")
    units = household_sizes(customers, rng)
    locales = rng.choices(list(LOCALE_WEIGHTS), list(LOCALE_WEIGHTS.values()), k=len(units))
    per_locale = Counter[str]()
    for locale, size in zip(locales, units, strict=True):
        per_locale[locale] += size
    pools = {locale: build_pool(locale, per_locale[locale], seed) for locale in LOCALE_WEIGHTS}
    lives = random.Random(f"{seed}:lives")
    twins = twin_units(units, round(customers * corruption.twins / 2), lives)
    builder = _Builder(rng, lives, corruption, customers, NationalIds(random.Random(f"{seed}:national-ids")))
    for index, (locale, size) in enumerate(zip(locales, units, strict=True)):
        builder.add_unit(pools[locale], size, twins=index in twins)
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


def twin_units(units: list[int], pairs: int, rng: random.Random) -> set[int]:
    """Which households of three or four raise a pair of twins: ``pairs`` of them, or all there are."""
    candidates = [index for index, size in enumerate(units) if size >= 3]
    return set(rng.sample(candidates, min(pairs, len(candidates))))


class _Builder:
    """Accumulates people, handing out ids, unique addresses, contacts, national ids and customer numbers."""

    def __init__(self, rng: random.Random, lives: random.Random, corruption: Corruption, customers: int,
                 national_ids: NationalIds) -> None:
        self._rng = rng
        self._lives = lives
        self._corruption = corruption
        self._contacts = ContactFactory(rng)
        self._national_ids = national_ids
        self._addresses: set[tuple[str, str, str]] = set()
        self._customer_numbers = iter(rng.sample(range(10**7, 10**8), customers))
        self._households = 0
        self.people: list[Person] = []

    def add_unit(self, pool: LocalePool, size: int, twins: bool = False) -> None:
        address = self._address(pool, self._rng)
        previous = self._previous_address(pool, address) if self._lives.random() < self._corruption.moved else None
        home_phone = self._contacts.mobile(pool.country)
        household_id = None
        if size > 1:
            self._households += 1
            household_id = f"H{self._households:06d}"
        members = self._members(pool, size, twins)
        share_phone = twins or self._lives.random() < self._corruption.family_phone
        people = []
        for n, member in enumerate(members):
            own_phone = home_phone if n == 0 else self._contacts.mobile(pool.country)
            emails = self._emails(member, address.country)
            person_id = f"P{len(self.people) + n + 1:07d}"
            people.append(self._person(person_id, pool, member, address, previous, emails,
                                       home_phone if share_phone else own_phone, household_id))
        if size > 1 and self._lives.random() < self._corruption.family_email:
            people = self._family_mailbox(people, members[0].last_name, pool)
        self.people += people

    def _person(self, person_id: str, pool: LocalePool, member: _Member, address: Address,
                previous: Address | None, emails: tuple[str, ...], phone: str, household_id: str | None) -> Person:
        number = next(self._customer_numbers)
        return Person(
            person_id=person_id, locale=pool.locale, country=address.country,
            sex="F" if member.female else "M", first_name=member.first_name, last_name=member.last_name,
            birth_name=member.birth_name, birth_date=member.birth_date, address=address, previous_address=previous,
            emails=emails, phone=phone, household_id=household_id,
            national_id=self._national_ids.issue(address.country, member.birth_date, member.female),
            customer_number=f"CN{number}" if self._rng.random() < CUSTOMER_NUMBER_RATE else None,
        )

    def _emails(self, member: _Member, country: str) -> tuple[str, ...]:
        last = member.last_name
        if member.birth_name != last and self._rng.random() < EMAIL_FROM_BIRTH_NAME_RATE:
            last = member.birth_name
        year = member.birth_date.year
        emails = [self._contacts.email(member.first_name, last, year, country)]
        if self._rng.random() < SECOND_EMAIL_RATE:
            emails.append(self._contacts.email(member.first_name, last, year, country, avoid=emails[0]))
        return tuple(emails)

    def _family_mailbox(self, people: list[Person], family_name: str, pool: LocalePool) -> list[Person]:
        """Every member gives one mailbox first: a new family address, or the head's own."""
        if self._lives.random() < FAMILY_MAILBOX_RATE:
            mailbox = self._contacts.family(family_name, pool.country, pool.locale[:2])
        else:
            mailbox = people[0].emails[0]
        shared = []
        for person in people:
            own = person.emails[0]
            emails = (mailbox,) if own == mailbox or self._lives.random() >= KEEPS_OWN_EMAIL_RATE else (mailbox, own)
            shared.append(replace(person, emails=emails))
        return shared

    def _members(self, pool: LocalePool, size: int, twins: bool) -> list[_Member]:
        """A head, a partner of similar age (usually of the other sex) and grown-up children, maybe twins.

        A household of three raising twins is a single parent with them.
        """
        if size == 1:
            age = round(self._rng.triangular(18, 90, 42))
            return [self._member(pool, self._rng.random() < 0.5, None, age)]
        head_age = self._rng.randint(38, 85)
        head = self._member(pool, self._rng.random() < 0.5, None, head_age)
        members = [head]
        family = head.last_name
        if not (twins and size == 3):
            partner_age = min(90, max(18, head_age + self._rng.randint(-6, 6)))
            partner_female = head.female if self._rng.random() > OTHER_SEX_PARTNER_RATE else not head.female
            partner = self._member(pool, partner_female, None, partner_age)
            if head.female and not partner.female:
                family = partner.last_name  # in a mixed couple the name passed on is the man's
            members = [self._couple_name(m, family, pool.country) for m in (head, partner)]
        children = size - len(members)
        for n in range(children):
            if twins and n == children - 1:
                members.append(self._twin(pool, members[-1]))
            else:
                child_age = max(18, head_age - self._rng.randint(20, 35))
                members.append(self._member(pool, self._rng.random() < 0.5, family, child_age))
        return members

    def _couple_name(self, member: _Member, family: str, country: str) -> _Member:
        """The partner who is not the name-giver uses the family name, at the country's rate."""
        if member.last_name == family or self._rng.random() >= PARTNER_NAME_RATES[country]:
            return member
        return _Member(member.first_name, family, member.birth_name, member.birth_date, member.female)

    def _twin(self, pool: LocalePool, sibling: _Member) -> _Member:
        """Born the same day as ``sibling``, same name, another first name."""
        female = self._rng.random() < 0.5
        names = pool.female_first_names if female else pool.male_first_names
        first = sibling.first_name
        while first == sibling.first_name:
            first = self._rng.choice(names)
        return _Member(first, sibling.last_name, sibling.birth_name, sibling.birth_date, female)

    def _member(self, pool: LocalePool, female: bool, family_name: str | None, age: int) -> _Member:
        names = pool.female_first_names if female else pool.male_first_names
        last = family_name if family_name and self._rng.random() < CHILD_FAMILY_NAME_RATE else None
        last = last or self._rng.choice(pool.last_names)
        return _Member(first_name=self._rng.choice(names), last_name=last, birth_name=last,
                       birth_date=self._birth_date(age), female=female)

    def _birth_date(self, age: int) -> date:
        """A birth date making the person exactly ``age`` on the reference date."""
        latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
        return latest - timedelta(days=self._rng.randrange(365))

    def _address(self, pool: LocalePool, rng: random.Random, locality: tuple[str, str] | None = None) -> Address:
        while True:
            street = rng.choice(pool.streets)
            number = self._house_number(pool.country, rng)
            postcode, city = locality or rng.choice(pool.localities)
            if (street, number, postcode) not in self._addresses:
                self._addresses.add((street, number, postcode))
                return Address(street, number, postcode, city, pool.country)

    def _previous_address(self, pool: LocalePool, current: Address) -> Address:
        """Where a household lived before: mostly in the same town."""
        same_town = self._lives.random() < LOCAL_MOVE_RATE
        return self._address(pool, self._lives, (current.postcode, current.city) if same_town else None)

    @staticmethod
    def _house_number(country: str, rng: random.Random) -> str:
        """Mostly small numbers, now and then a suffix (``12B``, ``7 bis``) as streets really have."""
        number = str(min(int(rng.expovariate(1 / 40)) + 1, 399))
        if rng.random() < 0.05:
            number += " bis" if country == "FR" else rng.choice("ABC")
        return number

