"""generate → load → resolve → export on the real embedded store, scored against the generator's truth."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from graph import Graph, Settings
from resolution.quality import pairwise_quality, read_clusters
from synthetic import generate
from tests.helpers import c360

pytestmark = pytest.mark.store

# The identity-resolution targets on the generator's truth (households sharing phones and devices, junk
# identifiers, typos, people with several emails): deterministic links plus fuzzy matching.
MIN_PRECISION = 0.995
MIN_RECALL = 0.98


def test_pipeline_through_the_cli_meets_quality(embedded_graph: Graph, embedded_settings: Settings,
                                                tmp_path: Path) -> None:
    data = tmp_path / "data"
    home = embedded_settings.home
    assert c360("generate", "--customers", "3000", "--out", str(data), home=home).returncode == 0
    loaded = c360("load", str(data), "--quiet", home=home)
    assert loaded.returncode == 0, loaded.stderr
    assert c360("resolve", home=home).returncode == 0
    exported = c360("export", "clusters", "--out", str(tmp_path / "clusters.csv"), home=home)
    assert exported.returncode == 0, exported.stderr

    with open(tmp_path / "clusters.csv", newline="") as handle:
        assert csv.DictReader(handle).fieldnames == ["source", "source_id", "customer_id"]
    predicted = read_clusters(tmp_path / "clusters.csv", "customer_id")
    truth = read_clusters(data / "truth.csv", "person_id")
    rejected = _rejected_keys(home)
    assert set(predicted) <= set(truth)
    assert set(truth) - set(predicted) <= rejected, "every generated record is either loaded or rejected"
    quality = pairwise_quality(predicted, truth)
    assert quality.precision >= MIN_PRECISION, quality
    assert quality.recall >= MIN_RECALL, quality


def _rejected_keys(home: Path) -> set[str]:
    """Records refused on load, read back from the reject files, as source:source_id keys."""
    keys = set()
    for path in (home / "rejects").glob("*.jsonl"):
        source = path.stem.split("-")[1]
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            if entry["action"] == "record_rejected" and entry["value"]:
                keys.add(f"{source}:{entry['value']}")
    return keys


def test_demo_without_serving(tmp_path: Path) -> None:
    result = c360("demo", "--customers", "300", "--no-serve", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert "resolve (full): records" in result.stdout and "customers" in result.stdout
    generated = len((tmp_path / "home" / "demo-data" / "truth.csv").read_text().splitlines()) - 1
    assert f"records {generated:,}" in result.stdout.replace("\n", " ")


def test_generator_is_deterministic(tmp_path: Path) -> None:
    first, second = generate(200, tmp_path / "a", seed=3), generate(200, tmp_path / "b", seed=3)
    assert first.records == second.records
    assert (tmp_path / "a" / "truth.csv").read_bytes() == (tmp_path / "b" / "truth.csv").read_bytes()
