"""Consents given or withdrawn through service staff: one more consent event, and the newest one wins."""

from __future__ import annotations

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
from loaders.records import ConsentRecord


def record_consent(graph: Graph, customer_id: str, purpose: str, granted: bool, channel: str | None,
                   by: str) -> Change:
    def work(tx: Transaction) -> Change:
        lock_customer(tx, customer_id)
        golden = golden_values(tx, customer_id)
        at = datetime.now(UTC)  # after the lock: the newest event is the one committed last
        key = new_key("consent")
        record = validated(ConsentRecord, {"source_id": key.partition(":")[2], "at": at, "purpose": purpose,
                                           "granted": granted, "channel": channel or SOURCE,
                                           **contact_identifiers(golden)}, golden.get("country"))
        assert isinstance(record, ConsentRecord)
        current = tx.read("desk_consent", id=customer_id, purpose=record.purpose)
        before = {"granted": current[0]["granted"] if current else None}
        row = source_row(record, "consents", key) | {"purpose": record.purpose}
        return written(tx, customer_id, key, ("load_consents", {"rows": [row], **lineage(at)}),
                       audit("record_consent", by, at, customer_id, key, before, {"granted": record.granted},
                             record.purpose))

    return locked(graph, customer_id, work)
