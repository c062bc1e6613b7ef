"""National identification numbers in each country's real format, with valid check digits.

France's NIR (sex, year and month of birth, place of birth, serial, 97-modulus key), Belgium's national
register number (birth date, a serial odd for men and even for women, 97-modulus check that counts a
leading 2 for births from 2000) and the Dutch BSN (nine digits passing the eleven test). A slip in a
written number breaks its check almost always: a loader or matcher can tell a typo from another person.
"""

from __future__ import annotations

import random
from datetime import date

from synthetic.draws import below, between

_FR_ABROAD_RATE = 0.06  # born outside France: department 99 and a country code


class NationalIds:
    """Hands out numbers nobody else has, each consistent with its owner's birth date and sex."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._issued: set[str] = set()

    def issue(self, country: str, born: date, female: bool) -> str:
        while True:
            number = _NUMBERS[country](born, female, self._rng)
            if number not in self._issued:
                self._issued.add(number)
                return number


def nir(born: date, female: bool, rng: random.Random) -> str:
    """15 digits: sex, YY, MM, department (never Corsica's 2A/2B), commune or country, serial, key."""
    if rng.random() < _FR_ABROAD_RATE:
        place = f"99{between(rng, 100, 499):03d}"
    else:
        department = between(rng, 1, 95)
        department = 21 if department == 20 else department  # 20 is Corsica, written 2A or 2B
        place = f"{department:02d}{between(rng, 1, 899):03d}"
    body = f"{2 if female else 1}{born.year % 100:02d}{born.month:02d}{place}{between(rng, 1, 999):03d}"
    return body + nir_key(body)


def nir_key(body: str) -> str:
    """The key: 97 minus the 13-digit body modulo 97, on two digits."""
    return f"{97 - int(body) % 97:02d}"


def belgian_number(born: date, female: bool, rng: random.Random) -> str:
    """11 digits: YYMMDD, a serial (odd for men, even for women), and the 97-modulus check."""
    serial = 2 * between(rng, 1, 498) - (0 if female else 1)
    body = f"{born.year % 100:02d}{born.month:02d}{born.day:02d}{serial:03d}"
    return body + belgian_check(body, born.year)


def belgian_check(body: str, year: int) -> str:
    """97 minus the 9-digit body modulo 97; for births from 2000 the body is read with a leading 2."""
    value = int(("2" if year >= 2000 else "") + body)
    return f"{97 - value % 97:02d}"


def bsn(born: date, female: bool, rng: random.Random) -> str:
    """9 digits whose weighted sum (9, 8, … 2, and -1 for the last) is a multiple of 11; owes nothing to birth."""
    while True:
        head = [between(rng, 1, 6), *(below(rng, 10) for _ in range(7))]
        last = sum(weight * digit for weight, digit in zip(range(9, 1, -1), head, strict=True)) % 11
        if last < 10:
            return "".join(map(str, head)) + str(last)


_NUMBERS = {"FR": nir, "BE": belgian_number, "NL": bsn}


def written(number: str, country: str, rng: random.Random) -> str:
    """As a clerk copies it from a card: French numbers often in their printed groups, the others compact.

    Only blanks separate groups (never Belgium's dots and dash), so the written forms of one number are
    the same once blanks are removed.
    """
    if country == "FR" and rng.random() < 0.4:
        return " ".join((number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:]))
    if country == "BE" and rng.random() < 0.2:
        return " ".join((number[0:2], number[2:4], number[4:6], number[6:9], number[9:]))
    return number
