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

from customers import consents
from customers.identifiers import identifier_key
from graph.database import Graph
from loaders import normalise

MAX_MATCHES = 50


@dataclass
class RecordData:
    properties: dict[str, Any]
    identifiers: list[dict[str, str]] = field(default_factory=list)
    #: the ids of the customers holding the record, when read on its own (``records``)
    holders: list[str] = field(default_factory=list)


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
    """Where a keyset page starts: after (or before) the event with this time and key (newest first)."""

    at: datetime
    key: str


@dataclass(frozen=True)
class PageRequest:
    """``size`` events after ``after`` (paging forward), or the ``size`` events just before ``before``
    (``backward``); both cursors may bound the list at once."""

    customer_id: str
    size: int
    after: Position | None = None
    since: datetime | None = None
    before: Position | None = None
    backward: bool = False


@dataclass(frozen=True)
class Search:
    """What customers are searched by: name words (lower case), a postcode, an email prefix (lower case)."""

    words: tuple[str, ...]
    postcode: str | None
    email_prefix: str | None


@dataclass(frozen=True)
class EventKind:
    """One list of a customer's events: the queries that page and count it."""

    page_query: str
    count_query: str
    #: the events by key, with the customers they may belong to
    node_query: str


EVENT_KINDS = {
    "transactions": EventKind("customer_transactions_page", "customer_transactions_summary", "node_transactions"),
    "tickets": EventKind("customer_tickets_page", "customer_tickets_count", "node_tickets"),
    "web_sessions": EventKind("customer_sessions_page", "customer_sessions_count", "node_sessions"),
}


@dataclass
class EventData:
    """One event looked up by key: its row as a page gives it, the identifiers it attaches by, and the
    customers who may hold one of them (``Identities`` tells which do)."""

    row: dict[str, Any]
    via: set[str] = field(default_factory=set)
    candidates: set[str] = field(default_factory=set)


def _requests(requests: Iterable[tuple[PageRequest, Identities]]) -> list[dict[str, Any]]:
    return [{"request": index, "keys": list(identities.keys), "since": request.since,
             "after_at": request.after.at if request.after else None,
             "after_key": request.after.key if request.after else None,
             "before_at": request.before.at if request.before else None,
             "before_key": request.before.key if request.before else None, "backward": request.backward}
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
        """Per request, up to ``size + 1`` events newest first, read from the cursor paged from (one more than
        asked says more follow): the newest ones forward, the oldest ones backward."""
        limit = max(request.size for request, _ in requests) + 1
        rows = self.graph.read(EVENT_KINDS[kind].page_query, requests=_requests(requests), limit=limit)
        return [page[len(page) - request.size - 1:] if request.backward and len(page) > request.size + 1
                else page[:request.size + 1]
                for page, (request, _) in zip(_by_request(rows, len(requests)), requests, strict=True)]

    def counts(self, kind: str, requests: list[tuple[PageRequest, Identities]]) -> list[list[dict[str, Any]]]:
        """Per request, its count rows: ``count`` (and per currency, spend and dates, for transactions)."""
        rows = self.graph.read(EVENT_KINDS[kind].count_query, requests=_requests(requests))
        return _by_request(rows, len(requests))

    def events(self, kind: str, keys: list[str]) -> list[EventData | None]:
        """Events of one kind by key, in the order of ``keys``; None where there is none."""
        found: dict[str, EventData] = {}
        for row in self.graph.read(EVENT_KINDS[kind].node_query, keys=keys):
            data = found.setdefault(row["key"], EventData(row))
            data.via.add(row["via"])
            data.candidates.update(row["candidates"])
        return [found.get(key) for key in keys]

    def records(self, keys: list[str]) -> list[RecordData | None]:
        """Source records some customer holds, by key, in the order of ``keys``; None where there is none."""
        found = {row["key"]: RecordData(row["record"], row["identifiers"], row["holders"])
                 for row in self.graph.read("node_records", keys=keys)}
        return [found.get(key) for key in keys]

    def stores_by_key(self, keys: list[str]) -> list[dict[str, Any] | None]:
        """Stores' properties by key, in the order of ``keys``; None where there is none."""
        found = {row["key"]: row["store"] for row in self.graph.read("node_stores", keys=keys)}
        return [found.get(key) for key in keys]

    def consent_ledgers(self, identities: list[Identities]) -> list[list[dict[str, Any]]]:
        """Per customer, every consent event about any of their identifiers, oldest first."""
        return self._per_customer("customer_consents", identities)

    def consents(self, identities: list[Identities]) -> list[list[dict[str, Any]]]:
        """Per customer, the current consent per purpose and channel, derived from their ledger."""
        return [consents.current(ledger) for ledger in self.consent_ledgers(identities)]

    def restrictions(self, ids: list[str]) -> list[list[dict[str, Any]]]:
        """Per customer id, the purposes they restricted or objected to, in force now (``privacy.restrictions``)."""
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in self.graph.read("customer_restrictions", ids=ids):
            found[row.pop("id")].append(row)
        return [found.get(i, []) for i in ids]

    def stores(self, identities: list[Identities]) -> list[list[dict[str, Any]]]:
        """Per customer, the stores they bought at with visits, spend and last visit, most visited first."""
        return self._per_customer("customer_stores", identities)

    def _per_customer(self, query: str, identities: list[Identities]) -> list[list[dict[str, Any]]]:
        requests = [(PageRequest("", 0), i) for i in identities]
        return _by_request(self.graph.read(query, requests=_requests(requests)), len(identities))

    def search(self, search: Search, after: str | None, before: str | None, backward: bool, limit: int
               ) -> list[str]:
        """Up to ``limit`` ids in id order between ``after`` and ``before``: the first ones, or the last ones
        when ``backward``."""
        rows = self.graph.read("customer_search", **self._criteria(search), after=after, before=before,
                               backward=backward, limit=limit)
        ids = [row["id"] for row in rows]
        return ids[::-1] if backward else ids

    def search_count(self, search: Search) -> int:
        """How many customers the search finds in all."""
        return int(self.graph.read("customer_search_count", **self._criteria(search))[0]["count"])

    @staticmethod
    def _criteria(search: Search) -> dict[str, Any]:
        # golden names are stored in their usual case: "dupont" starts "Dupont", "van" starts "van Dijk" too
        # (a word with digits names nobody)
        named = [word for word in search.words if not any(ch.isdigit() for ch in word)]
        starts = sorted({*named, *(normalise.person_name(word) for word in named)})
        return {"words": list(search.words), "last_name_prefixes": starts,
                "postcode": normalise.text(search.postcode).upper() if search.postcode else None,
                "email_prefix": f"email:{search.email_prefix}" if search.email_prefix else None}

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
