"""The pipeline benchmark at a tiny size on the real store: its quality is the one the export gives."""

from __future__ import annotations

import csv
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from bench.pipeline import run
from graph import Graph, Settings
from tests.helpers import c360


def _pairs(clusters: dict[str, str]) -> set[frozenset[str]]:
    """Every pair of records put together, listed one by one (not the benchmark's contingency count)."""
    members: dict[str, list[str]] = defaultdict(list)
    for record, cluster in clusters.items():
        members[cluster].append(record)
    return {frozenset(pair) for records in members.values() for pair in combinations(records, 2)}


def _read(path: Path, column: str) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {f"{row['source']}:{row['source_id']}": row[column] for row in csv.DictReader(handle)}


def test_quality_is_recounted_from_the_export(embedded_graph: Graph, embedded_settings: Settings,
                                              tmp_path: Path) -> None:
    measured = run(embedded_settings, tmp_path / "data", customers=60, reads=5, seed=3)

    exported = tmp_path / "clusters.csv"
    assert c360("export", "clusters", "--out", str(exported), home=embedded_settings.home).returncode == 0
    predicted = _read(exported, "customer_id")
    truth = {k: v for k, v in _read(tmp_path / "data" / "truth.csv", "person_id").items() if k in predicted}
    predicted_pairs, true_pairs = _pairs(predicted), _pairs(truth)
    assert predicted == measured.clusters
    assert len(predicted) == measured.first.records > 60
    assert measured.quality.true_pairs == len(true_pairs) > 0
    assert measured.quality.predicted_pairs == len(predicted_pairs)
    assert measured.quality.correct_pairs == len(predicted_pairs & true_pairs)
    assert measured.again.records_moved == 0
    assert len(measured.read_seconds) == 5
