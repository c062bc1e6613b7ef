"""Customer records (CRM contacts, web-shop accounts, loyalty members, till sign-ups) → ``SourceRecord``."""

from __future__ import annotations

from typing import Any

from loaders.kinds import SourceKind, each
from loaders.mapping import SourceMapping
from loaders.records import CustomerRecord
from loaders.validation import Accepted, node_row


def transform(accepted: Accepted, mapping: SourceMapping) -> dict[str, Any]:
    """Pure, so it is tested without a store."""
    return node_row(accepted, mapping, key=f"{mapping.source.name}:{accepted.record.source_id}")


KIND = SourceKind("customers", CustomerRecord, each(transform), query="load_customers")
