"""What a customer did, as GraphQL types: purchases, support tickets, web sessions, consents, stores.

Each list is a keyset connection (``api.pagination``); its ``totalCount`` and purchase summary are separate
queries, run only when a client asks for them.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Generic, Self

import strawberry

from api.access import Masker, Redact
from api.context import Info
from api.node import Node
from api.pagination import Edge, Item, PageInfo, Window, cut, encode_cursor
from customers.repository import PageRequest

Row = dict[str, Any]


@strawberry.type(description="An amount in a currency (ISO 4217), exact to the cent.")
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        return cls(amount=Decimal(minor) / 100, currency=currency)


@strawberry.type(description="A shop: where customers buy.")
class Store(Node):
    key: str
    name: str | None
    street: str | None
    postcode: str | None
    city: str | None
    country: str | None
    latitude: float | None
    longitude: float | None

    @classmethod
    def from_properties(cls, p: Row) -> Store:
        return cls(handle=p["key"], key=p["key"], name=p.get("name"), street=p.get("street"),
                   postcode=p.get("postcode"), city=p.get("city"), country=p.get("country"), latitude=p.get("latitude"),
                   longitude=p.get("longitude"))


@strawberry.type(description="A purchase, in a store or online.")
class Transaction(Node):
    key: str
    at: dt.datetime
    amount: Money
    channel: str | None
    store_key: str | None
    store_name: str | None
    lines: str | None = strawberry.field(description="Order lines as the source gave them (a JSON array).")

    @classmethod
    def from_row(cls, row: Row) -> Transaction:
        node = row["node"]
        return cls(handle=node["key"], key=node["key"], at=node["at"],
                   amount=Money.from_minor(node["amount_minor"], node["currency"]),
                   channel=node.get("channel"), store_key=row.get("store_key"), store_name=row.get("store_name"),
                   lines=node.get("lines"))


@strawberry.type(description="A note service staff added to a ticket.")
class TicketNote:
    at: dt.datetime
    by: str
    text: str


@strawberry.type(description="A support case.")
class Ticket(Node):
    key: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    status: str | None
    channel: str | None
    subject: str | None
    notes: list[TicketNote] = strawberry.field(description="Notes added by service staff, oldest first.")

    @classmethod
    def from_row(cls, row: Row, redact: Redact) -> Ticket:
        """``redact``: people write what the customer said into subjects and notes (``Masker.texts``)."""
        node = row["node"]
        subject = node.get("subject")
        return cls(handle=node["key"], key=node["key"], opened_at=node["opened_at"], closed_at=node.get("closed_at"),
                   status=node.get("status"), channel=node.get("channel"),
                   subject=redact(subject) if subject else subject,
                   notes=[TicketNote(at=note["at"], by=note["by"], text=redact(note["text"])) for note in row["notes"]])


@strawberry.type(description="A visit to the web shop: events of one cookie less than 30 minutes apart.")
class WebSession(Node):
    key: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    page_views: int | None
    pages: list[str]
    user_agent: str | None

    @classmethod
    def from_row(cls, row: Row, masker: Masker, redact: Redact) -> WebSession:
        """A session's key holds its cookie (``SOURCE:COOKIE:START``); a page's address may hold an email."""
        node = row["node"]
        return cls(handle=node["key"], key=masker.key_of("cookie", node["key"]), started_at=node["started_at"],
                   ended_at=node.get("ended_at"), page_views=node.get("page_views"),
                   pages=[redact(page) for page in node.get("pages") or []], user_agent=node.get("user_agent"))


@strawberry.type(description="A choice about one purpose and channel: where it was made, what proves it. In "
                             "`consents` the current state, derived from the ledger; in `consentHistory` each "
                             "event as recorded.")
class Consent:
    purpose: str = strawberry.field(description="What the data may be used for: marketing, profiling …")
    channel: str | None = strawberry.field(
        description="email, sms, post or phone; null: every channel of the purpose.")
    granted: bool
    at: dt.datetime
    source: str | None
    captured_via: str | None = strawberry.field(description="Where the choice was made: web, store, crm, "
                                                            "service-desk …")
    proof: str | None = strawberry.field(description="What records the choice (a form, a call, a letter).")
    event: str | None = strawberry.field(description="The ledger event that decides this state.")

    @classmethod
    def from_row(cls, row: Row, redact: Redact) -> Consent:
        proof = row.get("proof")
        return cls(purpose=row["purpose"], channel=row.get("channel"), granted=row["granted"], at=row["at"],
                   source=row.get("source"), captured_via=row.get("captured_via"),
                   proof=redact(proof) if proof else None, event=row.get("event_key"))


@strawberry.type(description="A purpose of processing the customer restricted (GDPR art. 18) or objected to "
                             "(art. 21): marketing, profiling or sync stop for them until it is lifted.")
class Restriction:
    purpose: str
    kind: str = strawberry.field(description="restriction or objection.")
    since: dt.datetime
    event: str = strawberry.field(description="The ledger event that put it in force.")

    @classmethod
    def from_row(cls, row: Row) -> Restriction:
        return cls(purpose=row["purpose"], kind=row["kind"], since=row["since"], event=row["event"])


@strawberry.type(description="A change service staff made: who, when, what, the values before and after.")
class AuditEntry:
    id: str
    kind: str = strawberry.field(description="correct_contact, record_consent, open_ticket or annotate_ticket.")
    by: str
    at: dt.datetime
    target: str = strawberry.field(description="The record, consent event or ticket written.")
    fields: list[str]
    before: strawberry.scalars.JSON
    after: strawberry.scalars.JSON
    why: str | None

    @classmethod
    def from_event(cls, event: Row, masker: Masker, redact: Redact) -> AuditEntry:
        """The values before and after follow their fields' rules, and text (a note, the reason) is redacted."""
        why = event.get("why")
        return cls(id=event["id"], kind=event["kind"], by=event["by"], at=event["at"],
                   target=masker.record_key(event["target"]), fields=list(event.get("fields") or []),
                   before=_values(json.loads(event["before"]), masker, redact),
                   after=_values(json.loads(event["after"]), masker, redact), why=redact(why) if why else why)


def _values(values: Row, masker: Masker, redact: Redact) -> Any:
    shown = masker.properties(values)
    return {name: redact(value) if isinstance(value, str) else value for name, value in shown.items()}


@strawberry.type(description="A store the customer bought at.")
class StoreVisits:
    store: Store
    visits: int
    spend: Money
    last_visit: dt.datetime

    @classmethod
    def from_row(cls, row: Row) -> StoreVisits:
        return cls(store=Store.from_properties(row["store"]), visits=row["visits"],
                   spend=Money.from_minor(row["spend_minor"], row["currency"]), last_visit=row["last_visit"])


@strawberry.type(description="Purchases in one currency: how many, how much, first and last.")
class PurchaseSummary:
    count: int
    total_spend: Money
    first_purchase: dt.datetime
    last_purchase: dt.datetime


@strawberry.type(description="A page of a customer's events, newest first.")
class EventConnection(Generic[Item]):
    edges: list[Edge[Item]]
    page_info: PageInfo
    kind: strawberry.Private[str]
    request: strawberry.Private[PageRequest]

    @strawberry.field(description="How many items the whole list holds (a count query: ask only when shown).")
    async def total_count(self, info: Info) -> int:
        rows = await info.context.dataloaders.counts.load((self.kind, self.counted()))
        return sum(row["count"] for row in rows)

    def counted(self) -> PageRequest:
        """The request as its count query reads it: the list, not the page, so every page shares one count."""
        return PageRequest(self.request.customer_id, 0, since=self.request.since)

    @classmethod
    def build(cls, kind: str, request: PageRequest, page: Window, rows: list[Row], node: Any) -> Self:
        # the position is the time and what breaks ties: the key, or what a page query returns instead of a key
        # that holds a personal value (``tiebreak``)
        items, more = cut(rows, page)
        edges = [Edge(cursor=encode_cursor(kind, row["position"].isoformat(),
                                           row.get("tiebreak") or row["node"]["key"]), node=node(row))
                 for row in items]
        return cls(edges=edges, page_info=page.page_info([edge.cursor for edge in edges], more), kind=kind,
                   request=request)


@strawberry.type(description="A page of purchases, newest first, with their summary.")
class TransactionConnection(EventConnection[Transaction]):
    @strawberry.field(description="Count, total spend, first and last purchase per currency (over the whole "
                                  "list, not the page; `since` applies).")
    async def summary(self, info: Info) -> list[PurchaseSummary]:
        rows = await info.context.dataloaders.counts.load((self.kind, self.counted()))
        return [PurchaseSummary(count=row["count"], total_spend=Money.from_minor(row["spend_minor"], row["currency"]),
                                first_purchase=row["first_at"], last_purchase=row["last_at"]) for row in rows]


@strawberry.type(description="A page of support tickets, newest first.")
class TicketConnection(EventConnection[Ticket]):
    pass


@strawberry.type(description="A page of web sessions, newest first.")
class WebSessionConnection(EventConnection[WebSession]):
    pass
