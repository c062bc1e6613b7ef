"""Contact corrections: a new email, phone or address, shown on the customer as soon as the call returns."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from desk.changes import SOURCE, Change, audit, lineage, profile, source_row, validated, written
from graph.database import Graph
from graph.errors import InputError
from loaders.records import CustomerRecord
from resolution.resolve import resolve
from resolution.rules import Rules

CONTACT_FIELDS = ("email", "phone", "street", "house_number", "postcode", "city", "country")
#: the fields of an address are corrected together, or the golden one would mix two addresses
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city", "country")
_RESOLVING = threading.Lock()  # one re-resolution at a time per process: runs must not interleave


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
    found = profile(graph, customer_id)
    golden, desk = found["customer"], found["desk"] or {}
    base = {f: desk.get(f) for f in CustomerRecord.model_fields if f != "source_id"}
    if address:
        base |= dict.fromkeys(ADDRESS_FIELDS)
    values = base | changes
    values["country"] = values.get("country") or golden.get("country")
    key = desk.get("key") or f"{SOURCE}:{customer_id}"
    record = validated(CustomerRecord, {**values, "source_id": key.partition(":")[2]}, golden.get("country"))
    kept = record.model_dump(exclude_none=True)
    at = datetime.now(UTC)
    before = {f: golden.get(f) for f in changes}
    after = {f: kept.get(f) for f in changes}
    change = written(graph, customer_id, key,
                     ("load_customers", {"rows": [source_row(record, "customers", key)], **lineage(at)}),
                     ("desk_attach", {"desk": key, "anchor": found["anchor"], "by": by, "at": at}),
                     audit("correct_contact", by, at, customer_id, key, before, after, why))
    with _RESOLVING:
        resolve(graph, rules, seeds=[key, found["anchor"]])
    now_of = graph.read("desk_customer_of_record", key=key)[0]["id"]
    return Change(str(now_of), change.key, change.audit_id)
