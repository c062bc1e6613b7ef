"""Orders, online and in store → ``Transaction`` linked to the identifiers used and the store."""

from __future__ import annotations

from typing import Any

from loaders.kinds import SourceKind, each
from loaders.mapping import SourceMapping
from loaders.records import IDENTIFIER_FIELDS, TransactionRecord
from loaders.validation import Accepted, node_row


def transform(accepted: Accepted, mapping: SourceMapping) -> dict[str, Any]:
    """The amount is kept in exact minor units (cents) beside the float that analysts sum quickly."""
    record = accepted.record
    assert isinstance(record, TransactionRecord)
    row = node_row(accepted, mapping, key=f"{mapping.source.name}:{record.source_id}",
                   linked=(*IDENTIFIER_FIELDS, "store"))
    row["props"]["amount_minor"] = int(record.amount * 100)
    row["store"] = record.store
    return row


KIND = SourceKind("transactions", TransactionRecord, each(transform), query="load_transactions")
