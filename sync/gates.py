"""Who a destination may be sent: customers passing its gates (in a segment, a consent granted), and never
those who restricted or objected to the ``sync`` purpose (``privacy.restrictions``). Read through the
customer read model the API and invitations use, at the time of delivery: a customer who withdrew consent
yesterday is not sent today's change, whatever they had when it was made.

Some kinds pass the gates, since a destination must hear of them whatever it was sent before: erasures and
restrictions (it must delete or stop processing), consent changes (a withdrawal would otherwise never reach
it) and segment changes (a customer leaving the segment). Erasures and restrictions pass the ``sync``
restriction too: they are what it asks destinations to honour."""

from __future__ import annotations

from collections.abc import Iterable

from customers import consents
from customers.repository import CustomerRepository
from graph.database import Graph
from graph.outbox import ChangeEvent
from sync.destinations import Gates

UNGATED = frozenset({"erased", "restricted", "consent_changed", "segment_entered", "segment_left"})
UNRESTRICTED = frozenset({"erased", "restricted"})
#: the purpose whose restriction stops the feed (``privacy.restrictions.PURPOSES``)
SYNC_PURPOSE = "sync"


def screened(graph: Graph, gates: Gates, events: Iterable[ChangeEvent]) -> dict[int, str | None]:
    """Per event number, why it is not sent now (``restricted``, ``gate``), or None."""
    events = list(events)
    names = {e.seq: _customers(e) for e in events}
    ids = sorted({i for found in names.values() for i in found})
    if not ids:
        return {}
    repository = CustomerRepository(graph)
    restricted = {i for i, found in zip(ids, repository.restrictions(ids), strict=True)
                  if any(r["purpose"] == SYNC_PURPOSE for r in found)}
    passing = set(ids)
    if gates.segment is not None:
        profiles = repository.customers(ids)
        passing &= {i for i, p in zip(ids, profiles, strict=True) if p and p.properties.get("segment") == gates.segment}
    if gates.consent is not None:
        ledgers = repository.consent_ledgers(repository.identities(ids))
        passing &= {i for i, ledger in zip(ids, ledgers, strict=True) if consents.allows(ledger, gates.consent)}
    reasons: dict[int, str | None] = {}
    for event in events:
        if event.kind not in UNRESTRICTED and names[event.seq] & restricted:
            reasons[event.seq] = "restricted"
        elif event.kind not in UNGATED and not names[event.seq] & passing:
            reasons[event.seq] = "gate"
        else:
            reasons[event.seq] = None
    return reasons


def _customers(event: ChangeEvent) -> set[str]:
    if event.kind == "split":
        return set(event.payload.get("into", {})) | {event.customer_id}
    return {event.customer_id}
