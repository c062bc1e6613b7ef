"""``c360 score``: RFM scores, segments and value for every customer, written to the graph.

Purchases are read through the same identities the API attaches them by, so a customer's scores agree
with the purchases their 360 shows.
"""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from customers.repository import CustomerRepository, PageRequest
from customers.segments import PROSPECTS, SEGMENTS
from graph import outbox
from graph.database import Graph, Transaction
from graph.runs import Run, running
from scoring.rfm import score

BATCH = 2000
WRITE_BATCH = 5000  # customers' scores per transaction
READERS = 2
DAY = 86_400.0


@dataclass(frozen=True)
class ScoreSummary:
    run_id: str
    customers: int
    buyers: int
    as_of: datetime | None
    segments: dict[str, int]
    seconds: float
    #: customers per (segment before the run, segment after it); None before: not scored yet
    moves: dict[tuple[str | None, str], int] = field(default_factory=dict)


def _purchases(graph: Graph, ids: list[str]) -> list[dict[str, Any] | None]:
    """Per customer, their purchases in their main currency (the one they spent most in), or None.

    Batches are read by two threads: the store answers two queries at once faster than one after another.
    """
    repository = CustomerRepository(graph)

    def batch_of(start: int) -> list[dict[str, Any] | None]:
        batch = ids[start:start + BATCH]
        requests = [(PageRequest(i, 1), identity) for i, identity in zip(batch, repository.identities(batch),
                                                                           strict=True)]
        return [max(rows, key=lambda r: (r["spend_minor"], r["currency"])) if rows else None
                for rows in repository.counts("transactions", requests)]

    with ThreadPoolExecutor(READERS, thread_name_prefix="c360-score") as pool:
        return [found for part in pool.map(batch_of, range(0, len(ids), BATCH)) for found in part]


def score_customers(graph: Graph) -> ScoreSummary:
    with running(graph, "score") as run:
        summary = _score(graph, run)
        # the segments' history, for the dashboard: each run's sizes and who moved where (JSON, as a run's
        # node holds no maps)
        run.record(customers=summary.customers, buyers=summary.buyers, as_of=summary.as_of,
                   segments=json.dumps(summary.segments),
                   moves=json.dumps([[before, after, n] for (before, after), n in sorted(
                       summary.moves.items(), key=lambda m: (m[0][0] or "", m[0][1]))]))
    return summary


def _score(graph: Graph, run: Run) -> ScoreSummary:
    customers = graph.read("scoring_customers")
    ids = [row["id"] for row in customers]
    purchases = _purchases(graph, ids)
    buyers = [(i, p) for i, p in zip(ids, purchases, strict=True) if p]
    as_of = max((p["last_at"] for _, p in buyers), default=None)
    rows: list[dict[str, Any]] = [{"id": i, "scores": {"segment": PROSPECTS, "rfm": None, "ltv_minor": 0,
                                                        "predicted_value_minor": 0, "currency": None}}
                                  for i, p in zip(ids, purchases, strict=True) if not p]
    if buyers and as_of is not None:
        recency = np.array([(as_of - p["last_at"]).total_seconds() / DAY for _, p in buyers])
        tenure = np.array([(as_of - p["first_at"]).total_seconds() / DAY for _, p in buyers])
        counts = np.array([p["count"] for _, p in buyers], dtype=np.int64)
        spend = np.array([p["spend_minor"] for _, p in buyers], dtype=np.int64)
        scores = score(recency, counts, spend, tenure)
        for k, (customer_id, p) in enumerate(buyers):
            r, f, m = int(scores.recency[k]), int(scores.frequency[k]), int(scores.monetary[k])
            rows.append({"id": customer_id, "scores": {  # few properties: each costs the embedded store a write
                "segment": scores.segment[k], "rfm": f"{r}{f}{m}",
                "recency_days": round(float(recency[k]), 1), "purchases": int(counts[k]),
                "ltv_minor": int(spend[k]), "predicted_value_minor": int(scores.predicted_minor[k]),
                "currency": p["currency"]}})
    before = {row["id"]: row["segment"] for row in customers}
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start:start + WRITE_BATCH]
        graph.transaction(lambda tx, batch=batch: _write(tx, batch, before, run.started_at))  # type: ignore[misc]
    sizes = {row["name"]: row["customers"] for row in graph.write(
        "scoring_segments", segments=[{"name": n, "description": d} for n, d in SEGMENTS])}
    moves = Counter((before[row["id"]], row["scores"]["segment"]) for row in rows)
    return ScoreSummary(run.run_id, len(ids), len(buyers), as_of, sizes, run.seconds, dict(moves))


def _write(tx: Transaction, rows: list[dict[str, Any]], before: dict[str, str | None], now: datetime) -> None:
    """One batch of scores, and the change feed's segment moves in the same transaction: a destination
    learns that a customer left one segment and entered another exactly when the graph says so."""
    tx.write("scoring_write", rows=rows, now=now)
    events = []
    for row in rows:
        old, new = before.get(row["id"]), row["scores"]["segment"]
        if old != new:
            if old is not None:
                events.append(outbox.Event("segment_left", row["id"], {"segment": old}))
            events.append(outbox.Event("segment_entered", row["id"], {"segment": new}))
    outbox.append_all(tx, events)
