"""Where each destination stands, kept in the graph beside the outbox: its cursor (the last event it was sent
or passed over), its failed attempts, its dead letters, and whom it was sent changes about (the delivery log a
subject access reads). In the store, so a copy or a restore of the store carries the feed's position with the
events it refers to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graph.database import Graph


@dataclass(frozen=True)
class Cursor:
    seq: int
    failures: int
    last_error: str | None
    last_error_at: datetime | None


@dataclass(frozen=True)
class DeadLetter:
    seq: int
    customer_id: str
    error: str
    attempts: int
    at: datetime


def cursor(graph: Graph, destination: str) -> Cursor:
    row = graph.read("outbox_cursor", destination=destination)[0]
    return Cursor(int(row["seq"]), int(row["failures"]), row["last_error"], row["last_error_at"])


def advance(graph: Graph, destination: str, seq: int, failures: int = 0, error: str | None = None) -> None:
    """Move the cursor to ``seq`` (never back), adding ``failures`` failed attempts and the last ``error``."""
    graph.write("outbox_cursor_write", destination=destination, seq=seq, failures=failures, error=error,
                at=datetime.now(UTC))


def delivered(graph: Graph, destination: str, kinds_by_customer: dict[str, list[str]]) -> None:
    """Log that ``destination`` was sent, for each customer, one event of each kind listed (a kind once per
    event): a person may ask which systems hold their data, and this is the answer."""
    if kinds_by_customer:
        rows = [{"customer_id": customer, "events": len(kinds), "kinds": sorted(set(kinds))}
                for customer, kinds in sorted(kinds_by_customer.items())]
        graph.write("outbox_delivered", destination=destination, rows=rows, at=datetime.now(UTC))


def dead_letters(graph: Graph, destination: str) -> list[DeadLetter]:
    return [DeadLetter(int(r["seq"]), r["customer_id"], r["error"], int(r["attempts"]), r["at"])
            for r in graph.read("outbox_dead_letters", destination=destination)]


def bury(graph: Graph, destination: str, seq: int, customer_id: str, error: str, attempts: int) -> None:
    graph.write("outbox_dead_letter_write", destination=destination, seq=seq, customer_id=customer_id, error=error,
                attempts=attempts, at=datetime.now(UTC))


def revive(graph: Graph, destination: str, seq: int) -> None:
    graph.write("outbox_dead_letter_delete", destination=destination, seq=seq)


def as_row(letter: DeadLetter) -> dict[str, Any]:
    return {"seq": letter.seq, "customer_id": letter.customer_id, "error": letter.error,
            "attempts": letter.attempts, "at": letter.at.isoformat()}
