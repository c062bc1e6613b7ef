"""Reads of the 360 neighbourhood: resolvers stay thin and call this, never the driver."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.store import Store
from loaders import normalise

MAX_MATCHES = 50


@dataclass
class RecordData:
    properties: dict[str, Any]
    identifiers: list[dict[str, str]] = field(default_factory=list)


@dataclass
class CustomerData:
    properties: dict[str, Any]
    records: list[RecordData]


def identifier_key(kind: str, value: str) -> str:
    """Normalise a typed-in identifier exactly as the loaders do, so lookups find what was loaded."""
    if kind == "email":
        return f"email:{normalise.email(value)}"
    if kind == "phone":
        return f"phone:{normalise.phone(value, None)}"
    if kind in ("cookie", "device"):
        return f"{kind}:{normalise.text(value)}"
    return f"{kind}:{normalise.code(value)}"


class CustomerRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def customer(self, customer_id: str) -> CustomerData | None:
        rows = self.store.read("customer_profile", id=customer_id)
        if not rows:
            return None
        records = [RecordData(row["record"], row["identifiers"]) for row in rows if row["record"]]
        return CustomerData(rows[0]["customer"], records)

    def customer_ids_by_identifier(self, kind: str, value: str) -> list[str]:
        rows = self.store.read("customers_by_identifier", key=identifier_key(kind, value), limit=MAX_MATCHES)
        return [row["id"] for row in rows]

    def ready(self) -> bool:
        return bool(self.store.read("ping"))
