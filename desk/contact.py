"""Contact corrections: a new email, phone or address, shown on the customer as soon as the call returns."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from desk.changes import SOURCE, Change, audit, lineage, lock_customer, locked, source_row, validated, written
from graph.database import Graph, Transaction
from graph.errors import InputError
from loaders.records import CustomerRecord
from resolution.golden import golden
from resolution.resolve import resolve
from resolution.rules import Rules

CONTACT_FIELDS = ("email", "phone", "street", "house_number", "postcode", "city", "country")
#: the fields of an address are corrected together, or the golden one would mix two addresses
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city", "country")
#: one re-resolution at a time per process: runs must not interleave (micro-batches of ingests take it too)
RESOLVING = threading.Lock()


def correct_contact(graph: Graph, rules: Rules, customer_id: str, changes: dict[str, Any], by: str,
                    why: str | None = None) -> Change:
    """Correct email, phone and/or address: the ``service-desk`` record of the customer, created or updated,
    tied to them by a ``SAME_AS`` decision and re-resolved at once."""
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise InputError("give at least one of " + ", ".join(CONTACT_FIELDS), "correction")
    if unknown := sorted(set(changes) - set(CONTACT_FIELDS)):
        raise InputError("not a contact field", unknown[0])
    address = [f for f in ADDRESS_FIELDS if f in changes]
    if address and (missing := [f for f in ("street", "postcode", "city") if f not in changes]):
        raise InputError("an address is corrected whole (street, postcode and city at least)", missing[0])

    def work(tx: Transaction) -> tuple[Change, str]:
        lock_customer(tx, customer_id)
        records, desk = _records(tx, customer_id)
        anchor = next((r["key"] for r in records if r["source"] != SOURCE), records[0]["key"])
        current = golden(records, rules.sources, rules.golden.majority)["values"]
        base = {f: desk.get(f) for f in CustomerRecord.model_fields if f != "source_id"}
        if address:
            base |= dict.fromkeys(ADDRESS_FIELDS)
        values = base | changes
        values["country"] = values.get("country") or current.get("country")
        key = desk.get("key") or f"{SOURCE}:{customer_id}"
        record = validated(CustomerRecord, {**values, "source_id": key.partition(":")[2]}, current.get("country"))
        kept = record.model_dump(exclude_none=True)
        at = datetime.now(UTC)  # after the lock: audit events are in the order they were committed
        before = {f: current.get(f) for f in changes}
        after = {f: kept.get(f) for f in changes}
        change = written(tx, customer_id, key,
                         ("load_customers", {"rows": [source_row(record, "customers", key)], **lineage(at)}),
                         ("desk_attach", {"desk": key, "anchor": anchor, "by": by, "at": at}),
                         audit("correct_contact", by, at, customer_id, key, before, after, why))
        return change, anchor

    change, anchor = locked(graph, customer_id, work)
    with RESOLVING:
        resolve(graph, rules, seeds=[change.key, anchor])
    now_of = graph.read("desk_customer_of_record", key=change.key)[0]["id"]
    return Change(str(now_of), change.key, change.audit_id)


def _records(tx: Transaction, customer_id: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The customer's records, and their service-desk record (``{}`` if none), as this transaction sees them.

    A desk record that an earlier correction wrote but resolution has not attached yet counts among them, so
    this correction builds on it and its ``before`` is the value that correction set.
    """
    found = tx.read("desk_records", id=customer_id, key=f"{SOURCE}:{customer_id}")
    records: list[dict[str, Any]] = sorted(found[0]["records"], key=lambda r: str(r["key"])) if found else []
    if not records:
        raise InputError(f"no customer {customer_id!r}", "customer_id")
    pending = found[0]["pending"]
    if pending and all(r["key"] != pending["key"] for r in records):
        records.append(pending)
    desk = next((r for r in records if r["source"] == SOURCE), {})
    return records, desk
