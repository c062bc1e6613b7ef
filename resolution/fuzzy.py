"""Fuzzy matching: records that share no identifier, compared within blocks and scored by Fellegi-Sunter.

1. Blocking (``Features.blocking_keys``, one key per pass): only records sharing a key are compared — never
   all pairs.
2. Comparison: each field of a pair gets a level (exact, close, far, different, or 0 when either side is
   missing), computed column-wise by ``rapidfuzz.process.cpdist`` so that millions of pairs take seconds.
3. Model: per field and level, m = P(level | same person) and u = P(level | different people). u comes from
   random record pairs (almost all non-matches); m and the share of matches are estimated by EM on the
   candidate pairs (the approach of splink). A pair's match probability combines the fields' Bayes factors.
4. Guards: the household problem. People living together agree on surname, address and phone — evidence
   the model would multiply as if independent — so fields listed in ``GUARDED`` (names, birth date)
   must not *disagree* for a link, whatever the score.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from resolution.features import Features

#: comparison name → number of non-null levels (level 1 is "different", the highest is "exact")
COMPARISONS: dict[str, int] = {"first_name": 5, "last_name": 5, "birth_date": 4, "address": 4, "phone": 2}
#: comparison → highest level a link refuses: a first name below 0.85 similarity, a surname below 0.70
#: (relatives share it; a married name or a bad typo does not), a birth date that differs
GUARDED = {"first_name": 2, "last_name": 1, "birth_date": 1}
RANDOM_PAIRS = 200_000
EM_ITERATIONS = 25
MIN_FIT_PAIRS = 50

Levels = NDArray[np.int8]


@dataclass(frozen=True)
class Candidates:
    """Pairs of record positions to compare, each with the first blocking pass that found it."""

    left: NDArray[np.int64]
    right: NDArray[np.int64]
    rule: list[str]


@dataclass
class MatchModel:
    """Fellegi-Sunter parameters; stored with each resolution run so a later incremental run reuses them."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    #: P(two random records are one person): what evidence must overcome, however tight the blocking
    prior: float
    fitted_pairs: int = 0

    def bayes_factors(self, name: str) -> NDArray[np.float64]:
        """log2(m/u) per level, with 0 for level 0 (missing): absence is no evidence."""
        m = np.asarray(self.m[name])
        u = np.asarray(self.u[name])
        return np.concatenate([[0.0], np.log2(np.maximum(m, 1e-9) / np.maximum(u, 1e-9))])

    def probability(self, levels: dict[str, Levels], prior: float | None = None) -> NDArray[np.float64]:
        """P(same person | levels) for two records drawn at random (``prior``: the share of matches)."""
        share = self.prior if prior is None else prior
        weight = np.full(len(next(iter(levels.values()))), math.log2(share / (1 - share)))
        for name, level in levels.items():
            weight = weight + self.bayes_factors(name)[level]
        return np.asarray(1.0 / (1.0 + np.power(2.0, -weight)), dtype=np.float64)

    def to_dict(self) -> dict[str, object]:
        return {"m": self.m, "u": self.u, "prior": self.prior, "fitted_pairs": self.fitted_pairs}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> MatchModel:
        return cls(m=data["m"], u=data["u"], prior=float(data["prior"]),  # type: ignore[arg-type]
                   fitted_pairs=int(data.get("fitted_pairs", 0)))  # type: ignore[call-overload]


def candidate_pairs(records: list[Features], max_block_size: int, only: set[int] | None = None) -> Candidates:
    """Pairs sharing a blocking key in any pass; with ``only``, just the pairs touching those positions.

    A block larger than ``max_block_size`` is skipped for its pass: the other passes still reach its true
    pairs, and one very common key must not cost quadratic time.
    """
    seen: dict[tuple[int, int], str] = {}
    blocks: dict[tuple[str, str], list[int]] = {}
    wanted = None if only is None else {item for p in only for item in records[p].blocking_keys.items()}
    for position, record in enumerate(records):
        for item in record.blocking_keys.items():
            if wanted is None or item in wanted:
                blocks.setdefault(item, []).append(position)
    for (pass_name, _), members in blocks.items():
        if not 2 <= len(members) <= max_block_size:
            continue
        for a, b in _pairs_in(members, only):
            seen.setdefault((a, b), pass_name)
    pairs = sorted(seen)
    left = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    right = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    return Candidates(left, right, [seen[p] for p in pairs])


def _pairs_in(members: list[int], only: set[int] | None) -> Iterable[tuple[int, int]]:
    if only is None:
        return itertools.combinations(members, 2)
    touched = [m for m in members if m in only]
    return {(min(a, b), max(a, b)) for a in touched for b in members if a != b}


class Table:
    """The records' comparable fields as columns (NumPy object arrays): pairs are compared column-wise."""

    FIELDS = ("first_name", "last_name", "birth_date", "postcode", "street", "city", "phone")

    def __init__(self, records: list[Features]) -> None:
        self.records = records
        self.size = len(records)
        self.columns = {name: np.array([getattr(r, name) for r in records], dtype=object) for name in self.FIELDS}
        births = self.columns["birth_date"]
        self.birth_swapped = np.array([f"{x[:4]}-{x[8:10]}-{x[5:7]}" if len(x) == 10 else "" for x in births],
                                      dtype=object)

    def pair(self, name: str, left: NDArray[np.int64], right: NDArray[np.int64]) -> tuple[Column, Column]:
        return self.columns[name][left], self.columns[name][right]


Column = NDArray[np.object_]


def compare(table: Table, left: NDArray[np.int64], right: NDArray[np.int64]) -> dict[str, Levels]:
    """The level of every comparison for every pair, column by column."""
    first_a, first_b = table.pair("first_name", left, right)
    last_a, last_b = table.pair("last_name", left, right)
    straight = _similarity(first_a, first_b) + _similarity(last_a, last_b)
    swapped = _similarity(first_a, last_b) + _similarity(last_a, first_b)
    swap = swapped > straight + 0.1  # names written the other way round
    first_b, last_b = np.where(swap, last_b, first_b), np.where(swap, first_b, last_b)
    birth_a, birth_b = table.pair("birth_date", left, right)
    return {
        "first_name": _name_levels(first_a, first_b),
        "last_name": _name_levels(last_a, last_b),
        "birth_date": _birth_levels(birth_a, birth_b, table.birth_swapped[left] == birth_b),
        "address": _address_levels(table, left, right),
        "phone": _exact_levels(*table.pair("phone", left, right)),
    }


def _similarity(a: Column, b: Column) -> NDArray[np.float64]:
    """Jaro-Winkler: a typo, a transposition or a dropped letter keeps a name above 0.9, while relatives'
    names that merely look alike (``claude``/``claire``, ``aime``/``alice``) fall below 0.85."""
    return _scores(a, b, JaroWinkler.normalized_similarity)


def _scores(a: Column, b: Column, scorer: Any) -> NDArray[np.float64]:
    if not len(a):
        return np.zeros(0)
    return np.asarray(process.cpdist(list(a), list(b), scorer=scorer, workers=-1), dtype=np.float64)


def _missing(a: Column, b: Column) -> NDArray[np.bool_]:
    return np.asarray((a == "") | (b == ""), dtype=bool)


def _name_levels(a: Column, b: Column) -> Levels:
    """5 exact; 4 one slip (Jaro-Winkler >= 0.92, or one edit or transposition, which short names need:
    ``okk``/``kok``); 3 >= 0.85; 2 >= 0.70; 1 different."""
    similarity = _similarity(a, b)
    one_slip = _scores(a, b, OSA.distance) <= 1
    levels = np.select([similarity >= 1.0, (similarity >= 0.92) | one_slip, similarity >= 0.85, similarity >= 0.70],
                       [5, 4, 3, 2], 1)
    return np.where(_missing(a, b), 0, levels).astype(np.int8)


def _birth_levels(a: Column, b: Column, swapped: NDArray[np.bool_]) -> Levels:
    """exact; day and month swapped; one character off (a digit typed wrong); different."""
    distance = _scores(a, b, Levenshtein.distance)
    levels = np.select([distance == 0, swapped, distance <= 1], [4, 3, 2], 1)
    return np.where(_missing(a, b), 0, levels).astype(np.int8)


def _address_levels(table: Table, left: NDArray[np.int64], right: NDArray[np.int64]) -> Levels:
    """One comparison for postcode, street and city: they move together, so they are one piece of evidence.

    4 same street and postcode (or a postcode one character off); 3 same postcode; 2 same city; 1 different.
    """
    postcode_a, postcode_b = table.pair("postcode", left, right)
    street_a, street_b = table.pair("street", left, right)
    city_a, city_b = table.pair("city", left, right)
    postcode_distance = _scores(postcode_a, postcode_b, Levenshtein.distance)
    street_similarity = _scores(street_a, street_b, fuzz.token_sort_ratio)
    has_postcode = ~_missing(postcode_a, postcode_b)
    has_city = ~_missing(city_a, city_b)
    same_street = ~_missing(street_a, street_b) & (street_similarity >= 85)
    same_city = has_city & np.asarray(city_a == city_b, dtype=bool)
    levels = np.select(
        [has_postcode & (postcode_distance <= 1) & same_street, has_postcode & (postcode_distance == 0),
         same_city, has_postcode | has_city],
        [4, 3, 2, 1], 0)
    return levels.astype(np.int8)


def _exact_levels(a: Column, b: Column) -> Levels:
    same = np.asarray(a == b, dtype=bool)
    return np.where(_missing(a, b), 0, np.where(same, 2, 1)).astype(np.int8)


def guarded(levels: dict[str, Levels]) -> NDArray[np.bool_]:
    """Pairs a guard refuses: a guarded comparison present on both sides and at or below its limit."""
    refused = np.zeros(len(next(iter(levels.values()))), dtype=bool)
    for name, limit in GUARDED.items():
        refused |= (levels[name] >= 1) & (levels[name] <= limit)
    return refused


def estimate_u(table: Table, seed: int = 0) -> dict[str, list[float]]:
    """Level frequencies among random pairs: with many records, nearly all of them are different people."""
    rng = np.random.default_rng(seed)
    n = table.size
    count = min(RANDOM_PAIRS, n * (n - 1) // 2)
    left = rng.integers(0, n, count)
    right = rng.integers(0, n, count)
    keep = left != right
    levels = compare(table, left[keep], right[keep])
    return {name: _frequencies(levels[name], COMPARISONS[name]) for name in COMPARISONS}


def _frequencies(level: Levels, size: int, weights: NDArray[np.float64] | None = None) -> list[float]:
    """P(level) over non-missing observations, smoothed so no level has probability 0."""
    counts = np.bincount(level, weights=weights, minlength=size + 1)[1:] + 0.5
    return [float(c) for c in counts / counts.sum()]


def fit(table: Table, levels: dict[str, Levels], prior: float, seed: int = 0) -> MatchModel:
    """u from random pairs, then m and the share of matches by EM over the candidate pairs' ``levels``
    (from ``compare``, which the caller also scores with).

    Pairs a guard refuses are left out of the fit: household members agree on everything shared by a home,
    and a two-class mixture fitted with them learns "same home" instead of "same person".
    """
    u = estimate_u(table, seed)
    m = {name: _initial_m(size) for name, size in COMPARISONS.items()}
    model = MatchModel(m=m, u=u, prior=prior, fitted_pairs=len(next(iter(levels.values()))))
    matrix = np.stack([levels[name] for name in COMPARISONS], axis=1)[~guarded(levels)]
    if len(matrix) < MIN_FIT_PAIRS:  # too few to estimate anything: keep the documented starting weights
        model.prior = min(max(len(matrix), 1) / (table.size * (table.size - 1) / 2 or 1), 0.5)
        return model
    patterns, counts = np.unique(matrix, axis=0, return_counts=True)
    by_name = {name: patterns[:, i] for i, name in enumerate(COMPARISONS)}
    share = prior
    for _ in range(EM_ITERATIONS):
        expected = model.probability(by_name, share) * counts  # expected matches per pattern
        share = float(min(max(expected.sum() / counts.sum(), 1e-6), 1 - 1e-6))
        model.m = {name: _frequencies(by_name[name], COMPARISONS[name], expected) for name in COMPARISONS}
    all_pairs = table.size * (table.size - 1) / 2
    model.prior = min(share * len(matrix) / all_pairs, 0.5)
    return model


def _initial_m(size: int) -> list[float]:
    """Matches mostly agree: 0.8 on the exact level, the rest spread over the others."""
    return [0.2 / (size - 1)] * (size - 1) + [0.8]
