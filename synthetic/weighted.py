"""Weighted draws with precomputed cumulative weights: ``random.choices`` re-sums them on every call."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    values: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, weights: Mapping[T, float]) -> Weighted[T]:
        return cls(tuple(weights), tuple(accumulate(weights.values())))

    def pick(self, rng: random.Random) -> T:
        return self.values[bisect(self.cumulative, rng.random() * self.cumulative[-1])]
