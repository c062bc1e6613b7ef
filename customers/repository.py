"""The customer read model: profiles, their records and identities, and what they did, read in batches.

The API, the map, invitations, locate and score all read customers through this one repository, so a
customer's purchases, consents and stores are the same wherever they are shown. Every method takes many
customers at once, so that the API's per-request DataLoaders turn a page of customers and all their lists
into a fixed number of queries, whatever the page size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from customers.identifiers import identifier_key
from graph.database import Graph
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


@dataclass(frozen=True)
class Identities:
    """What a customer's events attach by: identifier keys, and the devices and cookies among them."""

    keys: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()
    cookies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Position:
    """Where a keyset page starts: after the event with this time and key (newest first)."""

    at: datetime
    key: str


@dataclass(frozen=True)
class PageRequest:
    customer_id: str
    first: int
    after: Position | None = None
    since: datetime | None = None


@dataclass(frozen=True)
class EventKind:
    """One list of a customer's events: the queries that page and count it."""

    page_query: str
    count_query: str


EVENT_KINDS = {
    "transactions": EventKind("customer_transactions_page", "customer_transactions_summary"),
    "tickets": EventKind("customer_tickets_page", "customer_tickets_count"),
    "web_sessions": EventKind("customer_sessions_page", "customer_sessions_count"),
}


def _requests(requests: Iterable[tuple[PageRequest, Identities]]) -> list[dict[str, Any]]:
    return [{"request": index, "keys": list(identities.keys), "since": request.since,
             "after_at": request.after.at if request.after else None,
             "after_key": request.after.key if request.after else None}
            for index, (request, identities) in enumerate(requests)]


def _by_request(rows: list[dict[str, Any]], count: int) -> list[list[dict[str, Any]]]:
    grouped: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for row in rows:
        grouped[row["request"]].append(row)
    return grouped


class CustomerRepository:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def customers(self, ids: list[str]) -> list[CustomerData | None]:
        """Profiles in the order of ``ids``; None where there is no such customer."""
        records: dict[str, list[RecordData]] = defaultdict(list)
        profiles: dict[str, dict[str, Any]] = {}
        for row in self.graph.read("customer_profiles", ids=ids):
            customer_id = row["customer"]["id"]
            profiles[customer_id] = row["customer"]
            if row["record"]:
                records[customer_id].append(RecordData(row["record"], row["identifiers"]))
        return [CustomerData(profiles[i], records[i]) if i in profiles else None for i in ids]

    def customer(self, customer_id: str) -> CustomerData | None:
        return self.customers([customer_id])[0]

    def identities(self, ids: list[str]) -> list[Identities]:
        found = {row["id"]: Identities(tuple(row["keys"]), tuple(row["devices"]), tuple(row["cookies"]))
                 for row in self.graph.read("customer_identities", ids=ids)}
        return [found.get(i, Identities()) for i in ids]

    def pages(self, kind: str, requests: list[tuple[PageRequest, Identities]]) -> list[list[dict[str, Any]]]:
        """Per request, up to ``first + 1`` events newest first (one more than asked says a next page exists)."""
        limit = max(request.first for request, _ in requests) + 1
        rows = self.graph.read(EVENT_KINDS[kind].page_query, requests=_requests(requests), limit=limit)
        return [page[:request.first + 1] for page, (request, _) in
                zip(_by_request(rows, len(requests)), requests, strict=True)]

    def counts(self, kind: str, requests: list[tuple[PageRequest, Identities]]) -> list[list[dict[str, Any]]]:
        """Per request, its count rows: ``count`` (and per currency, spend and dates, for transactions)."""
        rows = self.graph.read(EVENT_KINDS[kind].count_query, requests=_requests(requests))
        return _by_request(rows, len(requests))

    def consents(self, identities: list[Identities]) -> list[list[dict[str, Any]]]:
        """Per customer, the current consent per purpose: the newest event about any of their identifiers."""
        return self._per_customer("customer_consents", identities)

    def stores(self, identities: list[Identities]) -> list[list[dict[str, Any]]]:
        """Per customer, the stores they bought at with visits, spend and last visit, most visited first."""
        return self._per_customer("customer_stores", identities)

    def _per_customer(self, query: str, identities: list[Identities]) -> list[list[dict[str, Any]]]:
        requests = [(PageRequest("", 0), i) for i in identities]
        return _by_request(self.graph.read(query, requests=_requests(requests)), len(identities))

    def search(self, words: list[str], postcode: str | None, email_prefix: str | None, after: str | None,
               limit: int) -> list[str]:
        # golden names are stored in their usual case: "dupont" starts "Dupont", "van" starts "van Dijk" too
        # (a word with digits names nobody)
        named = [word for word in words if not any(ch.isdigit() for ch in word)]
        starts = sorted({*named, *(normalise.person_name(word) for word in named)})
        rows = self.graph.read("customer_search", words=words, last_name_prefixes=starts,
                               postcode=normalise.text(postcode).upper() if postcode else None,
                               email_prefix=f"email:{email_prefix}" if email_prefix else None, after=after,
                               limit=limit)
        return [row["id"] for row in rows]

    def changes(self, ids: list[str]) -> list[list[dict[str, Any]]]:
        """Per customer, the audited service-desk changes, newest first."""
        grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.graph.read("customer_changes", ids=ids):
            grouped[row["id"]].append(row["event"])
        return [grouped[i] for i in ids]

    def homes(self, ids: list[str]) -> list[dict[str, Any] | None]:
        found = {row["id"]: row["home"] | {"since": row["since"]} for row in self.graph.read("customer_homes", ids=ids)}
        return [found.get(i) for i in ids]

    def customer_ids_by_identifier(self, kind: str, value: str) -> list[str]:
        rows = self.graph.read("customers_by_identifier", key=identifier_key(kind, value), limit=MAX_MATCHES)
        return [row["id"] for row in rows]

    def ready(self) -> bool:
        return bool(self.graph.read("ping"))
