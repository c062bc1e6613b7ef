"""Service staff's real-time changes, written as the ``service-desk`` source.

A correction is not an edit of the golden profile: it is a new source record of source ``service-desk`` (the
most trusted one in the shipped rules), validated by the loaders' own models and written by their own
queries, tied to the customer by a ``SAME_AS`` decision; the customer's component is then re-resolved at
once. So lineage, explanations and later full runs agree with what the agent did. Each change writes its
data and an ``AuditEvent`` (who, when, what, before, after) in one transaction: all of it or nothing.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from graph.errors import InputError
from graph.store import Store
from loaders.mapping import Kind, SourceMapping, SourceSection
from loaders.records import ConsentRecord, CustomerRecord, SourceModel, TicketRecord
from loaders.validation import Accepted, node_row
from resolution.resolve import resolve
from resolution.rules import Rules

SOURCE = "service-desk"
CONTACT_FIELDS = ("email", "phone", "street", "house_number", "postcode", "city", "country")
#: the fields of an address are corrected together, or the golden one would mix two addresses
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city", "country")
_RESOLVING = threading.Lock()  # one re-resolution at a time per process: runs must not interleave


@dataclass(frozen=True)
class Change:
    """What a change did: the customer it ended on, the node it wrote, and its audit event."""

    customer_id: str
    key: str
    audit_id: str


def _validated(model: type[SourceModel], values: dict[str, Any], region: str | None,
               names: dict[str, str] | None = None) -> SourceModel:
    """The loaders' model, strictly: in a mutation any bad field is an error naming it, nothing is dropped.

    ``names`` renames the model's fields to the caller's words in messages.
    """
    try:
        return model.model_validate({k: v for k, v in values.items() if v is not None}, context={"region": region})
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "input"
        field = (names or {}).get(field, field)
        raise InputError(f"{field}: {first['msg'].removeprefix('Value error, ')}") from None


def _row(record: SourceModel, kind: Kind, key: str) -> dict[str, Any]:
    mapping = SourceMapping(source=SourceSection(name=SOURCE, kind=kind, id="source_id"))
    linked = () if kind == "customers" else ("email", "phone", "customer_number")
    return node_row(Accepted(0, record, {}), mapping, key=key, linked=linked)


def _profile(store: Store, customer_id: str) -> dict[str, Any]:
    rows = store.read("desk_customer", id=customer_id, source=SOURCE)
    if not rows:
        raise InputError(f"customerId: no customer {customer_id!r}")
    return rows[0]


def _audit(kind: str, by: str, at: datetime, customer_id: str, target: str, before: dict[str, Any],
           after: dict[str, Any], why: str | None) -> tuple[str, dict[str, Any]]:
    event = {"id": f"audit-{uuid.uuid4().hex[:12]}", "kind": kind, "by": by, "at": at, "customer": customer_id,
             "target": target, "fields": sorted(after), "why": why,
             "before": json.dumps(before, default=str, sort_keys=True),
             "after": json.dumps(after, default=str, sort_keys=True)}
    return "desk_audit", {"event": event}


def _lineage(at: datetime) -> dict[str, Any]:
    return {"run_id": f"{at:%Y%m%dT%H%M%S}-{SOURCE}-{uuid.uuid4().hex[:6]}", "loaded_at": at}


def correct_contact(store: Store, rules: Rules, customer_id: str, changes: dict[str, Any], by: str,
                    why: str | None = None) -> Change:
    """Correct email, phone and/or address; the customer's profile shows it once this returns."""
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise InputError("input: give at least one of " + ", ".join(CONTACT_FIELDS))
    if unknown := sorted(set(changes) - set(CONTACT_FIELDS)):
        raise InputError(f"{unknown[0]}: not a contact field")
    address = [f for f in ADDRESS_FIELDS if f in changes]
    if address and (missing := [f for f in ("street", "postcode", "city") if f not in changes]):
        raise InputError(f"{missing[0]}: an address is corrected whole (street, postcode and city at least)")
    profile = _profile(store, customer_id)
    golden, desk = profile["customer"], profile["desk"] or {}
    base = {f: desk.get(f) for f in CustomerRecord.model_fields if f != "source_id"}
    if address:
        base |= dict.fromkeys(ADDRESS_FIELDS)
    values = base | changes
    values["country"] = values.get("country") or golden.get("country")
    key = desk.get("key") or f"{SOURCE}:{customer_id}"
    record = _validated(CustomerRecord, {**values, "source_id": key.partition(":")[2]}, golden.get("country"))
    written = record.model_dump(exclude_none=True)
    at = datetime.now(UTC)
    before = {f: golden.get(f) for f in changes}
    after = {f: written.get(f) for f in changes}
    steps = [("load_customers", {"rows": [_row(record, "customers", key)], **_lineage(at)}),
             ("desk_attach", {"desk": key, "anchor": profile["anchor"], "by": by, "at": at}),
             _audit("correct_contact", by, at, customer_id, key, before, after, why)]
    store.write_together(*steps)
    return Change(_resolve(store, rules, key, profile["anchor"]), key, steps[-1][1]["event"]["id"])


def _resolve(store: Store, rules: Rules, key: str, anchor: str) -> str:
    with _RESOLVING:
        resolve(store, rules, seeds=[key, anchor])
    return str(store.read("desk_customer_of_record", key=key)[0]["id"])


def _contact_identifiers(golden: dict[str, Any]) -> dict[str, Any]:
    """Events of a customer attach to their golden email, phone and customer number (what sources use)."""
    return {f: golden.get(f) for f in ("email", "phone", "customer_number")}


def record_consent(store: Store, customer_id: str, purpose: str, granted: bool, channel: str | None,
                   by: str) -> Change:
    """A consent given or withdrawn through service staff: the newest event per purpose wins."""
    golden = _profile(store, customer_id)["customer"]
    at = datetime.now(UTC)
    key = f"{SOURCE}:consent-{uuid.uuid4().hex[:12]}"
    record = _validated(ConsentRecord, {"source_id": key.partition(":")[2], "at": at, "purpose": purpose,
                                        "granted": granted, "channel": channel or SOURCE,
                                        **_contact_identifiers(golden)}, golden.get("country"))
    assert isinstance(record, ConsentRecord)
    current = store.read("desk_consent", id=customer_id, purpose=record.purpose)
    before = {"granted": current[0]["granted"] if current else None}
    row = _row(record, "consents", key) | {"purpose": record.purpose}
    audit = _audit("record_consent", by, at, customer_id, key, before, {"granted": record.granted}, record.purpose)
    store.write_together(("load_consents", {"rows": [row], **_lineage(at)}), audit)
    return Change(customer_id, key, audit[1]["event"]["id"])


def open_ticket(store: Store, customer_id: str, subject: str, channel: str | None, by: str) -> Change:
    golden = _profile(store, customer_id)["customer"]
    at = datetime.now(UTC)
    key = f"{SOURCE}:ticket-{uuid.uuid4().hex[:12]}"
    record = _validated(TicketRecord, {"source_id": key.partition(":")[2], "opened_at": at, "status": "open",
                                       "channel": channel or SOURCE, "subject": subject,
                                       **_contact_identifiers(golden)}, golden.get("country"))
    if not record.identifiers():
        raise InputError("customerId: the customer has no email, phone or customer number to attach a ticket to")
    audit = _audit("open_ticket", by, at, customer_id, key, {}, {"subject": subject}, None)
    store.write_together(("load_tickets", {"rows": [_row(record, "tickets", key)], **_lineage(at)}), audit)
    return Change(customer_id, key, audit[1]["event"]["id"])


def annotate_ticket(store: Store, ticket_key: str, note: str, status: str | None, by: str) -> Change:
    """A note on any ticket (kept apart from the ticket, so a reload of its source keeps it); maybe a status."""
    found = store.read("desk_ticket", key=ticket_key)
    if not found:
        raise InputError(f"ticketKey: no ticket {ticket_key!r}")
    at = datetime.now(UTC)
    checked = _validated(TicketRecord, {"source_id": "note", "opened_at": at, "subject": note, "status": status},
                         None, names={"subject": "note"})
    assert isinstance(checked, TicketRecord)
    if not checked.subject:
        raise InputError("note: must not be empty")
    ticket = found[0]
    customer_id = ticket["customer_id"] or ""
    after = {"status": checked.status or ticket["status"], "note": checked.subject}
    audit = _audit("annotate_ticket", by, at, customer_id, ticket_key, {"status": ticket["status"]}, after, None)
    note_row = {"key": f"{ticket_key}:note-{uuid.uuid4().hex[:8]}", "at": at, "by": by, "text": checked.subject,
                "status": checked.status}
    store.write_together(("desk_annotate_ticket", {"ticket": ticket_key, "note": note_row}), audit)
    return Change(customer_id, ticket_key, audit[1]["event"]["id"])
