"""Support cases → ``Ticket`` raised by the identifiers the customer used."""

from __future__ import annotations

from typing import Any

from loaders.kinds import SourceKind, each
from loaders.mapping import SourceMapping
from loaders.records import IDENTIFIER_FIELDS, TicketRecord
from loaders.validation import Accepted, node_row


def transform(accepted: Accepted, mapping: SourceMapping) -> dict[str, Any]:
    return node_row(accepted, mapping, key=f"{mapping.source.name}:{accepted.record.source_id}",
                    linked=IDENTIFIER_FIELDS)


KIND = SourceKind("tickets", TicketRecord, each(transform), query="load_tickets")
