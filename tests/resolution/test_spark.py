"""The same trained model on Splink's Spark backend, in Spark local mode, where pyspark is installed
(``pip install -e '.[spark]'``): it finds the pairs DuckDB finds."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from resolution import features, linkage
from resolution.engines import ENGINES
from resolution.rules import default_rules
from tests.resolution.test_matching_model import _simulated

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="Spark matching needs pyspark (pip install -e '.[spark]') and a Java runtime; not installed here")


def test_a_model_trained_on_duckdb_scores_the_same_pairs_on_spark() -> None:
    rules = default_rules().matching
    rows, truth = _simulated(1200, seed=6, slip_rate=0.3)
    table = features.table(rows)
    model = linkage.train(table, rules)
    on_duckdb = {(p.a, p.b): p.probability for p in linkage.predict(table, model, rules)}
    on_spark = {(p.a, p.b): p.probability for p in linkage.predict(table, model, rules, engine=ENGINES["spark"])}
    assert len(on_duckdb) > 1000 and all(truth[a] == truth[b] for a, b in on_spark)
    agreed = on_duckdb.keys() & on_spark.keys()
    assert len(agreed) >= 0.99 * len(on_duckdb.keys() | on_spark.keys())  # string similarities may round apart
    assert max(abs(on_duckdb[p] - on_spark[p]) for p in agreed) < 1e-3


def test_training_runs_on_spark_too() -> None:
    rules = default_rules().matching
    rows, _ = _simulated(1200, seed=7, slip_rate=0.2)
    model = linkage.train(features.table(rows), rules, ENGINES["spark"])
    [name] = [c for c in model["comparisons"] if c["output_column_name"] == "name"]
    m = {level.get("label_for_charts"): level.get("m_probability") for level in name["comparison_levels"]}
    assert m["names one slip apart"] == pytest.approx(0.2, abs=0.06)
