"""Consent changes → append-only ``ConsentEvent`` history per identifier and purpose (the GDPR audit trail).

The current consent of a customer is derived from it: the newest event per purpose wins.
"""

from __future__ import annotations

from typing import Any

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


KIND = SourceKind("consents", ConsentRecord, each(transform), query="load_consents")
