"""The ways sources get people wrong, applied value by value at the corruption profile's rates.

Every kind of noise here is something identity resolution must survive: it either has to see through it
(typos, nicknames, a birth name, case, formats) or must not be fooled by it (junk values shared by
strangers). Every draw comes from the source's seeded RNG.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from synthetic.birth_dates import slipped
from synthetic.corruption import Corruption
from synthetic.keyboard import LAYOUT_OF_COUNTRY, slip
from synthetic.nicknames import initial, short_forms
from synthetic.particles import has_particle, variant
from synthetic.people import REFERENCE_DATE, Address, Person
from synthetic.phones import format_phone
from synthetic.weighted import Weighted

JUNK_EMAILS = ("test@test.com", "noemail@example.com", "none@none.com", "x@x.com")
JUNK_PHONES = ("0000000000", "0123456789", "n/a")
DOTTED_INITIAL_RATE = 0.7  # "J." more often than a bare "J"
USAGE_NAME_FIRST_RATE = 0.8  # "Martin-Dubois": the partner's name first, the birth name after


def strip_accents(value: str) -> str:
    """``Hélène`` → ``Helene``: what a keyboard without dead keys, or an old system, leaves."""
    decomposed = unicodedata.normalize("NFKD", value)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


class Noise:
    """Applies a corruption profile to one source's values; the source decides which values it has."""

    def __init__(self, rng: random.Random, corruption: Corruption) -> None:
        self.rng = rng
        self.rates = corruption

    def chance(self, rate: float) -> bool:
        return self.rng.random() < rate

    def missing(self, value: str, rate: float | None = None) -> str | None:
        """``None`` for a value the source never captured."""
        return None if self.chance(self.rates.missing if rate is None else rate) else value

    # -- names ------------------------------------------------------------------------------------------------
    def names(self, person: Person, force_typo: bool = False) -> tuple[str | None, str | None]:
        """First and last name as this record has them: the name used, slips, case, blanks, a swap, a gap."""
        rates, layout = self.rates, LAYOUT_OF_COUNTRY[person.country]
        first, last = self._first_name(person), self._last_name(person)
        if self.chance(rates.accent_loss):
            first, last = strip_accents(first), strip_accents(last)
        forced = force_typo and self.chance(0.5)
        if forced or self.chance(rates.name_typo):
            first = slip(first, self.rng, layout, where=str.isalpha)
        if (force_typo and not forced) or self.chance(rates.name_typo):
            last = slip(last, self.rng, layout, where=str.isalpha)
        first, last = self._name_case(first, last)
        if self.chance(rates.whitespace):
            if self.chance(0.5):
                first = stray_whitespace(first, self.rng)
            else:
                last = stray_whitespace(last, self.rng)
        if self.chance(rates.name_swap):
            first, last = last, first
        return self.missing(first, rates.name_missing), self.missing(last, rates.name_missing)

    def _first_name(self, person: Person) -> str:
        """The official name, a short form people go by, or initials."""
        forms = short_forms(person.first_name, person.locale)
        if forms and self.chance(self.rates.nickname):
            return forms[int(self.rng.random() * len(forms))]
        if self.chance(self.rates.initials):
            return initial(person.first_name, self.chance(DOTTED_INITIAL_RATE))
        return person.first_name

    def _last_name(self, person: Person) -> str:
        """The name used, or for someone using their partner's name, now and then the birth name or both."""
        last = person.last_name
        if person.married_name:
            roll = self.rng.random()
            if roll < self.rates.birth_name:
                last = person.birth_name
            elif roll < self.rates.birth_name + self.rates.double_barrel:
                pair = (person.last_name, person.birth_name)
                last = "-".join(pair if self.chance(USAGE_NAME_FIRST_RATE) else pair[::-1])
        if has_particle(last) and self.chance(self.rates.particle_variant):
            last = variant(last, self.rng)
        return last

    def _name_case(self, first: str, last: str) -> tuple[str, str]:
        rates, roll = self.rates, self.rng.random()
        if roll < rates.upper_last_name:
            return first, last.upper()
        roll -= rates.upper_last_name
        if roll < rates.lower_names:
            return first.lower(), last.lower()
        if roll - rates.lower_names < rates.upper_names:
            return first.upper(), last.upper()
        return first, last

    # -- identifiers --------------------------------------------------------------------------------------------
    def email(self, email: str, country: str, can_be_missing: bool = True) -> str | None:
        """The address as typed: sometimes absent, with a slip in the name or the domain, odd case, blanks."""
        if can_be_missing and self.chance(self.rates.missing):
            return None
        if self.chance(self.rates.identifier_typo):
            email = slip(email, self.rng, LAYOUT_OF_COUNTRY[country])
        if self.chance(self.rates.email_case):
            email = email_case(email, self.rng)
        if self.chance(self.rates.email_spaces):
            email = self.rng.choice((" ", "  ", "")) + email + self.rng.choice((" ", "\t", "  "))
        return email

    def phone(self, e164: str, country: str, styles: Weighted[str]) -> str | None:
        """The number in one of the source's styles, sometimes absent, sometimes with a digit slipped."""
        if self.chance(self.rates.missing):
            return None
        written = format_phone(e164, country, styles.pick(self.rng))
        if not self.chance(self.rates.identifier_typo):
            return written
        prefix = 3 if written.startswith("+") else 0  # the country code is picked from a list, not typed
        return written[:prefix] + slip(written[prefix:], self.rng, where=str.isdigit)

    def code(self, value: str) -> str:
        """A customer number or national id copied by hand: now and then one digit slips."""
        if self.chance(self.rates.identifier_typo):
            return slip(value, self.rng, where=str.isdigit)
        return value

    def bad_contacts(self, email: str | None, phone: str | None,
                     person_email: str, person_phone: str) -> tuple[str | None, str | None]:
        """Junk placeholders shared by strangers, or a malformed value, replacing the real ones."""
        if self.chance(self.rates.junk):
            roll = self.rng.random()
            if roll < 0.6:
                email = self.rng.choice(JUNK_EMAILS)
            if roll >= 0.4:
                phone = self.rng.choice(JUNK_PHONES)
        elif self.chance(self.rates.malformed):
            if self.chance(0.5):
                email = malformed_email(person_email, self.rng)
            else:
                phone = malformed_phone(person_phone, self.rng)
        return email, phone

    # -- person fields ------------------------------------------------------------------------------------------
    def birth_date(self, born: date, fmt: str) -> str | None:
        """In the source's format; sometimes absent, sometimes with the day and month swapped or a digit off."""
        if self.chance(self.rates.missing):
            return None
        if self.chance(self.rates.birth_date_error):
            born = slipped(born, self.rng, REFERENCE_DATE)
        return born.strftime(fmt)

    def address(self, person: Person) -> Address:
        """Where this source thinks the person lives: a mover's old address if nobody told it."""
        if person.previous_address and self.chance(self.rates.stale_address):
            return person.previous_address
        return person.address

    def address_part(self, value: str, country: str, digits_only: bool = False) -> str | None:
        """A street, number, postcode or city: sometimes absent, sometimes with a slip."""
        if self.chance(self.rates.missing):
            return None
        if self.chance(self.rates.address_typo):
            return slip(value, self.rng, LAYOUT_OF_COUNTRY[country], where=str.isdigit if digits_only else str.isalnum)
        return value


def stray_whitespace(value: str, rng: random.Random) -> str:
    """Blanks before, after or doubled inside: the same name once whitespace is normalised."""
    roll = rng.randrange(3)
    if roll == 0:
        return " " + value
    if roll == 1 or " " not in value:
        return value + rng.choice((" ", "  "))
    return value.replace(" ", "  ", 1)


def email_case(email: str, rng: random.Random) -> str:
    """``Jean.Dupont@Gmail.com`` or ``JEAN.DUPONT@GMAIL.COM``: the same mailbox after lower-casing."""
    if rng.random() < 0.25:
        return email.upper()
    local, domain = email.split("@", 1)
    words = ".".join(part[:1].upper() + part[1:] for part in local.split("."))
    return f"{words}@{domain[:1].upper()}{domain[1:]}"


def malformed_email(email: str, rng: random.Random) -> str:
    """An address no validator accepts, still plainly derived from the real one."""
    local, domain = email.split("@", 1)
    return rng.choice((
        f"{local}@",
        f"{local.replace('.', ' ')}@mail",
        f"{local}@@{domain}",
        f"{local}.{domain}",
        f"{local}@{domain.split('.')[0]}",
    ))


def malformed_phone(e164: str, rng: random.Random) -> str:
    """Too few digits to be any number: what is left when a form field is cut short."""
    return rng.choice(("12", e164[-4:], "06 12", "+3"))
