"""The validated shape of a customer record, as accepted from any source."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from loaders import normalise

Name = Annotated[str, BeforeValidator(normalise.person_name)]
Text = Annotated[str, BeforeValidator(normalise.text), Field(min_length=1, max_length=500)]
Code = Annotated[str, BeforeValidator(normalise.code)]
Email = Annotated[str, BeforeValidator(normalise.email)]


class CustomerRecord(BaseModel):
    """One person as one source knows them. Field order matters: country is read before phone/postcode.

    Validation context: ``region`` (default phone region) and ``date_format``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_id: Annotated[str, BeforeValidator(normalise.text), Field(min_length=1, max_length=200)]
    first_name: Name | None = None
    last_name: Name | None = None
    birth_date: date | None = None
    country: Annotated[str, BeforeValidator(normalise.country)] | None = None
    email: Email | None = None
    phone: str | None = None
    street: Text | None = None
    house_number: Annotated[str, BeforeValidator(normalise.text), Field(max_length=20)] | None = None
    address_line2: Text | None = None
    postcode: str | None = None
    city: Text | None = None
    region: Text | None = None
    national_id: Code | None = None
    customer_number: Code | None = None
    loyalty_card: Code | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None

    @field_validator("birth_date", mode="before")
    @classmethod
    def _date(cls, value: Any, info: ValidationInfo) -> date | None:
        if value is None:
            return None
        return normalise.calendar_date(value, (info.context or {}).get("date_format"))

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: Any, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        region = info.data.get("country") or (info.context or {}).get("region")
        return normalise.phone(str(value), region)

    @field_validator("postcode", mode="before")
    @classmethod
    def _postcode(cls, value: Any, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return normalise.postcode(str(value), info.data.get("country"))

    def identifiers(self) -> list[tuple[str, str]]:
        """The (type, value) pairs this record carries: the keys identity resolution links on."""
        pairs = [("email", self.email), ("phone", self.phone), ("customer_number", self.customer_number),
                 ("loyalty_card", self.loyalty_card), ("national_id", self.national_id)]
        return [(kind, value) for kind, value in pairs if value]
