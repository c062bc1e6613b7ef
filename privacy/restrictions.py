"""Restriction (GDPR art. 18) and objection (art. 21): a person stops one kind of processing of their data.

Unlike a consent, a restriction is not a choice among channels: it stops a purpose whatever the legal basis,
until it is lifted — while an accuracy dispute is examined, or for good when the person objects to direct
marketing. It is recorded in a ledger (one ``RestrictionEvent`` per decision, with who decided and why) on
the source records the person holds, because records survive merges and splits while customer ids do not,
and its state in force is an edge from each record to the purpose. Every consumer checks that edge in its
own query, so one restricted record makes the whole customer restricted:

- ``marketing``: invitation lists, customers found near a place, the map's homes, catchments and far
  shoppers (``cypher/geo_*.cypher``), campaigns built from invitation lists;
- ``profiling``: scores and segments (``c360 score`` skips the customer; their scores go at once);
- ``sync``: the change feed to other applications.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from customers.repository import CustomerRepository
from desk.changes import lock_customer
from graph import outbox
from graph.database import Graph, Transaction
from graph.errors import InputError

#: every purpose a person can restrict, and what stops
PURPOSES: dict[str, str] = {
    "marketing": "invitation lists, the map and campaigns",
    "profiling": "scores and segments",
    "sync": "sending their changes to other applications",
}
KINDS = ("restriction", "objection")


@dataclass(frozen=True)
class Decision:
    """What one decision did: its ledger event, its audit event, and how many records it covers."""

    event: str
    audit_id: str
    records: int


def restrict(graph: Graph, customer_id: str, purpose: str, *, by: str, why: str,
             objection: bool = False) -> Decision:
    """Stop ``purpose`` for the customer, at once and until lifted."""
    kind = "objection" if objection else "restriction"
    return _decide(graph, customer_id, purpose, by=by, why=why, kind=kind, restricted=True)


def lift(graph: Graph, customer_id: str, purpose: str, *, by: str, why: str) -> Decision:
    """Allow ``purpose`` again: the ledger keeps the restriction and its lifting."""
    return _decide(graph, customer_id, purpose, by=by, why=why, kind="lifted", restricted=False)


def in_force(graph: Graph, customer_id: str) -> list[dict[str, Any]]:
    """The customer's restrictions in force: purpose, kind, since, and the event that decided it."""
    return CustomerRepository(graph).restrictions([customer_id])[0]


def history(graph: Graph, customer_id: str) -> list[dict[str, Any]]:
    """Every restriction, objection and lifting about the customer's records, oldest first."""
    return graph.read("restriction_history", id=customer_id)


def _decide(graph: Graph, customer_id: str, purpose: str, *, by: str, why: str, kind: str,
            restricted: bool) -> Decision:
    if purpose not in PURPOSES:
        raise InputError(f"no purpose {purpose!r}; one of {', '.join(PURPOSES)}", "purpose")
    if not why.strip():
        raise InputError("say why, for the audit trail", "why")
    key, audit_id = f"restriction:{uuid.uuid4().hex[:16]}", f"audit-{uuid.uuid4().hex[:12]}"

    def work(tx: Transaction) -> int:
        try:  # one decision about a customer at a time, serialised with the desk's changes of them
            lock_customer(tx, customer_id)
        except InputError:  # named as this command names its input (--customer, customerId)
            raise InputError(f"no customer {customer_id!r}", "customer") from None
        before = {row["purpose"]: row["kind"] for row in tx.read("customer_restrictions", ids=[customer_id])}
        at = datetime.now(UTC)
        found = tx.write("restriction_record", id=customer_id, key=key, purpose=purpose, kind=kind,
                         restricted=restricted, at=at, by=by, why=why, audit_id=audit_id,
                         audit_kind="restrict" if restricted else "lift_restriction",
                         before=json.dumps({"restricted": before.get(purpose)}),
                         after=json.dumps({"restricted": kind if restricted else None}))
        records = int(found[0]["records"]) if found else 0
        if not records:  # nothing was written: no customer holds a record under that id
            raise InputError(f"no customer {customer_id!r}", "customer")
        if restricted:
            tx.write("restriction_apply", id=customer_id, purpose=purpose, kind=kind, at=at, key=key)
            if purpose == "profiling":
                for row in tx.write("restriction_clear_profile", id=customer_id):
                    if row["segment"] is not None:
                        outbox.append(tx, kind="segment_left", customer_id=customer_id,
                                      payload={"segment": row["segment"]})
        else:
            tx.write("restriction_lift", id=customer_id, purpose=purpose)
        outbox.append(tx, kind="restricted", customer_id=customer_id,
                      payload={"restricted": restricted, "purpose": purpose, "kind": kind})
        return records

    return Decision(key, audit_id, graph.transaction(work))
