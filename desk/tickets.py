"""Support tickets opened by service staff, and notes on any ticket."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from desk.changes import (
    SOURCE,
    Change,
    audit,
    contact_identifiers,
    golden_values,
    lineage,
    lock_customer,
    locked,
    new_key,
    source_row,
    validated,
    written,
)
from graph.database import Graph, Transaction
from graph.errors import InputError
from loaders.records import TicketRecord


def open_ticket(graph: Graph, customer_id: str, subject: str, channel: str | None, by: str) -> Change:
    def work(tx: Transaction) -> Change:
        lock_customer(tx, customer_id)
        golden = golden_values(tx, customer_id)
        at = datetime.now(UTC)
        key = new_key("ticket")
        record = validated(TicketRecord, {"source_id": key.partition(":")[2], "opened_at": at, "status": "open",
                                          "channel": channel or SOURCE, "subject": subject,
                                          **contact_identifiers(golden)}, golden.get("country"))
        if not record.identifiers():
            raise InputError("the customer has no email, phone or customer number to attach a ticket to",
                             "customer_id")
        return written(tx, customer_id, key,
                       ("load_tickets", {"rows": [source_row(record, "tickets", key)], **lineage(at)}),
                       audit("open_ticket", by, at, customer_id, key, {}, {"subject": subject}, None))

    return locked(graph, customer_id, work)


def annotate_ticket(graph: Graph, ticket_key: str, note: str, status: str | None, by: str) -> Change:
    """A note on any ticket (kept apart from the ticket, so a reload of its source keeps it); maybe a status.

    Notes on one ticket are serialised like the changes of one customer: the ``before`` status is the one
    the previous note left."""
    def work(tx: Transaction) -> Change:
        if not tx.write("desk_lock_ticket", key=ticket_key):
            raise InputError(f"no ticket {ticket_key!r}", "ticket_key")
        ticket = tx.read("desk_ticket", key=ticket_key)[0]
        at = datetime.now(UTC)
        checked = validated(TicketRecord, {"source_id": "note", "opened_at": at, "subject": note, "status": status},
                            None, names={"subject": "note"})
        assert isinstance(checked, TicketRecord)
        if not checked.subject:
            raise InputError("must not be empty", "note")
        customer_id = ticket["customer_id"] or ""
        after = {"status": checked.status or ticket["status"], "note": checked.subject}
        note_row = {"key": f"{ticket_key}:note-{uuid.uuid4().hex[:8]}", "at": at, "by": by,
                    "text": checked.subject, "status": checked.status}
        return written(tx, customer_id, ticket_key,
                       ("desk_annotate_ticket", {"ticket": ticket_key, "note": note_row}),
                       audit("annotate_ticket", by, at, customer_id, ticket_key, {"status": ticket["status"]},
                             after, None))

    return locked(graph, ticket_key, work)
