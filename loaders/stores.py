"""Stores (reference data, often a spreadsheet) → ``Store`` with a location point for distance queries."""

from __future__ import annotations

from typing import Any

from loaders.kinds import SourceKind, each
from loaders.mapping import SourceMapping
from loaders.records import StoreRecord
from loaders.validation import Accepted, node_row


def transform(accepted: Accepted, mapping: SourceMapping) -> dict[str, Any]:
    """Stores are keyed by their own id (a code), which transactions quote, whichever source lists them."""
    return node_row(accepted, mapping, key=accepted.record.source_id)


KIND = SourceKind("stores", StoreRecord, each(transform), query="load_stores")
