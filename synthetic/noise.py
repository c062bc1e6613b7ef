"""The ways sources get people wrong, each at a realistic rate and driven only by the seeded RNG.

Every kind of noise here is something identity resolution must survive: it either has to see through it
(typos, case, formats) or must not be fooled by it (junk values shared by strangers).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

from synthetic.contact import COUNTRY_CODES
from synthetic.weighted import Weighted

MISSING_RATE = 0.08
COUNTRY_MISSING_RATE = 0.03  # systems usually default the country, so it is lost less often
TYPO_RATE = 0.05
SWAP_RATE = 0.01
WHITESPACE_RATE = 0.03
UPPER_LAST_NAME_RATE = 0.08
LOWER_NAMES_RATE = 0.03
UPPER_NAMES_RATE = 0.02
EMAIL_CASE_RATE = 0.10
EMAIL_SPACES_RATE = 0.03
JUNK_RATE = 0.02
MALFORMED_RATE = 0.005

JUNK_EMAILS = ("test@test.com", "noemail@example.com", "none@none.com", "x@x.com")
JUNK_PHONES = ("0000000000", "0123456789", "n/a")

# Each source has its habits: a web form stores what the phone widget produced, a till what was typed.
PHONE_STYLES: dict[str, Weighted[str]] = {
    "crm": Weighted.of({"e164": 25, "international": 15, "national": 20, "spaced": 30, "dotted": 10}),
    "webshop": Weighted.of({"e164": 55, "international": 20, "national": 15, "spaced": 10}),
    "loyalty": Weighted.of({"e164": 10, "international": 10, "national": 35, "spaced": 30, "dotted": 15}),
}


def strip_accents(value: str) -> str:
    """``Hélène`` → ``Helene``: what a keyboard without dead keys, or an old system, leaves."""
    decomposed = unicodedata.normalize("NFKD", value)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def format_phone(e164: str, country: str, style: str) -> str:
    """One E.164 mobile written the way people of ``country`` write it."""
    code = COUNTRY_CODES[country]
    return _PHONE_FORMATS[country](code, e164.removeprefix(f"+{code}"))[style]


def _fr_formats(code: str, n: str) -> dict[str, str]:
    pairs = f"{n[1:3]} {n[3:5]} {n[5:7]} {n[7:9]}"
    return {"e164": f"+{code}{n}", "international": f"+{code} {n[0]} {pairs}", "national": f"0{n}",
            "spaced": f"0{n[0]} {pairs}", "dotted": f"0{n[0]}.{pairs.replace(' ', '.')}"}


def _be_formats(code: str, n: str) -> dict[str, str]:
    rest = f"{n[3:5]} {n[5:7]} {n[7:]}"
    return {"e164": f"+{code}{n}", "international": f"+{code} {n[:3]} {rest}", "national": f"0{n}",
            "spaced": f"0{n[:3]} {rest}", "dotted": f"0{n[:3]}/{rest.replace(' ', '.')}"}


def _nl_formats(code: str, n: str) -> dict[str, str]:
    return {"e164": f"+{code}{n}", "international": f"+{code} {n[0]} {n[1:]}", "national": f"0{n}",
            "spaced": f"0{n[0]} {n[1:]}", "dotted": f"0{n[0]}-{n[1:]}"}


_PHONE_FORMATS: dict[str, Callable[[str, str], dict[str, str]]] = {
    "FR": _fr_formats, "BE": _be_formats, "NL": _nl_formats,
}


class Noise:
    """Applies the noise to one record's values; a record's source decides which values it has."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chance(self, rate: float) -> bool:
        return self.rng.random() < rate

    def missing(self, value: str, rate: float = MISSING_RATE) -> str | None:
        """``None`` for a value the source never captured."""
        return None if self.chance(rate) else value

    def names(self, first: str, last: str, force_typo: bool = False) -> tuple[str, str]:
        """First and last name with typos, case and spacing noise, now and then swapped."""
        if force_typo or self.chance(TYPO_RATE):
            if self.chance(0.5):
                first = typo(first, self.rng)
            else:
                last = typo(last, self.rng)
        first, last = self._name_case(first, last)
        if self.chance(WHITESPACE_RATE):
            if self.chance(0.5):
                first = stray_whitespace(first, self.rng)
            else:
                last = stray_whitespace(last, self.rng)
        if self.chance(SWAP_RATE):
            first, last = last, first
        return first, last

    def _name_case(self, first: str, last: str) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < UPPER_LAST_NAME_RATE:
            return first, last.upper()
        roll -= UPPER_LAST_NAME_RATE
        if roll < LOWER_NAMES_RATE:
            return first.lower(), last.lower()
        if roll - LOWER_NAMES_RATE < UPPER_NAMES_RATE:
            return first.upper(), last.upper()
        return first, last

    def email(self, email: str, can_be_missing: bool = True) -> str | None:
        """The address as typed: sometimes absent, in odd case or with spaces around it."""
        if can_be_missing and self.chance(MISSING_RATE):
            return None
        if self.chance(EMAIL_CASE_RATE):
            email = email_case(email, self.rng)
        if self.chance(EMAIL_SPACES_RATE):
            email = self.rng.choice((" ", "  ", "")) + email + self.rng.choice((" ", "\t", "  "))
        return email

    def phone(self, e164: str, country: str, styles: Weighted[str]) -> str | None:
        if self.chance(MISSING_RATE):
            return None
        return format_phone(e164, country, styles.pick(self.rng))

    def bad_contacts(self, email: str | None, phone: str | None,
                     person_email: str, person_phone: str) -> tuple[str | None, str | None]:
        """Junk placeholders shared by strangers (~2 %), or a malformed value (~0.5 %), replacing the real."""
        if self.chance(JUNK_RATE):
            roll = self.rng.random()
            if roll < 0.6:
                email = self.rng.choice(JUNK_EMAILS)
            if roll >= 0.4:
                phone = self.rng.choice(JUNK_PHONES)
        elif self.chance(MALFORMED_RATE):
            if self.chance(0.5):
                email = malformed_email(person_email, self.rng)
            else:
                phone = malformed_phone(person_phone, self.rng)
        return email, phone


def typo(name: str, rng: random.Random) -> str:
    """A single slip: accents lost, two letters swapped, one dropped or one doubled."""
    stripped = strip_accents(name)
    if stripped != name and rng.random() < 0.5:
        return stripped
    if len(name) < 3:
        return name + name[-1]
    i = rng.randrange(len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0 and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if kind == 1:
        return name[:i] + name[i + 1:]
    return name[:i + 1] + name[i] + name[i + 1:]


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
