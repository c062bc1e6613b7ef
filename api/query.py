"""Reading the 360: the customer and what they did, looked up by id, identifier or search."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any, TypeVar

import strawberry
from anyio import to_thread
from strawberry.types import Info

from api.access import EXPLAIN_ROLES, MUTATE_ROLES, Access, Masker
from api.errors import ForbiddenError, UserInputError
from api.events import (
    AuditEntry,
    Consent,
    EventConnection,
    StoreVisits,
    Ticket,
    TicketConnection,
    Transaction,
    TransactionConnection,
    WebSession,
    WebSessionConnection,
    loaders,
)
from api.marketing import (
    FarShopper,
    Home,
    Invitee,
    Nearby,
    Scores,
    Segment,
    SegmentSize,
    Shopper,
    far,
    home_of,
    invitees,
    nearby,
    scores_of,
    segment_of,
    segment_sizes,
    shoppers,
)
from api.pagination import DEFAULT_PAGE, Edge, PageInfo, check_first, decode_cursor, encode_cursor, page_request
from api.repository import CustomerData, CustomerRepository, PageRequest, RecordData
from graph.errors import InputError
from loaders import normalise
from resolution.explain import explain

Page = TypeVar("Page", bound=EventConnection[Any])


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
class SourceRecord(Person):
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
        return cls(identifiers=identifiers, **_fields(cls, masker.properties(data.properties), skip=("identifiers",)))


@strawberry.type(description="Where a golden value came from.")
class ValueSource:
    attribute: str
    record_key: str = strawberry.field(description="The source record whose value won (SOURCE:SOURCE_ID).")


@strawberry.type(description="One step of evidence between two records.")
class LinkHop:
    left: str
    right: str
    evidence: str = strawberry.field(description="The shared identifier (TYPE:VALUE), SIMILAR_TO or SAME_AS.")
    rule: str
    score: float | None = strawberry.field(description="Trust of the identifier type, or fuzzy probability.")


@strawberry.type(description="Why a record is part of this customer, or why it is apart.")
class LinkExplanation:
    record_key: str
    other_record_key: str
    together: bool
    other_customer_id: str | None
    hops: list[LinkHop]
    reasons: list[str] = strawberry.field(description="Why the records are apart (empty when together).")
    fuzzy_score: float | None = strawberry.field(description="The fuzzy model's match probability of the pair.")


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
class Customer(Person):
    id: strawberry.ID
    record_count: int
    records: list[SourceRecord]
    value_sources: list[ValueSource] = strawberry.field(
        description="Per golden attribute, the record it came from: most trusted source, then most recent.")
    profile: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="Where the customer lives now (`c360 locate`).")
    async def home(self, info: Info[Any, Any]) -> Home | None:
        return home_of(await loaders(info).homes.load(str(self.id)), info.context["masker"])

    @strawberry.field(description="The customer's marketing segment (`c360 score`), null before scoring.")
    def segment(self) -> Segment | None:
        return segment_of(self.profile)

    @strawberry.field(description="RFM scores and value (`c360 score`), null before scoring or without purchases.")
    def scores(self) -> Scores | None:
        return scores_of(self.profile)

    @strawberry.field(description="The chain of evidence joining this customer's records to another record "
                                  "(SOURCE:SOURCE_ID), or every reason they are apart.")
    async def explain_link(self, info: Info[Any, Any], other_record_key: str) -> LinkExplanation:
        if info.context["masker"].role not in EXPLAIN_ROLES:
            raise ForbiddenError("explanations quote identifier values: agents and admins only")
        if not self.records:
            raise UserInputError("this customer has no records to explain from")
        anchor = self.records[0].key
        try:
            result = await to_thread.run_sync(explain, info.context["store"], anchor, other_record_key,
                                              info.context["rules"])
        except InputError as error:
            raise UserInputError(f"otherRecordKey: {error}") from None
        hops = [LinkHop(left=h.left, right=h.right, evidence=h.evidence, rule=h.rule, score=h.score)
                for h in result.hops]
        return LinkExplanation(record_key=anchor, other_record_key=other_record_key, together=result.together,
                               other_customer_id=result.customer_b, hops=hops, reasons=result.reasons,
                               fuzzy_score=result.fuzzy_score)

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
    async def devices(self, info: Info[Any, Any]) -> list[str]:
        identities = await loaders(info).identities.load(str(self.id))
        masker: Masker = info.context["masker"]
        return [shown for device in identities.devices if (shown := masker.value("device", device)) is not None]

    @strawberry.field(description="Purchases through any of the customer's identifiers, newest first.")
    async def transactions(self, info: Info[Any, Any], first: int = DEFAULT_PAGE, after: str | None = None,
                           since: dt.datetime | None = None) -> TransactionConnection:
        return await _events(info, "transactions", TransactionConnection, Transaction.from_row,
                             page_request("transactions", str(self.id), first, after, since))

    @strawberry.field(description="Support tickets raised with any of the customer's identifiers, newest first.")
    async def tickets(self, info: Info[Any, Any], first: int = DEFAULT_PAGE, after: str | None = None,
                      since: dt.datetime | None = None) -> TicketConnection:
        return await _events(info, "tickets", TicketConnection, Ticket.from_row,
                             page_request("tickets", str(self.id), first, after, since))

    @strawberry.field(description="Web-shop visits from the customer's cookies, newest first.")
    async def web_sessions(self, info: Info[Any, Any], first: int = DEFAULT_PAGE, after: str | None = None,
                           since: dt.datetime | None = None) -> WebSessionConnection:
        return await _events(info, "web_sessions", WebSessionConnection, WebSession.from_row,
                             page_request("web_sessions", str(self.id), first, after, since))

    @strawberry.field(description="The current consent per purpose (a withdrawal wins over older grants).")
    async def consents(self, info: Info[Any, Any]) -> list[Consent]:
        return [Consent.from_row(row) for row in await loaders(info).consents.load(str(self.id))]

    @strawberry.field(description="The stores the customer bought at, most visited first.")
    async def stores(self, info: Info[Any, Any]) -> list[StoreVisits]:
        return [StoreVisits.from_row(row) for row in await loaders(info).stores.load(str(self.id))]

    @strawberry.field(description="Changes service staff made to this customer, newest first (agents, admins).")
    async def changes(self, info: Info[Any, Any]) -> list[AuditEntry]:
        if info.context["masker"].role not in MUTATE_ROLES:
            raise ForbiddenError("the change history quotes personal data: agents and admins only")
        return [AuditEntry.from_event(event) for event in await loaders(info).changes.load(str(self.id))]

    @classmethod
    def from_data(cls, data: CustomerData, masker: Masker) -> Customer:
        sources = [ValueSource(attribute=a, record_key=k) for a, _, k in
                   (item.partition("=") for item in data.properties.get("value_sources") or [])]
        properties = masker.properties(data.properties)
        return cls(id=strawberry.ID(data.properties["id"]), record_count=len(data.records),
                   records=[SourceRecord.from_data(r, masker) for r in data.records], value_sources=sources,
                   profile=data.properties,
                   **_fields(cls, properties, skip=("id", "record_count", "records", "value_sources", "profile")))


async def _events(info: Info[Any, Any], kind: str, connection: type[Page], node: Any, request: PageRequest) -> Page:
    rows = await loaders(info).pages.load((kind, request))
    return connection.build(kind, request, rows, node)


async def customers(info: Info[Any, Any], ids: list[str]) -> list[Customer]:
    masker: Masker = info.context["masker"]
    found = await loaders(info).customers.load_many(ids)
    return [Customer.from_data(data, masker) for data in found if data]


def _repository(info: Info[Any, Any]) -> CustomerRepository:
    return loaders(info).repository  # type: ignore[no-any-return]


@strawberry.type(description="A page of customers, by id.")
class CustomerConnection:
    edges: list[Edge[Customer]]
    page_info: PageInfo


@strawberry.type
class Query:
    @strawberry.field(description="A customer by profile id.")
    async def customer(self, info: Info[Any, Any], id: strawberry.ID) -> Customer | None:
        found = await customers(info, [str(id)])
        return found[0] if found else None

    @strawberry.field(description="The customers whose records carry this identifier (a household phone "
                                  "may belong to several). The value is normalised as on load.")
    async def customer_by_identifier(self, info: Info[Any, Any], type: IdentifierType,
                                     value: str) -> list[Customer]:
        masker: Masker = info.context["masker"]
        if masker.access(type.value) is Access.HIDDEN:
            raise ForbiddenError(f"type: the {masker.role.value} role may not look customers up by {type.value}")
        try:
            ids = await to_thread.run_sync(_repository(info).customer_ids_by_identifier, type.value, value)
        except ValueError as error:
            raise UserInputError(f"value: {error}") from None
        return await customers(info, ids)

    @strawberry.field(description="The marketing segments with their sizes (after `c360 score`).")
    async def segments(self, info: Info[Any, Any]) -> list[SegmentSize]:
        return await segment_sizes(info)

    @strawberry.field(description="Customers whose current home or usual store lies within `radiusKm` of a "
                                  "point, nearest first.")
    async def customers_near(self, info: Info[Any, Any], latitude: float, longitude: float, radius_km: float,
                             first: int = DEFAULT_PAGE) -> list[Nearby]:
        return await nearby(info, latitude, longitude, radius_km, first)

    @strawberry.field(description="A store's catchment: its shoppers, most visits first, with where they live.")
    async def store_catchment(self, info: Info[Any, Any], store_key: str, first: int = DEFAULT_PAGE) -> list[Shopper]:
        return await shoppers(info, store_key, first)

    @strawberry.field(description="Customers whose usual store is more than `minKm` from home, farthest first.")
    async def far_shoppers(self, info: Info[Any, Any], min_km: float = 50.0,
                           first: int = DEFAULT_PAGE) -> list[FarShopper]:
        return await far(info, min_km, first)

    @strawberry.field(description="Who to invite to an event at `venue` (a store id or 'LAT,LON'): customers "
                                  "living or usually shopping within `radiusKm` whose current consent for "
                                  "`purpose` is a grant, one per customer, nearest first, with the reason.")
    async def invitations(self, info: Info[Any, Any], venue: str, radius_km: float, segment: str | None = None,
                          limit: int = 100, purpose: str = "marketing_email") -> list[Invitee]:
        return await invitees(info, venue, radius_km, segment, limit, purpose)

    @strawberry.field(description="Customers whose last name begins with a word of `name` and whose name holds "
                                  "every word (any case; accents as stored), living in `postcode`, with an email "
                                  "starting with `emailPrefix`; at least one is needed. Ordered by id.")
    async def search_customers(self, info: Info[Any, Any], name: str | None = None, postcode: str | None = None,
                               email_prefix: str | None = None, first: int = DEFAULT_PAGE,
                               after: str | None = None) -> CustomerConnection:
        masker: Masker = info.context["masker"]
        criteria = {"name": name, "postcode": postcode, "email_prefix": email_prefix}
        given = {k: v.strip() for k, v in criteria.items() if v is not None and v.strip()}
        if not given:
            raise UserInputError("name, postcode or emailPrefix: give at least one")
        for criterion, field in (("name", "last_name"), ("email_prefix", "email")):
            if criterion in given and masker.access(field) is not Access.CLEAR:
                raise ForbiddenError(f"{criterion}: the {masker.role.value} role may not search by {field}")
        check_first(first)
        start = decode_cursor("customers", after, 1)[0] if after else None
        ids = await to_thread.run_sync(
            _repository(info).search, normalise.text(given.get("name", "")).lower().split(),
            given.get("postcode"), given.get("email_prefix", "").lower() or None, start, first + 1)
        found = await customers(info, ids[:first])
        edges = [Edge(cursor=encode_cursor("customers", str(c.id)), node=c) for c in found]
        return CustomerConnection(edges=edges, page_info=PageInfo(has_next_page=len(ids) > first,
                                                                  end_cursor=edges[-1].cursor if edges else None))
