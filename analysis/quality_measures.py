"""The data-quality measures, read from the store: one flat list of measurements that expectations select.

Each measurement names its measure, what it is about (the selectors: source, field, type, …) and a value in
the measure's unit: a share in [0, 1], a count, or hours. Counting happens in the store (``quality_*.cypher``);
this module only turns rows into measurements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from analysis.quality_rejects import refused_per_field
from graph.database import Graph
from loaders.mapping import FIELDS

#: what each measure is about, in the order it is shown; an expectation may select on these keys only
SELECTORS: dict[str, tuple[str, ...]] = {
    "completeness": ("source", "field"),
    "validity": ("source", "field"),
    "rejected": ("source",),
    "freshness": ("source",),
    "profile_size": ("stat",),
    "blocked": ("type", "reason"),
    "orphans": ("kind", "type"),
    "orphan_share": ("kind", "type"),
    "consent": ("purpose",),
    "constraint": ("check",),
}
#: the unit of each measure's value, for people reading a report
UNITS = {"completeness": "share", "validity": "share", "rejected": "share", "freshness": "hours",
         "profile_size": "records", "blocked": "values", "orphans": "count", "orphan_share": "share",
         "consent": "share", "constraint": "violations"}
#: the value of a measure nothing was measured for, where absence means zero (no blocked value of a type)
ABSENT_IS_ZERO = {"blocked"}
#: records per profile, grouped for the histogram: (label, smallest, largest or None)
PROFILE_BUCKETS = (("1", 1, 1), ("2", 2, 2), ("3", 3, 3), ("4-5", 4, 5), ("6-10", 6, 10), ("11-20", 11, 20),
                   ("21-50", 21, 50), ("51+", 51, None))
EVENT_KINDS = ("transaction", "ticket", "consent_event", "web_session")
#: the blocked values listed by name (households never are: a family's shared email is their own)
LARGEST_BLOCKED = 10


@dataclass(frozen=True)
class Measurement:
    measure: str
    on: dict[str, str]
    value: float
    #: the counts behind a share (``count`` of ``total``), when it is one
    count: int | None = None
    total: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"measure": self.measure, **self.on, "value": self.value, "count": self.count, "total": self.total}


@dataclass
class Measured:
    """Everything one check measured: the measurements, and the tables shown beside them."""

    measurements: list[Measurement] = field(default_factory=list)
    profile_sizes: list[dict[str, Any]] = field(default_factory=list)
    blocked_largest: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, measure: str, value: float, count: int | None = None, total: int | None = None,
            **on: str) -> None:
        self.measurements.append(Measurement(measure, on, value, count, total))


def measure_all(graph: Graph, now: datetime) -> Measured:
    """Every measure, in the order of ``SELECTORS``."""
    measured = Measured()
    _completeness(graph, measured)
    _loads(graph, now, measured)
    _profiles(graph, measured)
    _blocked(graph, measured)
    _orphans(graph, measured)
    _consents(graph, measured)
    _constraints(graph, measured)
    return measured


def share(count: int, total: int) -> float:
    """A share rounded to 4 decimals (what a threshold can tell apart); an empty total is complete."""
    return round(count / total, 4) if total else 1.0


def _completeness(graph: Graph, measured: Measured) -> None:
    for row in graph.read("quality_completeness", fields=list(FIELDS["customers"])):
        measured.add("completeness", share(row["present"], row["records"]), row["present"], row["records"],
                     source=row["source"], field=row["field"])


def _loads(graph: Graph, now: datetime, measured: Measured) -> None:
    """Validity and rejects from each source's latest load and its reject file; freshness from its end."""
    rows = graph.read("quality_load_runs")
    for row in rows:
        read = row["read"] or 0
        if read:
            measured.add("rejected", share(row["rejected"] or 0, read), row["rejected"] or 0, read,
                         source=row["source"])
            refused = _refused(row, measured)
            fields = ("source_id", *FIELDS.get(row["kind"], ()), *sorted(refused.keys() - {"record"}))
            for name in dict.fromkeys(fields):
                bad = refused.get(name, 0)
                measured.add("validity", share(read - bad, read), read - bad, read, source=row["source"],
                             field=name)
    for row in rows:
        hours = max(0.0, (now - row["ended"]).total_seconds() / 3600) if row["ended"] else None
        if hours is not None:
            measured.add("freshness", round(hours, 2), source=row["source"])


def _refused(row: dict[str, Any], measured: Measured) -> dict[str, int]:
    expected = (row["rejected"] or 0) + (row["values_dropped"] or 0)
    if not expected:
        return {}
    found = refused_per_field(Path(row["reject_file"])) if row["reject_file"] else None
    if found is None:
        measured.warnings.append(f"source {row['source']}: the reject file of load {row['run_id']} is gone; "
                                 "its refusals are not counted per field")
        return {}
    return found


def _profiles(graph: Graph, measured: Measured) -> None:
    rows = graph.read("quality_profile_sizes")
    measured.profile_sizes = [{"bucket": label, "customers": sum(
        r["customers"] for r in rows if low <= r["records"] and (high is None or r["records"] <= high))}
        for label, low, high in PROFILE_BUCKETS]
    customers = sum(r["customers"] for r in rows)
    records = sum(r["customers"] * r["records"] for r in rows)
    measured.add("profile_size", max((r["records"] for r in rows), default=0), stat="max")
    measured.add("profile_size", round(records / customers, 4) if customers else 0.0, records, customers,
                 stat="mean")
    single = sum(r["customers"] for r in rows if r["records"] == 1)
    measured.add("profile_size", share(single, customers), single, customers, stat="single_share")


def _blocked(graph: Graph, measured: Measured) -> None:
    for row in graph.read("quality_blocked"):
        measured.add("blocked", row["identifiers"], row["identifiers"], row["records"], type=row["type"],
                     reason=row["reason"])
    measured.blocked_largest = graph.read("quality_blocked_largest", limit=LARGEST_BLOCKED)


def _orphans(graph: Graph, measured: Measured) -> None:
    for row in graph.read("quality_orphan_identifiers"):
        measured.add("orphans", row["orphans"], row["orphans"], row["identifiers"], kind="identifier",
                     type=row["type"])
        measured.add("orphan_share", share(row["orphans"], row["identifiers"]), row["orphans"], row["identifiers"],
                     kind="identifier", type=row["type"])
    [events] = graph.read("quality_orphan_events")
    for kind in EVENT_KINDS:
        orphans, total = events[f"{kind}_orphans"], events[f"{kind}s"]
        measured.add("orphans", orphans, orphans, total, kind=kind)
        measured.add("orphan_share", share(orphans, total) if total else 0.0, orphans, total, kind=kind)


def _consents(graph: Graph, measured: Measured) -> None:
    for row in graph.read("quality_consents"):
        measured.add("consent", share(row["covered"], row["customers"]) if row["customers"] else 0.0,
                     row["covered"], row["customers"], purpose=row["purpose"])


def _constraints(graph: Graph, measured: Measured) -> None:
    [row] = graph.read("quality_constraints")
    for check, violations in row.items():
        measured.add("constraint", violations, check=check)
