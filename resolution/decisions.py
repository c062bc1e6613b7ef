"""Manual decisions: a person says two records are, or are not, one customer; every later run obeys.

A decision is an edge between the two source records (``SAME_AS`` / ``NOT_SAME_AS`` with who, why and when),
so it survives re-runs and reloads of either record, and an ``AuditEvent`` keeps it even once replaced.
The affected profiles are re-resolved at once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from graph.database import Graph
from graph.errors import InputError
from resolution.resolve import ResolutionSummary, resolve
from resolution.rules import Rules


def decide(graph: Graph, a: str, b: str, *, same: bool, by: str, why: str, rules: Rules,
           cache_dir: Path | None = None) -> ResolutionSummary:
    if a == b:
        raise InputError(f"{a}: a record cannot be merged with or split from itself")
    for field, value in (("by", by), ("why", why)):
        if not value.strip():
            raise InputError("required: every decision says who made it and why", field)
    missing = [k for k in (a, b) if not graph.read("resolve_records_state", keys=[k])]
    if missing:
        raise InputError(f"no source record {missing[0]!r}: keys are SOURCE:SOURCE_ID, e.g. crm:C1001836")
    graph.write("decision_same_as" if same else "decision_not_same_as", a=a, b=b, by=by.strip(), why=why.strip(),
                at=datetime.now(UTC))
    return resolve(graph, rules, seeds=[a, b], cache_dir=cache_dir)
