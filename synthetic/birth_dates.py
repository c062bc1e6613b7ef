"""Birth dates as they get written wrong: day and month swapped, a year digit off, a day digit off.

Each slip leaves a real calendar date no later than the reference day, as a form's date picker or a
loader's range check would let through: the value is wrong, not malformed.
"""

from __future__ import annotations

import random
from datetime import date

from synthetic.draws import below

DATE_SLIPS = ("day_month_swap", "year_digit", "day_digit")


def slipped(born: date, rng: random.Random, latest: date) -> date:
    """``born`` with one slip; a slip impossible for this date (no swap for the 25th) gives way to another."""
    start = below(rng, len(DATE_SLIPS))
    for k in range(len(DATE_SLIPS)):
        kind = DATE_SLIPS[(start + k) % len(DATE_SLIPS)]
        for candidate in _candidates(born, kind, rng):
            if candidate != born and candidate <= latest:
                return candidate
    return born


def _candidates(born: date, kind: str, rng: random.Random) -> list[date]:
    if kind == "day_month_swap":
        return _valid([(born.year, born.day, born.month)])
    if kind == "year_digit":
        tens, units = divmod(born.year % 100, 10)
        century = born.year - born.year % 100
        swapped = century + units * 10 + tens  # 1978 -> 1987
        near = [born.year + 1, born.year - 1]  # 1978 -> 1979 or 1977
        years = [swapped, near[below(rng, 2)]] if rng.random() < 0.5 else [near[below(rng, 2)], swapped]
        return _valid([(year, born.month, born.day) for year in years])
    tens, units = divmod(born.day, 10)
    days = [tens * 10 + (units + 1) % 10, tens * 10 + (units - 1) % 10, ((tens + 1) % 4) * 10 + units]
    rng.shuffle(days)
    return _valid([(born.year, born.month, day) for day in days])


def _valid(parts: list[tuple[int, int, int]]) -> list[date]:
    found = []
    for year, month, day in parts:
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    return found
