"""``c360 check`` as a scheduler runs it: a real subprocess on the embedded store, its exit code and lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph import Graph, Settings
from tests.analysis.test_quality import build
from tests.helpers import c360, one_error_line, query

pytestmark = pytest.mark.store

FAILING = '[[expect]]\nmeasure = "completeness"\nsource = "crm"\nfield = "email"\nmin = 0.8\n'
PASSING = '[[expect]]\nmeasure = "completeness"\nsource = "crm"\nfield = "email"\nmin = 0.7\n'


def _runs(graph: Graph) -> int:
    return int(query(graph, "MATCH (q:QualityRun) RETURN count(q) AS n")[0]["n"])


def test_a_failed_expectation_exits_1_with_its_line(embedded_graph: Graph, embedded_settings: Settings,
                                                     tmp_path: Path) -> None:
    build(embedded_graph, tmp_path / "sources")
    expectations = tmp_path / "expect.toml"
    expectations.write_text(FAILING, encoding="utf-8")
    result = c360("check", "--expectations", str(expectations), "--json", str(tmp_path / "q.json"),
                  home=embedded_settings.home)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("store bolt://127.0.0.1:") and lines[0].endswith("(arcadedb) answers")
    assert lines[1].split() == ["records", "5"] and lines[3].split() == ["customers", "4"]
    assert "FAILED completeness source=crm field=email: 0.75 (expected min 0.8)" in lines
    assert lines[-1].startswith("quality FAILED: 1 of 1 checks failed")
    report = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    assert report["passed"] is False and report["failed"] == 1
    assert report["results"][0]["value"] == 0.75


def test_passing_expectations_exit_0(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    build(embedded_graph, tmp_path / "sources")
    expectations = tmp_path / "expect.toml"
    expectations.write_text(PASSING, encoding="utf-8")
    result = c360("check", "--expectations", str(expectations), home=embedded_settings.home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("quality passed: 0 of 1 checks failed")


def test_history_grows_by_one_per_run_and_shows_the_trend(embedded_graph: Graph, embedded_settings: Settings,
                                                           tmp_path: Path) -> None:
    build(embedded_graph, tmp_path / "sources")
    failing, passing = tmp_path / "failing.toml", tmp_path / "passing.toml"
    failing.write_text(FAILING, encoding="utf-8")
    passing.write_text(PASSING, encoding="utf-8")
    before = _runs(embedded_graph)
    c360("check", "--expectations", str(passing), home=embedded_settings.home)
    assert _runs(embedded_graph) == before + 1
    c360("check", "--expectations", str(failing), "--html", str(tmp_path / "q.html"), home=embedded_settings.home)
    assert _runs(embedded_graph) == before + 2
    shown = c360("check", "--history", home=embedded_settings.home)
    assert shown.returncode == 0 and _runs(embedded_graph) == before + 2  # showing the trend measures nothing
    rows = [line for line in shown.stdout.splitlines() if "-quality-" in line]
    assert [row.split("│")[3].strip() for row in rows] == ["passed", "FAILED"]
    assert [row.split("│")[-2].strip() for row in rows] == ["", "+1"]
    assert "Trend: failed checks over the last 2 runs" in (tmp_path / "q.html").read_text(encoding="utf-8")


def test_a_bad_expectations_file_is_one_line_naming_file_and_key(embedded_graph: Graph,
                                                                  embedded_settings: Settings,
                                                                  tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[expect]]\nmeasure = "completeness"\nsorce = "crm"\nmin = 0.8\n', encoding="utf-8")
    before = _runs(embedded_graph)
    result = c360("check", "--expectations", str(bad), home=embedded_settings.home)
    assert result.returncode == 1
    assert one_error_line(result) == f"error: {bad}: [[expect]] #1: sorce: unknown key"
    assert _runs(embedded_graph) == before
