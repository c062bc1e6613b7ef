"""Consents given or withdrawn through service staff: one more event in the ledger, and the newest one wins.

The event says where it was made (the service desk) and what proves it (who took it, and the audit entry
written in the same transaction), as a choice loaded from a source would.
"""

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
from graph import outbox
from graph.database import Graph, Transaction
from loaders.consent_terms import consent_name
from loaders.records import ConsentRecord


def record_consent(graph: Graph, customer_id: str, purpose: str, granted: bool, channel: str | None,
                   by: str, proof: str | None = None) -> Change:
    def work(tx: Transaction) -> Change:
        lock_customer(tx, customer_id)
        golden = golden_values(tx, customer_id)
        at = datetime.now(UTC)  # after the lock: the newest event is the one committed last
        key = new_key("consent")
        record = validated(ConsentRecord, {"source_id": key.partition(":")[2], "at": at, "purpose": purpose,
                                           "granted": granted, "channel": channel, "captured_via": SOURCE,
                                           "proof": f"{proof} (taken by {by})" if proof else f"taken by {by}",
                                           **contact_identifiers(golden)}, golden.get("country"))
        assert isinstance(record, ConsentRecord)
        current = tx.read("desk_consent", id=customer_id, purpose=record.purpose, channel=record.channel)
        before = {"granted": current[0]["granted"] if current else None}
        row = source_row(record, "consents", key) | {"purpose": record.purpose}
        change = written(tx, customer_id, key, ("load_consents", {"rows": [row], **lineage(at)}),
                         audit("record_consent", by, at, customer_id, key, before, {"granted": record.granted},
                               consent_name(record.purpose, record.channel)))
        outbox.append(tx, kind="consent_changed", customer_id=customer_id, origin=SOURCE,
                      payload={"purpose": record.purpose, "channel": record.channel, "granted": record.granted,
                               "at": at})
        return change

    return locked(graph, customer_id, work)
