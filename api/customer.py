"""A customer as the API shows it: golden values, records, identifiers, where they live, their segment,
and the lists of what they did, each field masked for the caller's role."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from functools import partial
from typing import Any, TypeVar

import strawberry
from anyio import to_thread

from api.access import Masker, Redact
from api.context import Info
from api.errors import UserInputError
from api.events import (
    AuditEntry,
    Consent,
    EventConnection,
    Money,
    Restriction,
    StoreVisits,
    Ticket,
    TicketConnection,
    Transaction,
    TransactionConnection,
    WebSession,
    WebSessionConnection,
)
from api.node import Node
from api.pagination import Window, page_request, window
from api.permissions import MayExplain, MaySeeHistory
from customers import consents as consent_ledger
from customers.repository import CustomerData, RecordData
from customers.segments import DESCRIPTIONS
from graph.errors import InputError
from resolution.explain import Waterfall, explain

Page = TypeVar("Page", bound=EventConnection[Any])


@strawberry.type(description="Where the customer lives now. `precision`: exact (a source gave coordinates), "
                             "city (placed at its town, offline) or unknown (no point).")
class Home:
    street: str | None
    house_number: str | None
    postcode: str | None
    city: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    precision: str
    since: dt.datetime | None


@strawberry.type(description="A marketing segment (`c360 score`, docs/marketing.md).")
class Segment(Node):
    name: str
    description: str


@strawberry.type(description="RFM scores (1-5, 5 best) and value, as of the newest purchase in the graph.")
class Scores:
    rfm: str
    recency: int
    frequency: int
    monetary: int
    recency_days: float
    purchases: int
    lifetime_value: Money = strawberry.field(description="Everything the customer spent (main currency).")
    predicted_value: Money = strawberry.field(description="Expected spend over the next 12 months.")


def home_of(properties: dict[str, Any] | None, masker: Masker) -> Home | None:
    if properties is None:
        return None
    shown = masker.properties(properties)
    point = masker.point(properties)  # as the map and GeoJSON show it
    return Home(street=shown.get("street"), house_number=shown.get("house_number"), postcode=shown.get("postcode"),
                city=shown.get("city"), country=shown.get("country"),
                latitude=point[0] if point else None, longitude=point[1] if point else None,
                precision=masker.precision(properties), since=properties.get("since"))


def segment_of(properties: dict[str, Any]) -> Segment | None:
    name = properties.get("segment")
    return Segment(handle=name, name=name, description=DESCRIPTIONS.get(name, "")) if name else None


def scores_of(properties: dict[str, Any]) -> Scores | None:
    if not properties.get("rfm"):
        return None
    currency = properties.get("currency") or "EUR"
    rfm = properties["rfm"]
    return Scores(rfm=rfm, recency=int(rfm[0]), frequency=int(rfm[1]), monetary=int(rfm[2]),
                  recency_days=properties["recency_days"],
                  purchases=properties["purchases"],
                  lifetime_value=Money.from_minor(properties["ltv_minor"], currency),
                  predicted_value=Money.from_minor(properties["predicted_value_minor"], currency))


@strawberry.enum(description="The kinds of identifier a customer can be found by.")
class IdentifierType(Enum):
    EMAIL = "email"
    PHONE = "phone"
    CUSTOMER_NUMBER = "customer_number"
    LOYALTY_CARD = "loyalty_card"
    NATIONAL_ID = "national_id"
    COOKIE = "cookie"
    DEVICE = "device"


@strawberry.type(description="A value that identifies a person in some source: an email, a phone, a card.")
class Identifier:
    type: str
    value: str


@strawberry.interface(description="What is known of a person: a resolved customer or one source's record.")
class Person:
    first_name: str | None
    last_name: str | None
    birth_date: dt.date | None
    email: str | None
    phone: str | None
    street: str | None
    house_number: str | None
    postcode: str | None
    city: str | None
    country: str | None
    customer_number: str | None


def _fields(cls: type, properties: dict[str, Any], skip: tuple[str, ...]) -> dict[str, Any]:
    """The plain fields of a GraphQL type filled from node properties (absent ones are null)."""
    names = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in skip]
    return {name: properties.get(name) for name in names}


@strawberry.type(description="One source's view of the customer (a CRM contact, a web-shop account...).")
class SourceRecord(Person, Node):
    key: str = strawberry.field(description="SOURCE:SOURCE_ID, the address of this record everywhere.")
    source: str
    source_id: str
    loyalty_card: str | None
    loaded_at: dt.datetime | None
    load_run: str | None
    identifiers: list[Identifier]

    @classmethod
    def from_data(cls, data: RecordData, masker: Masker) -> SourceRecord:
        # an identifier follows the rule of the field of its type; a hidden one is left out
        identifiers = [Identifier(type=i["type"], value=value) for i in data.identifiers
                       if (value := masker.value(i["type"], i["value"])) is not None]
        properties = masker.properties(data.properties) | {"key": masker.record_key(data.properties["key"])}
        return cls(handle=data.properties["key"], identifiers=identifiers,
                   **_fields(cls, properties, skip=("handle", "identifiers")))


@strawberry.type(description="Where a golden value came from.")
class ValueSource:
    attribute: str
    record_key: str = strawberry.field(description="The source record whose value won (SOURCE:SOURCE_ID).")


@strawberry.type(description="One comparison's part in a probabilistic match: its level and match weight.")
class MatchWeight:
    comparison: str = strawberry.field(description="name, birth_date, contact, national_id or customer_number.")
    level: str = strawberry.field(description="The comparison level the pair fell in, e.g. 'same email'.")
    weight: float = strawberry.field(description="log2 of the level's Bayes factor, frequency adjustment included: "
                                                 "positive for, negative against.")
    frequency_adjustment: float = strawberry.field(description="The part of the weight due to how common the "
                                                               "value is (term frequency).")


@strawberry.type(description="How a probabilistic match adds up: the prior plus every comparison's weight is "
                             "the match weight, and 1 / (1 + 2^-matchWeight) its probability (the waterfall).")
class MatchWaterfall:
    prior_weight: float = strawberry.field(description="log2 of the prior odds that two records match.")
    weights: list[MatchWeight]
    match_weight: float
    probability: float

    @classmethod
    def from_waterfall(cls, waterfall: Waterfall) -> MatchWaterfall:
        return cls(prior_weight=waterfall.prior, match_weight=round(waterfall.match_weight, 4),
                   probability=waterfall.probability,
                   weights=[MatchWeight(comparison=w.comparison, level=w.level, weight=w.weight,
                                        frequency_adjustment=w.frequency_adjustment) for w in waterfall.weights])


@strawberry.type(description="One step of evidence between two records.")
class LinkHop:
    left: str
    right: str
    evidence: str = strawberry.field(description="The shared identifier (TYPE:VALUE), SIMILAR_TO or SAME_AS.")
    rule: str
    score: float | None = strawberry.field(description="Trust of the identifier type, or the match probability.")
    waterfall: MatchWaterfall | None = strawberry.field(description="For a probabilistic match (SIMILAR_TO): "
                                                                    "every comparison's weight.")


@strawberry.type(description="Why a record is part of this customer, or why it is apart.")
class LinkExplanation:
    record_key: str
    other_record_key: str
    together: bool
    other_customer_id: str | None
    hops: list[LinkHop]
    reasons: list[str] = strawberry.field(description="Why the records are apart (empty when together).")
    fuzzy_score: float | None = strawberry.field(description="The matching model's probability of the pair now "
                                                             "(without frequency adjustments).")
    pair_waterfall: MatchWaterfall | None = strawberry.field(description="How the model scores the pair now, "
                                                                         "comparison by comparison.")


@strawberry.type(description="A postal address as one or more source records give it.")
class Address:
    street: str | None
    house_number: str | None
    postcode: str | None
    city: str | None
    country: str | None
    record_keys: list[str] = strawberry.field(description="The source records that give this address.")


_ADDRESS = ("street", "house_number", "postcode", "city", "country")


@strawberry.type(description="One person, resolved from all the records that are theirs.")
class Customer(Person, Node):
    id: strawberry.ID = strawberry.field(description="The profile id: `customer(id:)` and `node(id:)` take it.")
    record_count: int
    records: list[SourceRecord]
    value_sources: list[ValueSource] = strawberry.field(
        description="Per golden attribute, the record it came from: most trusted source, then most recent.")
    profile: strawberry.Private[dict[str, Any]]
    #: the customer's own values as (field, value), unmasked: what to look for in free text about them
    values: strawberry.Private[list[tuple[str, Any]]]
    #: the records' keys, unmasked: where explanations start
    record_keys: strawberry.Private[list[str]]

    @strawberry.field(description="Where the customer lives now (`c360 locate`).")
    async def home(self, info: Info) -> Home | None:
        return home_of(await info.context.dataloaders.homes.load(str(self.id)), info.context.masker)

    @strawberry.field(description="The customer's marketing segment (`c360 score`), null before scoring.")
    def segment(self) -> Segment | None:
        return segment_of(self.profile)

    @strawberry.field(description="RFM scores and value (`c360 score`), null before scoring or without purchases.")
    def scores(self) -> Scores | None:
        return scores_of(self.profile)

    @strawberry.field(description="The chain of evidence joining this customer's records to another record "
                                  "(SOURCE:SOURCE_ID), or every reason they are apart.",
                      permission_classes=[MayExplain])
    async def explain_link(self, info: Info, other_record_key: str) -> LinkExplanation:
        if not self.records:
            raise UserInputError("this customer has no records to explain from")
        anchor = self.record_keys[0]
        try:
            result = await to_thread.run_sync(explain, info.context.graph, anchor, other_record_key,
                                              info.context.rules)
        except InputError as error:
            raise UserInputError(f"otherRecordKey: {error}") from None
        masker, redact = info.context.masker, await self.redact(info)
        hops = [LinkHop(left=masker.record_key(h.left), right=masker.record_key(h.right),
                        evidence=masker.identifier_key(h.evidence), rule=h.rule, score=h.score,
                        waterfall=MatchWaterfall.from_waterfall(h.waterfall) if h.waterfall else None)
                for h in result.hops]
        pair = MatchWaterfall.from_waterfall(result.pair) if result.pair else None
        return LinkExplanation(record_key=masker.record_key(anchor),
                               other_record_key=masker.record_key(other_record_key), together=result.together,
                               other_customer_id=result.customer_b, hops=hops,
                               reasons=[redact(reason) for reason in result.reasons],
                               fuzzy_score=result.fuzzy_score, pair_waterfall=pair)

    @strawberry.field(description="Every distinct identifier over the customer's records.")
    def identifiers(self) -> list[Identifier]:
        seen: dict[tuple[str, str], Identifier] = {}
        for record in self.records:
            for identifier in record.identifiers:
                seen.setdefault((identifier.type, identifier.value), identifier)
        return sorted(seen.values(), key=lambda i: (i.type, i.value))

    @strawberry.field(description="Every distinct postal address over the customer's records; the golden one "
                                  "is on the customer itself.")
    def addresses(self) -> list[Address]:
        found: dict[tuple[str | None, ...], list[str]] = {}
        for record in self.records:
            values = tuple(getattr(record, name) for name in _ADDRESS)
            if any(values):
                found.setdefault(values, []).append(record.key)
        return [Address(**dict(zip(_ADDRESS, values, strict=True)), record_keys=keys) for values, keys in found.items()]

    @strawberry.field(description="Devices seen with the customer's logged-in web sessions' cookies.")
    async def devices(self, info: Info) -> list[str]:
        identities = await info.context.dataloaders.identities.load(str(self.id))
        masker = info.context.masker
        return [shown for device in identities.devices if (shown := masker.value("device", device)) is not None]

    @strawberry.field(description="Purchases through any of the customer's identifiers, newest first.")
    async def transactions(self, info: Info, first: int | None = None, after: str | None = None,
                           last: int | None = None, before: str | None = None,
                           since: dt.datetime | None = None) -> TransactionConnection:
        return await _events(info, "transactions", TransactionConnection, Transaction.from_row, str(self.id),
                             window(first, last, after, before), since)

    @strawberry.field(description="Support tickets raised with any of the customer's identifiers, newest first.")
    async def tickets(self, info: Info, first: int | None = None, after: str | None = None,
                      last: int | None = None, before: str | None = None,
                      since: dt.datetime | None = None) -> TicketConnection:
        ticket = partial(Ticket.from_row, redact=await self.redact(info))
        return await _events(info, "tickets", TicketConnection, ticket, str(self.id),
                             window(first, last, after, before), since)

    @strawberry.field(description="Web-shop visits from the customer's cookies, newest first.")
    async def web_sessions(self, info: Info, first: int | None = None, after: str | None = None,
                           last: int | None = None, before: str | None = None,
                           since: dt.datetime | None = None) -> WebSessionConnection:
        session = partial(WebSession.from_row, masker=info.context.masker, redact=await self.redact(info))
        return await _events(info, "web_sessions", WebSessionConnection, session, str(self.id),
                             window(first, last, after, before), since)

    @strawberry.field(description="The current consent per purpose and channel, derived from the ledger: the "
                                  "newest choice covering a channel decides it (a withdrawal wins over older grants).")
    async def consents(self, info: Info) -> list[Consent]:
        ledger = await info.context.dataloaders.consents.load(str(self.id))
        redact = await self.redact(info)
        return [Consent.from_row(row, redact) for row in consent_ledger.current(ledger)]

    @strawberry.field(description="Every consent choice about the customer's identifiers, oldest first: the "
                                  "ledger the current consents are derived from.")
    async def consent_history(self, info: Info) -> list[Consent]:
        redact = await self.redact(info)
        return [Consent.from_row(row, redact) for row in await info.context.dataloaders.consents.load(str(self.id))]

    @strawberry.field(description="The purposes the customer restricted or objected to, in force now: those "
                                  "processings skip them (docs/privacy.md#restriction-and-objection).")
    async def restrictions(self, info: Info) -> list[Restriction]:
        return [Restriction.from_row(row) for row in await info.context.dataloaders.restrictions.load(str(self.id))]

    @strawberry.field(description="The stores the customer bought at, most visited first.")
    async def stores(self, info: Info) -> list[StoreVisits]:
        return [StoreVisits.from_row(row) for row in await info.context.dataloaders.stores.load(str(self.id))]

    @strawberry.field(description="Changes service staff made to this customer, newest first (agents, admins).",
                      permission_classes=[MaySeeHistory])
    async def changes(self, info: Info) -> list[AuditEntry]:
        masker, redact = info.context.masker, await self.redact(info)
        return [AuditEntry.from_event(event, masker, redact)
                for event in await info.context.dataloaders.changes.load(str(self.id))]

    async def redact(self, info: Info) -> Redact:
        """Free text about this customer as the caller may see it: their own values (cookies and devices
        included) and values of every hidden kind replaced."""
        masker = info.context.masker
        identities = await info.context.dataloaders.identities.load(str(self.id))
        known = masker.known([*self.values, *(("cookie", c) for c in identities.cookies),
                              *(("device", d) for d in identities.devices)])
        return masker.texts(known, self.profile.get("country"))

    @classmethod
    def from_data(cls, data: CustomerData, masker: Masker) -> Customer:
        sources = [ValueSource(attribute=a, record_key=masker.record_key(k)) for a, _, k in
                   (item.partition("=") for item in data.properties.get("value_sources") or [])]
        properties = masker.properties(data.properties)
        values = [*data.properties.items(), *(item for r in data.records for item in r.properties.items()),
                  *((i["type"], i["value"]) for r in data.records for i in r.identifiers)]
        return cls(handle=data.properties["id"], id=strawberry.ID(data.properties["id"]),
                   record_count=len(data.records),
                   records=[SourceRecord.from_data(r, masker) for r in data.records], value_sources=sources,
                   profile=data.properties, values=values, record_keys=[r.properties["key"] for r in data.records],
                   **_fields(cls, properties, skip=("handle", "id", "record_count", "records", "value_sources",
                                                    "profile", "values", "record_keys")))


async def _events(info: Info, kind: str, connection: type[Page], node: Any, customer_id: str, page: Window,
                  since: dt.datetime | None) -> Page:
    request = page_request(kind, customer_id, page, since)
    rows = await info.context.dataloaders.pages.load((kind, request))
    return connection.build(kind, request, page, rows, node)


async def customers(info: Info, ids: list[str]) -> list[Customer]:
    """Customers by id, masked for the caller, through the request's loader (one query for all); unknown ids
    are left out."""
    masker = info.context.masker
    found = await info.context.dataloaders.customers.load_many(ids)
    return [Customer.from_data(data, masker) for data in found if data]
