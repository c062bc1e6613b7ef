"""Pairwise precision and recall of a clustering against ground truth, the field's standard measure.

Counted with combinatorics over the cluster-by-person contingency table, so it is linear in records rather
than quadratic in pairs.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PairwiseQuality:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def pairwise_quality(predicted: dict[str, str], truth: dict[str, str]) -> PairwiseQuality:
    """``predicted`` and ``truth`` map a record key to its cluster; only records in both are scored."""
    keys = predicted.keys() & truth.keys()
    cells = Counter((predicted[k], truth[k]) for k in keys)
    clusters = Counter(predicted[k] for k in keys)
    people = Counter(truth[k] for k in keys)
    return PairwiseQuality(true_pairs=_pairs(people), predicted_pairs=_pairs(clusters), correct_pairs=_pairs(cells))


def _pairs(sizes: Counter[Any]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def read_clusters(path: Path, column: str) -> dict[str, str]:
    """``source:source_id`` → ``column`` from a CSV with ``source,source_id`` columns (exports, truth.csv)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {f"{row['source']}:{row['source_id']}": row[column] for row in csv.DictReader(handle)}
