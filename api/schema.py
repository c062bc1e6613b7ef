"""GraphQL types of the 360: plain annotated classes, resolvers delegate to the repository."""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any

import strawberry
from anyio import to_thread
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.types import Info

from api.access import EXPLAIN_ROLES, Access, Masker
from api.repository import CustomerData, CustomerRepository, RecordData
from graph.errors import InputError
from resolution.explain import explain


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


@strawberry.type(description="One person, resolved from all the records that are theirs.")
class Customer(Person):
    id: strawberry.ID
    record_count: int
    records: list[SourceRecord]
    value_sources: list[ValueSource] = strawberry.field(
        description="Per golden attribute, the record it came from: most trusted source, then most recent.")

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

    @classmethod
    def from_data(cls, data: CustomerData, masker: Masker) -> Customer:
        sources = [ValueSource(attribute=a, record_key=k) for a, _, k in
                   (item.partition("=") for item in data.properties.get("value_sources") or [])]
        properties = masker.properties(data.properties)
        return cls(id=strawberry.ID(data.properties["id"]), record_count=len(data.records),
                   records=[SourceRecord.from_data(r, masker) for r in data.records], value_sources=sources,
                   **_fields(cls, properties, skip=("id", "record_count", "records", "value_sources")))


def _repository(info: Info[Any, Any]) -> CustomerRepository:
    return CustomerRepository(info.context["store"])


@strawberry.type
class Query:
    @strawberry.field(description="A customer by profile id.")
    async def customer(self, info: Info[Any, Any], id: strawberry.ID) -> Customer | None:
        data = await to_thread.run_sync(_repository(info).customer, str(id))
        return Customer.from_data(data, info.context["masker"]) if data else None

    @strawberry.field(description="The customers whose records carry this identifier (a household phone "
                                  "may belong to several). The value is normalised as on load.")
    async def customer_by_identifier(self, info: Info[Any, Any], type: IdentifierType,
                                     value: str) -> list[Customer]:
        masker: Masker = info.context["masker"]
        if masker.access(type.value) is Access.HIDDEN:
            raise ForbiddenError(f"type: the {masker.role.value} role may not look customers up by {type.value}")
        repository = _repository(info)
        try:
            ids = await to_thread.run_sync(repository.customer_ids_by_identifier, type.value, value)
        except ValueError as error:
            raise UserInputError(f"value: {error}") from None
        found = [await to_thread.run_sync(repository.customer, i) for i in ids]
        return [Customer.from_data(data, masker) for data in found if data]


class UserInputError(GraphQLError):
    """An error in what the client sent: its message is shown; every other error is masked."""


class ForbiddenError(GraphQLError):
    """The caller's role may not do this: code FORBIDDEN, the message says what is refused."""

    def __init__(self, message: str) -> None:
        super().__init__(message, extensions={"code": "FORBIDDEN"})


def _mask(error: GraphQLError) -> bool:
    """Hide unexpected failures (they may hold internals); the client's own mistakes stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


schema = strawberry.Schema(query=Query, extensions=[lambda: MaskErrors(should_mask_error=_mask)])
