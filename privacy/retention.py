"""Retention: events past their age are deleted, customers inactive for too long are erased, and every run is
audited as a ``(:RetentionRun)`` with the rules it applied and what each rule removed.

One function finds the candidates of every rule, from the graph as it is and ``as_of`` a given instant; a dry
run stops there and reports them, an apply deletes exactly those keys. So a dry run and an apply as of the same
instant on the same graph count the same, and an apply's counts are what its deletes returned. All candidates
are found before anything is written: deleting old sessions first would make their customers look inactive.

Events go whole, with their relationships (a ticket with its staff notes), in batches of keys; identifiers
they leave without any record, event or cookie pointing to them go too (a deleted session's cookie, then the
devices only that cookie was seen on). An inactive customer goes through ``privacy.erase``: their records and
identifiers are deleted, their facts stay anonymous, and a later load of their rows is refused.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph.database import Graph
from graph.errors import InputError
from graph.runs import running
from privacy.erase import erase, sweep_orphans
from privacy.retention_rules import Age, RetentionRules

#: the activity columns of ``retention_activity``: the newest of them is a customer's last activity
ACTIVITY = ("loaded", "bought", "served", "browsed", "consented", "changed")
BATCH = 2000


@dataclass(frozen=True)
class RuleResult:
    """What one rule removes (dry run) or removed (apply): counts and times, never a value."""

    rule: str
    kind: str
    source: str | None
    age: str
    before: datetime
    count: int
    oldest: datetime | None
    newest: datetime | None


@dataclass(frozen=True)
class RetentionRun:
    run_id: str
    applied: bool
    as_of: datetime
    rules: list[RuleResult]
    #: apply only: identifiers left without any record, event or cookie, and the staff notes of deleted tickets
    identifiers: int
    ticket_notes: int
    seconds: float

    def counts(self) -> dict[str, int]:
        return {r.rule: r.count for r in self.rules}


@dataclass
class _Candidates:
    """One rule's candidates: keys (event keys, or customer ids) and their times (own time, last activity)."""

    rule: str
    kind: str
    source: str | None
    age: Age
    before: datetime
    keys: list[str] = field(default_factory=list)
    times: list[datetime] = field(default_factory=list)

    def result(self, count: int) -> RuleResult:
        return RuleResult(self.rule, self.kind, self.source, str(self.age), self.before, count,
                          min(self.times, default=None), max(self.times, default=None))


def retention(graph: Graph, home: Path, rules: RetentionRules, *, apply: bool, by: str,
              as_of: datetime | None = None) -> RetentionRun:
    """Find what ``rules`` remove as of ``as_of`` (default now) and, with ``apply``, remove it; audited."""
    now = datetime.now(UTC)
    as_of = as_of or now
    if as_of.tzinfo is None:
        raise InputError("give the instant with its time zone", "as_of")
    if apply and as_of > now:
        raise InputError("an apply cannot run ahead of time: remove a future --as-of (a dry run may look ahead)",
                         "as_of")
    started = time.perf_counter()
    described = json.dumps(rules.described(), sort_keys=True)
    with running(graph, "retention", mode="apply" if apply else "dry-run", as_of=as_of, by=by,
                 rules=described) as run:
        with run.step("candidates"):
            found = candidates(graph, rules, as_of)
        identifiers = notes = 0
        if apply:
            with run.step("apply"):
                counts, identifiers, notes = _apply(graph, home, found, by, run.run_id)
        else:
            counts = [len(c.keys) for c in found]
        results = [c.result(n) for c, n in zip(found, counts, strict=True)]
        run.record(counts=json.dumps({r.rule: r.count for r in results}, sort_keys=True), identifiers=identifiers,
                   ticket_notes=notes)
    return RetentionRun(run.run_id, apply, as_of, results, identifiers, notes,
                        round(time.perf_counter() - started, 3))


def candidates(graph: Graph, rules: RetentionRules, as_of: datetime) -> list[_Candidates]:
    """Every rule's candidates as of ``as_of``, read before anything is written: the one source of both the
    dry run's report and the apply's deletes."""
    found = []
    for kind, rule in sorted(rules.events.items()):
        others = sorted(rule.sources)
        ages: list[tuple[str | None, Age]] = [(source, rule.sources[source]) for source in others]
        if rule.max_age is not None:
            ages.append((None, rule.max_age))
        for source, age in ages:
            before = age.before(as_of)
            rows = graph.read(f"retention_{kind}", cutoff=before, source=source, others=others)
            rows.sort(key=lambda r: r["key"])
            found.append(_Candidates(f"{kind}[{source}]" if source else kind, kind, source, age, before,
                                     [r["key"] for r in rows], [r["at"] for r in rows]))
    if rules.customers is not None:
        before = rules.customers.inactive.before(as_of)
        inactive = sorted((row["id"], last) for row in graph.read("retention_activity")
                          if (last := _last_activity(row)) is not None and last < before)
        found.append(_Candidates("customers", "customers", None, rules.customers.inactive, before,
                                 [i for i, _ in inactive], [t for _, t in inactive]))
    return found


def _last_activity(row: dict[str, Any]) -> datetime | None:
    """The newest dated activity; none when nothing is dated (such a customer is kept: no evidence of age)."""
    return max((row[name] for name in ACTIVITY if row[name] is not None), default=None)


def _apply(graph: Graph, home: Path, found: list[_Candidates], by: str, run_id: str) -> tuple[list[int], int, int]:
    """Delete every event candidate in batches, erase the inactive customers (events first: erasure renames an
    erased person's sessions, whose keys the candidates hold), then sweep the identifiers the deleted events
    orphaned (erasure sweeps its own)."""
    counts: list[int] = []
    touched: set[str] = set()
    notes = 0
    for c in found:
        if c.kind == "customers":
            counts.append(0)
            continue
        if c.kind == "tickets":
            notes += sum(r["notes"] for r in graph.by_keys("erase_ticket_notes", c.keys, write=True,
                                                           batch_size=BATCH))
        rows = graph.by_keys(f"retention_delete_{c.kind}", c.keys, write=True, batch_size=BATCH)
        counts.append(len(rows))
        touched.update(key for row in rows for key in row["identifiers"])
    for index, c in enumerate(found):
        if c.kind == "customers":
            for customer in c.keys:
                erase(graph, home, by=by, why=f"retention run {run_id}: inactive for {c.age}",
                      customer_id=customer)
            counts[index] = len(c.keys)
    return counts, sweep_orphans(graph, touched), notes
