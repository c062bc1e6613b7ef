"""The shape every source kind's module shares: model → transform → one load query.

The list of kinds is kept by the orchestrator (``loaders.run``), not here: the kinds import this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.database import Graph, Transaction
from loaders.mapping import SourceMapping
from loaders.records import SourceModel
from loaders.validation import Accepted

Rows = Callable[[Iterator[Accepted], SourceMapping], Iterator[dict[str, Any]]]
EventTime = Callable[[SourceModel], datetime]
#: what the change feed hears of a batch, in the batch's transaction: (tx, rows written, the load's run id)
Feed = Callable[[Transaction, list[dict[str, Any]], str], None]


@dataclass(frozen=True)
class SourceKind:
    """How one kind of source becomes graph elements: its record model, its rows, its load query."""

    name: str
    model: type[SourceModel]
    rows: Rows
    query: str
    #: for append-only events: a later load takes only what is newer than the last one (the watermark)
    event_time: EventTime | None = None
    #: changes of customers a load makes without resolution (a consent), told to the change feed
    feed: Feed | None = None

    def write(self, graph: Graph, rows: list[dict[str, Any]], run_id: str, loaded_at: datetime) -> None:
        """One batch of rows, with what the change feed hears of it in the same transaction."""
        feed = self.feed
        graph.upsert(self.query, rows, run_id=run_id, loaded_at=loaded_at,
                     then=None if feed is None else lambda tx: feed(tx, rows, run_id))


def each(transform: Callable[[Accepted, SourceMapping], dict[str, Any]]) -> Rows:
    """Rows for kinds where one accepted record makes one row (all but web events, which aggregate)."""
    return lambda accepted, mapping: (transform(a, mapping) for a in accepted)
