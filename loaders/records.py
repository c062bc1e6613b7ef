"""Validated shapes of what sources hold: one pydantic model per source kind, built from shared field types.

The field types read the source's declared formats (date, timestamp, decimal separator, phone region) from
the validation context, so the same model serves every source and the API's mutations.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, model_validator

from loaders import normalise
from loaders.consent_terms import contact_channel, purpose_and_channel


def _context(info: ValidationInfo) -> dict[str, Any]:
    return info.context or {}


def _birth_date(value: Any, info: ValidationInfo) -> date:
    return normalise.calendar_date(value, _context(info).get("date_format"))


def _timestamp(value: Any, info: ValidationInfo) -> datetime:
    context = _context(info)
    return normalise.timestamp(value, context.get("timestamp_format"), context.get("timezone"))


def _phone(value: Any, info: ValidationInfo) -> str:
    """A national number is read in the record's own country when it has one, else the source's region."""
    return normalise.phone(str(value), info.data.get("country") or _context(info).get("region"))


def _postcode(value: Any, info: ValidationInfo) -> str:
    return normalise.postcode(str(value), info.data.get("country"))


def _money(value: Any, info: ValidationInfo) -> Decimal:
    return normalise.money(value, _context(info).get("decimal_separator", "."))


def _lines(value: Any) -> str:
    """Order lines are kept as a JSON array string: analysts can parse it, nothing is lost."""
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except RecursionError:
        raise ValueError("order lines nested too deeply") from None
    if not isinstance(parsed, list) or not all(isinstance(line, dict) for line in parsed):
        raise ValueError("order lines must be a JSON array of objects")
    if normalise.lone_surrogate(parsed):
        raise ValueError(f"order lines: {normalise.LONE_SURROGATE}")
    try:
        return json.dumps(parsed, ensure_ascii=False, sort_keys=True)
    except RecursionError:
        raise ValueError("order lines nested too deeply") from None


Name = Annotated[str, BeforeValidator(normalise.person_name)]
Text = Annotated[str, BeforeValidator(normalise.text), Field(min_length=1, max_length=500)]
ShortText = Annotated[str, BeforeValidator(normalise.text), Field(min_length=1, max_length=40)]
Keyword = Annotated[str, BeforeValidator(normalise.keyword)]
Code = Annotated[str, BeforeValidator(normalise.code)]
Email = Annotated[str, BeforeValidator(normalise.email)]
Phone = Annotated[str, BeforeValidator(_phone)]
Country = Annotated[str, BeforeValidator(normalise.country)]
Postcode = Annotated[str, BeforeValidator(_postcode)]
BirthDate = Annotated[date, BeforeValidator(_birth_date)]
Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
Money = Annotated[Decimal, BeforeValidator(_money), Field(ge=0)]
Currency = Annotated[str, BeforeValidator(normalise.currency)]
Latitude = Annotated[float, BeforeValidator(lambda v: normalise.coordinate(v, -90, 90))]
Longitude = Annotated[float, BeforeValidator(lambda v: normalise.coordinate(v, -180, 180))]
Flag = Annotated[bool, BeforeValidator(normalise.flag)]
Lines = Annotated[str, BeforeValidator(_lines)]

IDENTIFIER_FIELDS = ("email", "phone", "customer_number", "loyalty_card", "national_id", "cookie", "device")


class SourceModel(BaseModel):
    """A record as one source holds it. Field order matters: country is validated before phone/postcode."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: fields whose failure rejects the whole record (others are dropped and kept in the reject file)
    required_fields: ClassVar[tuple[str, ...]] = ("source_id",)

    source_id: Annotated[str, BeforeValidator(normalise.text), Field(min_length=1, max_length=200)]

    def identifiers(self) -> list[tuple[str, str]]:
        """The (type, value) pairs this record carries: how it reaches people in the graph."""
        return [(kind, value) for kind in IDENTIFIER_FIELDS if (value := getattr(self, kind, None))]


class CustomerRecord(SourceModel):
    first_name: Name | None = None
    last_name: Name | None = None
    birth_date: BirthDate | None = None
    country: Country | None = None
    email: Email | None = None
    phone: Phone | None = None
    street: Text | None = None
    house_number: Annotated[str, BeforeValidator(normalise.text), Field(max_length=20)] | None = None
    address_line2: Text | None = None
    postcode: Postcode | None = None
    city: Text | None = None
    region: Text | None = None
    national_id: Code | None = None
    customer_number: Code | None = None
    loyalty_card: Code | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class StoreRecord(SourceModel):
    #: a store id is a code, as transactions quote it (``s 009`` is ``S009``): two rows naming one store are
    #: duplicates, not two stores of which one silently overwrites the other
    source_id: Code
    name: Text | None = None
    country: Country | None = None
    street: Text | None = None
    house_number: Annotated[str, BeforeValidator(normalise.text), Field(max_length=20)] | None = None
    postcode: Postcode | None = None
    city: Text | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None

    def identifiers(self) -> list[tuple[str, str]]:
        return []


class TransactionRecord(SourceModel):
    required_fields: ClassVar[tuple[str, ...]] = ("source_id", "at", "amount", "currency")

    at: Timestamp
    amount: Money
    currency: Currency
    store: Code | None = None
    channel: Keyword | None = None
    email: Email | None = None
    phone: Phone | None = None
    customer_number: Code | None = None
    loyalty_card: Code | None = None
    device: ShortText | None = None
    cookie: ShortText | None = None
    lines: Lines | None = None


class WebEventRecord(SourceModel):
    required_fields: ClassVar[tuple[str, ...]] = ("source_id", "at", "cookie")

    at: Timestamp
    cookie: Annotated[str, BeforeValidator(normalise.text), Field(min_length=1, max_length=100)]
    device: Annotated[str, BeforeValidator(normalise.text), Field(min_length=1, max_length=100)] | None = None
    user_agent: Annotated[str, BeforeValidator(normalise.text), Field(max_length=1000)] | None = None
    page: Annotated[str, BeforeValidator(normalise.text), Field(max_length=2000)] | None = None
    email: Email | None = None
    customer_number: Code | None = None


class TicketRecord(SourceModel):
    required_fields: ClassVar[tuple[str, ...]] = ("source_id", "opened_at")

    opened_at: Timestamp
    closed_at: Timestamp | None = None
    channel: Keyword | None = None
    status: Keyword | None = None
    subject: Annotated[str, BeforeValidator(normalise.text), Field(max_length=2000)] | None = None
    email: Email | None = None
    phone: Phone | None = None
    customer_number: Code | None = None


class ConsentRecord(SourceModel):
    required_fields: ClassVar[tuple[str, ...]] = ("source_id", "at", "purpose", "granted")

    at: Timestamp
    purpose: Keyword
    granted: Flag
    #: the one channel the choice is about (email, sms, post, phone); none: every channel of the purpose
    channel: Annotated[str, BeforeValidator(contact_channel)] | None = None
    #: the proof of the choice: where it was made (web, store, crm, service-desk) and what records it
    captured_via: Keyword | None = None
    proof: Text | None = None
    email: Email | None = None
    phone: Phone | None = None
    customer_number: Code | None = None

    @model_validator(mode="before")
    @classmethod
    def _channel_in_purpose(cls, data: Any) -> Any:
        """Sources often name purpose and channel in one word (``marketing_email``): the ledger keeps them
        apart, so that a refusal by SMS does not withdraw email and a purpose-wide refusal withdraws both."""
        if isinstance(data, dict) and data.get("channel") is None and isinstance(data.get("purpose"), str):
            try:
                purpose, channel = purpose_and_channel(data["purpose"])
            except ValueError:
                return data  # the purpose's own validation says what is wrong
            if channel is not None:
                return {**data, "purpose": purpose, "channel": channel}
        return data

    @model_validator(mode="after")
    def _names_someone(self) -> ConsentRecord:
        """A consent nobody can be found by protects nobody: the record is refused."""
        if not self.identifiers():
            raise ValueError("a consent needs an email, phone or customer number")
        return self
