"""The key indicators a steward follows over time: what was loaded, how identities resolve, how segments move,
whether the data passes its checks.

Every figure is an aggregate read from the graph and from the run nodes each command leaves (``graph.runs``):
no personal value leaves this module, so the dashboard may show it to every role that reads figures. The
campaigns' return is computed where campaigns live (``geo.campaigns``), a floor above.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graph.database import Graph

#: runs shown per kind: enough for a trend, few enough for one screen
RUNS = 50


@dataclass(frozen=True)
class Month:
    """One month: records loaded and customers whose first record came then, and the totals so far."""

    month: str
    records: int
    customers: int
    records_total: int
    customers_total: int


@dataclass(frozen=True)
class Profiles:
    """Identity resolution's result now: how many records each customer holds."""

    customers: int
    records: int
    multi_record: int
    #: customers per number of records they hold: ``[[1, 812], [2, 97], …]``
    sizes: list[list[int]]

    @property
    def records_per_customer(self) -> float | None:
        return self.records / self.customers if self.customers else None

    @property
    def multi_record_share(self) -> float | None:
        return self.multi_record / self.customers if self.customers else None


@dataclass(frozen=True)
class ResolutionRun:
    run_id: str
    at: datetime
    mode: str | None
    records: int
    customers: int
    merged_records: int
    records_moved: int
    customers_created: int
    customers_removed: int

    @property
    def records_per_customer(self) -> float | None:
        return self.records / self.customers if self.customers else None

    @property
    def matched_share(self) -> float | None:
        """The share of records the run found another record of the same person for."""
        return self.merged_records / self.records if self.records else None


@dataclass(frozen=True)
class ScoreRun:
    run_id: str
    at: datetime
    customers: int
    buyers: int
    #: customers per segment after the run
    segments: dict[str, int]
    #: ``[before, after, customers]``: where the run moved customers from (``before`` None: not scored yet)
    moves: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class QualityRun:
    id: str
    at: datetime
    passed: bool
    checks: int
    failed: int


@dataclass(frozen=True)
class Indicators:
    months: list[Month]
    loads: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    profiles: Profiles
    resolution: list[ResolutionRun]
    scoring: list[ScoreRun]
    quality: list[QualityRun]


def months(graph: Graph) -> list[Month]:
    """Records and new customers per month, every month from the first to the last, with running totals."""
    records = {(r["year"], r["month"]): r["records"] for r in graph.read("indicators_records_by_month")}
    customers = {(r["year"], r["month"]): r["customers"] for r in graph.read("indicators_customers_by_month")}
    seen = sorted(records.keys() | customers.keys())
    if not seen:
        return []
    (year, month), last = seen[0], seen[-1]
    found: list[Month] = []
    records_total = customers_total = 0
    while (year, month) <= last:
        records_total += records.get((year, month), 0)
        customers_total += customers.get((year, month), 0)
        found.append(Month(f"{year:04}-{month:02}", records.get((year, month), 0), customers.get((year, month), 0),
                           records_total, customers_total))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def profiles(graph: Graph) -> Profiles:
    sizes = [[int(r["records"]), int(r["customers"])] for r in graph.read("indicators_profile_sizes")]
    return Profiles(customers=sum(n for _, n in sizes), records=sum(k * n for k, n in sizes),
                    multi_record=sum(n for k, n in sizes if k > 1), sizes=sizes)


def _count(value: Any) -> int:
    return int(value or 0)


def indicators(graph: Graph, runs: int = RUNS) -> Indicators:
    """Every indicator, runs oldest first (as a chart reads them)."""
    resolution = [ResolutionRun(r["run_id"], r["at"], r["mode"], *(_count(r[k]) for k in (
        "records", "customers", "merged_records", "records_moved", "customers_created", "customers_removed")))
        for r in graph.read("indicators_resolution_runs", limit=runs)]
    scoring = [ScoreRun(r["run_id"], r["at"], _count(r["customers"]), _count(r["buyers"]),
                        json.loads(r["segments"]) if r["segments"] else {},
                        json.loads(r["moves"]) if r["moves"] else [])
               for r in graph.read("indicators_score_runs", limit=runs)]
    quality = [QualityRun(str(r["id"]), r["at"], bool(r["passed"]), _count(r["checks"]), _count(r["failed"]))
               for r in graph.read("indicators_quality_runs", limit=runs)]
    return Indicators(months(graph), graph.read("indicators_loads", limit=runs)[::-1],
                      graph.read("indicators_sources"), profiles(graph), resolution[::-1], scoring[::-1],
                      quality[::-1])
