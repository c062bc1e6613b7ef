"""A data-quality check: measure the graph, hold the measurements to the expectations, keep the outcome.

Every check is kept as a ``(:QualityRun {id, at, passed, checks, failed, report})`` node, ``report`` being the
JSON text of the whole report, so the trend can be read run over run (``history``) by the command line, the
HTML report and any dashboard.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from analysis.quality_expectations import Expectation, judge
from analysis.quality_measures import UNITS, measure_all
from graph.database import Graph
from graph.runs import new_run_id

#: the report's layout; a reader (the dashboard) checks it before reading further
REPORT_VERSION = 1


@dataclass(frozen=True)
class QualityRun:
    """A kept check, as ``history`` reads it back."""

    id: str
    at: datetime
    passed: bool
    checks: int
    failed: int
    report: dict[str, Any]


def check_quality(graph: Graph, expectations: list[Expectation], expectations_file: str,
                  now: datetime | None = None) -> dict[str, Any]:
    """Measure, judge and keep one run; the report (JSON-ready) it kept."""
    at = now or datetime.now(UTC)
    counts = graph.read("graph_counts")[0]
    measured = measure_all(graph, at)
    verdicts = judge(expectations, measured.measurements)
    failed = [v for v in verdicts if not v.passed]
    report: dict[str, Any] = {
        "version": REPORT_VERSION, "id": new_run_id("quality", at), "at": at.isoformat(),
        "store": graph.capabilities.name, "passed": not failed, "checks": len(verdicts), "failed": len(failed),
        "expectations_file": expectations_file, "counts": counts, "units": UNITS,
        "measurements": [m.as_json() for m in measured.measurements],
        "profile_sizes": measured.profile_sizes, "blocked_largest": measured.blocked_largest,
        "results": [v.as_json() for v in verdicts], "warnings": measured.warnings,
    }
    graph.write("quality_run_write", id=report["id"], at=at, passed=report["passed"], checks=report["checks"],
                failed=report["failed"], report=json.dumps(report, ensure_ascii=False, default=str))
    return report


def failures(report: dict[str, Any]) -> list[str]:
    """The line of every failed expectation, in the order of the expectations file."""
    return [r["line"] for r in report["results"] if not r["passed"]]


def history(graph: Graph, limit: int = 20) -> list[QualityRun]:
    """The latest ``limit`` kept checks, oldest first (a trend reads left to right)."""
    runs = [QualityRun(r["id"], r["at"], r["passed"], r["checks"], r["failed"], _report(r["report"]))
            for r in graph.read("quality_history", limit=limit)]
    return runs[::-1]


def _report(text: str | None) -> dict[str, Any]:
    try:
        parsed = json.loads(text or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}

