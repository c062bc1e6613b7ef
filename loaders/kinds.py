"""The source kinds c360 loads, each a module with the same shape: model → transform → one load query."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loaders.mapping import SourceMapping
from loaders.records import SourceModel
from loaders.validation import Accepted

Rows = Callable[[Iterator[Accepted], SourceMapping], Iterator[dict[str, Any]]]
EventTime = Callable[[SourceModel], datetime]


@dataclass(frozen=True)
class SourceKind:
    """How one kind of source becomes graph elements: its record model, its rows, its load query."""

    name: str
    model: type[SourceModel]
    rows: Rows
    query: str
    #: for append-only events: a later load takes only what is newer than the last one (the watermark)
    event_time: EventTime | None = None


def each(transform: Callable[[Accepted, SourceMapping], dict[str, Any]]) -> Rows:
    """Rows for kinds where one accepted record makes one row (all but web events, which aggregate)."""
    return lambda accepted, mapping: (transform(a, mapping) for a in accepted)


def registry() -> dict[str, SourceKind]:
    from loaders import consents, customers, stores, tickets, transactions, web_events

    kinds = [stores.KIND, customers.KIND, transactions.KIND, web_events.KIND, tickets.KIND, consents.KIND]
    return {kind.name: kind for kind in kinds}
