"""Draws the event builders make hundreds of thousands of times: counts of activity, indices and picks.

``random.Random.randrange`` and ``choice`` cost about a microsecond each through ``getrandbits``; the
builders make millions of draws at 100 000 people, so the helpers here draw one float instead.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's multiplication method: exact and fast for the small means used here."""
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def activity(rng: random.Random, mean: float) -> int:
    """A count with ``mean`` whose rate itself varies by person: many idle people, a few very active ones.

    A Poisson count with an exponentially distributed rate (a geometric count): real shoppers are not alike,
    and identity resolution must cope with people who left one trace and people who left dozens.
    """
    return poisson(rng, rng.expovariate(1 / mean))


def below(rng: random.Random, n: int) -> int:
    """``rng.randrange(n)`` from a single float draw: three times faster, and the bias is nil at these sizes."""
    return int(rng.random() * n)


def between(rng: random.Random, low: int, high: int) -> int:
    """``rng.randint(low, high)``, both ends included, from a single float draw."""
    return low + int(rng.random() * (high - low + 1))


def pick(rng: random.Random, values: Sequence[T]) -> T:
    """``rng.choice(values)`` from a single float draw."""
    return values[int(rng.random() * len(values))]
