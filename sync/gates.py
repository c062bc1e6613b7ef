"""A destination's gates (only customers in a segment, or with a consent purpose granted), read through the
customer read model the API and invitations use, at the time of delivery: a customer who withdrew consent
yesterday is not sent today's change, whatever they had when it was made.

Some kinds pass every gate, since a destination must hear of them whatever it was sent before: erasures and
restrictions (it must stop processing), consent changes (a withdrawal would otherwise never reach it) and
segment changes (a customer leaving the segment)."""

from __future__ import annotations

from collections.abc import Iterable

from customers.repository import CustomerRepository
from graph.database import Graph
from graph.outbox import ChangeEvent
from sync.destinations import Gates

UNGATED = frozenset({"erased", "restricted", "consent_changed", "segment_entered", "segment_left"})


def admitted(graph: Graph, gates: Gates, events: Iterable[ChangeEvent]) -> set[int]:
    """The numbers of the events whose customer passes ``gates`` now (a merge or split: any customer it names)."""
    events = list(events)
    if gates.segment is None and gates.consent is None:
        return {e.seq for e in events}
    names = {e.seq: _customers(e) for e in events if e.kind not in UNGATED}
    ids = sorted({i for found in names.values() for i in found})
    repository = CustomerRepository(graph)
    passing = set(ids)
    if gates.segment is not None and ids:
        profiles = repository.customers(ids)
        passing &= {i for i, p in zip(ids, profiles, strict=True) if p and p.properties.get("segment") == gates.segment}
    if gates.consent is not None and ids:
        consents = repository.consents(repository.identities(ids))
        passing &= {i for i, found in zip(ids, consents, strict=True)
                    if any(c["purpose"] == gates.consent and c["granted"] for c in found)}
    return {e.seq for e in events if e.kind in UNGATED or passing & names[e.seq]}


def _customers(event: ChangeEvent) -> set[str]:
    if event.kind == "split":
        return set(event.payload.get("into", {})) | {event.customer_id}
    return {event.customer_id}
