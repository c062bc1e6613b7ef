"""How every service-desk change is written: validated like a source row, lineage of its own, and audited.

A change is not an edit of the golden profile: it is a new record of the ``service-desk`` source (the most
trusted one in the shipped rules), validated by the loaders' models and written by their queries, so
lineage, explanations and later full runs agree with what the agent did. Each change writes its data and an
``AuditEvent`` (who, when, what, before, after) in one transaction: all of it or nothing.

Changes of one customer (notes on one ticket) are serialised, in every server process (``locked``): the
transaction first writes the customer's node, then reads ``before``, then writes. So the audit is a chain:
each event's ``before`` is the previous event's ``after``, and ``at`` orders them as they were committed.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from neo4j.exceptions import ConstraintError
from pydantic import ValidationError

from graph.database import Graph, Transaction
from graph.errors import InputError
from graph.runs import new_run_id
from loaders.mapping import Kind, SourceMapping, SourceSection
from loaders.records import SourceModel
from loaders.validation import Accepted, node_row

SOURCE = "service-desk"

Step = tuple[str, dict[str, Any]]
T = TypeVar("T")

#: changes of one target also wait for each other inside a process; striped, so memory stays bounded
_STRIPES = tuple(threading.Lock() for _ in range(64))
#: tries of a change that collided with a concurrent one creating the same node (see ``locked``)
_COLLISION_ATTEMPTS = 5


@dataclass(frozen=True)
class Change:
    """What a change did: the customer it ended on, the node it wrote, and its audit event."""

    customer_id: str
    key: str
    audit_id: str


def validated(model: type[SourceModel], values: dict[str, Any], region: str | None,
              names: dict[str, str] | None = None) -> SourceModel:
    """The loaders' model, strictly: in a change any bad field is an error naming it, nothing is dropped.

    ``names`` renames the model's fields to the command's own (a ticket's ``subject`` is a note's ``note``).
    """
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None}, context={"region": region})
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        raise InputError(first["msg"].removeprefix("Value error, "),
                         (names or {}).get(field, field) if field else None) from None


def source_row(record: SourceModel, kind: Kind, key: str) -> dict[str, Any]:
    """The row the loaders' own query for ``kind`` writes, as if the record came from a file."""
    mapping = SourceMapping(source=SourceSection(name=SOURCE, kind=kind, id="source_id"))
    linked = () if kind == "customers" else ("email", "phone", "customer_number")
    return node_row(Accepted(0, record, {}), mapping, key=key, linked=linked)


def locked(graph: Graph, target: str, work: Callable[[Transaction], T]) -> T:
    """``work`` as one transaction that starts by locking ``target`` (``lock_customer``, ``desk_lock_ticket``).

    The store's lock serialises changes across processes; inside this one they also wait for each other
    here, so the embedded store (optimistic) seldom sees two at once, as each collision costs a replay after
    the driver's back-off (1 s, then more). Two first corrections of one customer both create its desk record:
    the embedded store refuses the second with ``ConstraintError``, which the driver does not retry; the unit
    reads again when replayed, so it is retried here.
    """
    with _STRIPES[hash(target) % len(_STRIPES)]:
        attempt = 1
        while True:
            try:
                return graph.transaction(work)
            except ConstraintError:
                if attempt == _COLLISION_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt * attempt)
                attempt += 1


def lock_customer(tx: Transaction, customer_id: str) -> None:
    """The first statement of a change to a customer: from here on, no other change to them commits."""
    if not tx.write("desk_lock_customer", id=customer_id):
        raise InputError(f"no customer {customer_id!r}", "customer_id")


def golden_values(tx: Transaction, customer_id: str) -> dict[str, Any]:
    """The customer's golden values, as the change's transaction sees them."""
    rows = tx.read("desk_customer", id=customer_id)
    if not rows:
        raise InputError(f"no customer {customer_id!r}", "customer_id")
    return dict(rows[0]["customer"])


def audit(kind: str, by: str, at: datetime, customer_id: str, target: str, before: dict[str, Any],
          after: dict[str, Any], why: str | None) -> Step:
    event = {"id": f"audit-{uuid.uuid4().hex[:12]}", "kind": kind, "by": by, "at": at, "customer": customer_id,
             "target": target, "fields": sorted(after), "why": why,
             "before": json.dumps(before, default=str, sort_keys=True),
             "after": json.dumps(after, default=str, sort_keys=True)}
    return "desk_audit", {"event": event}


def lineage(at: datetime) -> dict[str, Any]:
    """The lineage parameters of the loaders' queries: a run of its own per change."""
    return {"run_id": new_run_id(SOURCE, at), "loaded_at": at}


def new_key(kind: str) -> str:
    return f"{SOURCE}:{kind}-{uuid.uuid4().hex[:12]}"


def contact_identifiers(golden: dict[str, Any]) -> dict[str, Any]:
    """Events of a customer attach to their golden email, phone and customer number (what sources use)."""
    return {f: golden.get(f) for f in ("email", "phone", "customer_number")}


def written(tx: Transaction, customer_id: str, key: str, *steps: Step) -> Change:
    """Write the data and its audit event (the last step) in the change's transaction."""
    for name, params in steps:
        tx.write(name, **params)
    return Change(customer_id, key, steps[-1][1]["event"]["id"])
