"""The outbox: every change of a customer, numbered, written in the transaction of the change itself.

A change and its event commit together or not at all, so a crash loses no event and invents none. Events are
numbered by one ``(:OutboxCounter)`` node that each appending transaction writes: the store serialises the
writers on it (Neo4j locks it until commit; the embedded store replays the one that collides), so the
numbers of committed events run 1, 2, 3… with no gap or repeat, in commit order, and a reader that has seen
event ``n`` has seen every event before it. Destinations follow the outbox by number (``sync``).

Append at the end of a transaction, once, with every event it makes (``append_all``): the counter's lock is
then held only for the commit. The counter is made by the store's first event (a MERGE): should two writers
append the very first events of a store at once, the embedded store refuses one with ``ConstraintError``,
which callers that create nodes already retry (``desk.changes.locked``, ``Graph.upsert``). The kinds and
their payloads are listed in ``KINDS`` and docs/sync.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from graph.database import Queries

#: every kind of change event, with what its payload holds (docs/sync.md has an example of each)
KINDS: dict[str, str] = {
    "golden_changed": "golden values changed: {changes: {attribute: {old, new}}, created: bool}",
    "identifiers_changed": "identifiers the customer gained or lost: {added: [{type, value}], removed: [...]}",
    "merged": "customers became this one: previous_customer_ids are the ids it took records from; "
              "{from: {old id: [record keys]}}",
    "split": "this customer's records now belong to several: {into: {customer id: [record keys]}}",
    "consent_changed": "a consent given or withdrawn: {purpose, granted, at, channel}",
    "segment_entered": "the customer entered a segment: {segment}",
    "segment_left": "the customer left a segment: {segment}",
    "restricted": "processing restricted, objected to or lifted (GDPR art. 18, 21): {restricted: bool, purpose, kind}",
    "erased": "the customer was erased (GDPR art. 17): a destination deletes what it holds under these ids: {}",
}
#: what redacted events hold once the customer they were about is erased
REDACTED = json.dumps({"erased": True})


@dataclass(frozen=True)
class Event:
    """One change of one customer, before it is numbered. ``origin``: the source whose record caused it
    (``service-desk`` for staff's changes), so a destination of that name is not sent its own change back."""

    kind: str
    customer_id: str
    payload: dict[str, Any] = field(default_factory=dict)
    origin: str | None = None
    previous_customer_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChangeEvent:
    """An event as the outbox keeps it."""

    seq: int
    at: datetime
    kind: str
    customer_id: str
    previous_customer_ids: tuple[str, ...]
    payload: dict[str, Any]
    origin: str | None


def append(tx: Queries, *, kind: str, customer_id: str, payload: dict[str, Any] | None = None,
           origin: str | None = None, previous_customer_ids: Iterable[str] = ()) -> int:
    """Append one event in the transaction ``tx`` of the change; its sequence number. Call it after the
    change's own writes (``append_all`` when there are several)."""
    return append_all(tx, [Event(kind, customer_id, payload or {}, origin, tuple(previous_customer_ids))])[0]


def append_all(tx: Queries, events: Sequence[Event]) -> list[int]:
    """Append ``events`` in order, in the transaction ``tx`` of the change; their sequence numbers."""
    if not events:
        return []
    for event in events:
        if event.kind not in KINDS:
            raise ValueError(f"unknown kind of change event {event.kind!r}")
        if not event.customer_id:
            raise ValueError("a change event names its customer")
    rows = [{"kind": e.kind, "customer_id": e.customer_id, "previous_customer_ids": list(e.previous_customer_ids),
             "payload": json.dumps(e.payload, default=_json_value, sort_keys=True), "origin": e.origin}
            for e in events]
    return [int(r["seq"]) for r in tx.write("outbox_append", events=rows, at=datetime.now(UTC))]


def head(graph: Queries) -> int:
    """The number of the last event committed (0: none yet)."""
    return int(graph.read("outbox_head")[0]["head"])


def after(graph: Queries, seq: int, limit: int = 500, until: int | None = None) -> list[ChangeEvent]:
    """Up to ``limit`` events numbered above ``seq`` (and at most ``until``), oldest first."""
    rows = graph.read("outbox_after", after=seq, until=until if until is not None else 2**62, limit=limit)
    return [ChangeEvent(int(r["seq"]), r["at"], r["kind"], r["customer_id"], tuple(r["previous_customer_ids"] or ()),
                        json.loads(r["payload"]), r["origin"]) for r in rows]


def redact(tx: Queries, customer_ids: Iterable[str], tombstone: str, seqs: Iterable[int] = ()) -> int:
    """Erase what the outbox holds about customers (GDPR art. 17): their events, and the events numbered
    ``seqs`` (found by ``holding``), keep number, kind and time, name the erasure's ``tombstone`` instead of
    them, and lose their payload. Call it in the erasure's transaction, after appending its ``erased`` event
    if destinations must delete the person too."""
    ids, numbers = sorted(set(customer_ids)), sorted(set(seqs))
    if not ids and not numbers:
        return 0
    return int(tx.write("outbox_redact", ids=ids, seqs=numbers, marker=REDACTED, tombstone=tombstone)[0]["events"])


def former_ids(tx: Queries, customer_id: str) -> set[str]:
    """Every id the customer had before merges gave them this one: events about those ids are about them."""
    found: set[str] = set()
    step = {customer_id}
    while step:
        step = {r["previous"] for r in tx.read("outbox_former_ids", ids=sorted(step))} - found - {customer_id}
        found |= step
    return found


def holding(tx: Queries, held_by: Callable[[str], bool]) -> list[int]:
    """The numbers of events whose payload ``held_by`` recognises (a person's values, record keys)."""
    return [int(r["seq"]) for r in tx.read("outbox_payloads", marker=REDACTED) if held_by(r["payload"])]


def _json_value(value: Any) -> Any:
    """Dates and times as ISO 8601 text, the way a CloudEvent carries them."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
