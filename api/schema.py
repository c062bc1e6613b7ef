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

from api.repository import CustomerData, CustomerRepository, RecordData


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
    def from_data(cls, data: RecordData) -> SourceRecord:
        identifiers = [Identifier(type=i["type"], value=i["value"]) for i in data.identifiers]
        return cls(identifiers=identifiers, **_fields(cls, data.properties, skip=("identifiers",)))


@strawberry.type(description="One person, resolved from all the records that are theirs.")
class Customer(Person):
    id: strawberry.ID
    record_count: int
    records: list[SourceRecord]

    @strawberry.field(description="Every distinct identifier over the customer's records.")
    def identifiers(self) -> list[Identifier]:
        seen: dict[tuple[str, str], Identifier] = {}
        for record in self.records:
            for identifier in record.identifiers:
                seen.setdefault((identifier.type, identifier.value), identifier)
        return sorted(seen.values(), key=lambda i: (i.type, i.value))

    @classmethod
    def from_data(cls, data: CustomerData) -> Customer:
        return cls(id=strawberry.ID(data.properties["id"]), record_count=len(data.records),
                   records=[SourceRecord.from_data(r) for r in data.records],
                   **_fields(cls, data.properties, skip=("id", "record_count", "records")))


def _repository(info: Info[Any, Any]) -> CustomerRepository:
    return CustomerRepository(info.context["store"])


@strawberry.type
class Query:
    @strawberry.field(description="A customer by profile id.")
    async def customer(self, info: Info[Any, Any], id: strawberry.ID) -> Customer | None:
        data = await to_thread.run_sync(_repository(info).customer, str(id))
        return Customer.from_data(data) if data else None

    @strawberry.field(description="The customers whose records carry this identifier (a household phone "
                                  "may belong to several). The value is normalised as on load.")
    async def customer_by_identifier(self, info: Info[Any, Any], type: IdentifierType,
                                     value: str) -> list[Customer]:
        repository = _repository(info)
        try:
            ids = await to_thread.run_sync(repository.customer_ids_by_identifier, type.value, value)
        except ValueError as error:
            raise UserInputError(f"value: {error}") from None
        found = [await to_thread.run_sync(repository.customer, i) for i in ids]
        return [Customer.from_data(data) for data in found if data]


class UserInputError(GraphQLError):
    """An error in what the client sent: its message is shown; every other error is masked."""


def _mask(error: GraphQLError) -> bool:
    """Hide unexpected failures (they may hold internals); the client's own mistakes stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


schema = strawberry.Schema(query=Query, extensions=[lambda: MaskErrors(should_mask_error=_mask)])
