"""Consent changes → append-only ``ConsentEvent`` history per identifier and purpose (the GDPR audit trail).

The current consent of a customer is derived from it (``customers.consents``). A loaded choice changes a
customer without resolution running, so the load tells the change feed itself, in the batch's transaction:
one ``consent_changed`` per new choice and customer it reaches (a choice about someone not yet resolved
reaches nobody yet).
"""

from __future__ import annotations

from typing import Any

from graph import outbox
from graph.database import Transaction
from loaders.kinds import SourceKind, each
from loaders.mapping import SourceMapping
from loaders.records import IDENTIFIER_FIELDS, ConsentRecord
from loaders.validation import Accepted, node_row


def transform(accepted: Accepted, mapping: SourceMapping) -> dict[str, Any]:
    record = accepted.record
    assert isinstance(record, ConsentRecord)
    row = node_row(accepted, mapping, key=f"{mapping.source.name}:{record.source_id}", linked=IDENTIFIER_FIELDS)
    row["purpose"] = record.purpose
    return row


def feed(tx: Transaction, rows: list[dict[str, Any]], run_id: str) -> None:
    found = tx.read("consent_feed", keys=[row["key"] for row in rows], run_id=run_id)
    outbox.append_all(tx, [outbox.Event("consent_changed", r["customer_id"], {
        "purpose": r["purpose"], "channel": r["channel"], "granted": r["granted"], "at": r["at"]}, r["source"])
        for r in found])


KIND = SourceKind("consents", ConsentRecord, each(transform), query="load_consents", feed=feed)
