"""Source mappings: a TOML file per source saying what its columns mean (DESIGN.md §4)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graph.errors import InputError

FIELDS: dict[str, tuple[str, ...]] = {
    "stores": ("name", "street", "house_number", "postcode", "city", "country", "latitude", "longitude"),
    "customers": ("first_name", "last_name", "birth_date", "email", "phone", "street", "house_number",
                  "address_line2", "postcode", "city", "region", "country", "national_id", "customer_number",
                  "loyalty_card", "latitude", "longitude"),
    "transactions": ("at", "amount", "currency", "store", "channel", "email", "phone", "customer_number",
                     "loyalty_card", "device", "cookie", "lines"),
    "web_events": ("at", "cookie", "device", "user_agent", "page", "email", "customer_number"),
    "tickets": ("opened_at", "closed_at", "channel", "status", "subject", "email", "phone", "customer_number"),
    "consents": ("at", "purpose", "granted", "channel", "captured_via", "proof", "email", "phone",
                 "customer_number"),
}
KINDS = tuple(FIELDS)  # also the load order: reference data first, then people, then what they do
Kind = Literal["stores", "customers", "transactions", "web_events", "tickets", "consents"]
IDENTIFIER_TYPES = ("email", "phone", "loyalty_card", "customer_number", "national_id", "cookie", "device")
_SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class SourceSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Kind
    id: str | None = Field(default=None, min_length=1, description="None: a row's id is its content hash")
    format: Literal["csv", "jsonl", "xlsx"] | None = None
    delimiter: str | None = Field(default=None, min_length=1, max_length=1, description="None: detected")
    quotechar: str = Field(default='"', min_length=1, max_length=1)
    encoding: str | None = Field(default=None, description="None: detected")
    sheet: str | None = Field(default=None, description="XLSX sheet; None: the first")
    default_region: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    date_format: str = "%Y-%m-%d"
    timestamp_format: str | None = Field(default=None, description="None: ISO 8601")
    timezone: str = Field(default="UTC", description="zone of timestamps written without an offset")
    decimal_separator: Literal[".", ","] = "."

    @field_validator("name")
    @classmethod
    def _lineage_name(cls, value: str) -> str:
        if not _SOURCE_NAME.match(value):
            raise ValueError("lower-case letters, digits, '-' or '_', starting with a letter")
        if value in IDENTIFIER_TYPES:
            raise ValueError(f"'{value}' is an identifier type; choose another source name")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (use an IANA name such as Europe/Paris)") from None
        return value


class SourceMapping(BaseModel):
    """What one source file holds and how its columns map to c360's canonical fields."""

    model_config = ConfigDict(extra="forbid")

    source: SourceSection
    columns: dict[str, str] = Field(default_factory=dict)
    path: Path | None = None

    @model_validator(mode="after")
    def _known_fields(self) -> SourceMapping:
        valid = FIELDS[self.source.kind]
        unknown = sorted(set(self.columns) - set(valid))
        if unknown:
            raise ValueError(f"unknown canonical field(s) {', '.join(unknown)} for kind {self.source.kind}; "
                             f"valid fields: {', '.join(valid)}")
        return self

    def context(self) -> dict[str, object]:
        """The declared formats, handed to the record model's validators."""
        s = self.source
        return {"region": s.default_region, "date_format": s.date_format, "timestamp_format": s.timestamp_format,
                "timezone": s.timezone, "decimal_separator": s.decimal_separator}

    def file_format(self, data_file: Path) -> str:
        if self.source.format:
            return self.source.format
        suffix = data_file.suffix.lower().lstrip(".")
        if suffix in ("csv", "tsv", "txt"):
            return "csv"
        if suffix in ("jsonl", "ndjson"):
            return "jsonl"
        if suffix in ("xlsx", "xlsm"):
            return "xlsx"
        raise InputError(f"{data_file}: cannot tell the format from '.{suffix}'; set [source].format")


def read_mapping(path: Path) -> SourceMapping:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"{path}: cannot read mapping: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not a valid TOML mapping: {error}") from None
    try:
        return SourceMapping.model_validate({**raw, "path": path})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise InputError(f"{path}: {where + ': ' if where else ''}{message}") from None


def mapping_for(data_file: Path, explicit: Path | None = None) -> SourceMapping:
    """The mapping named on the command line, else the ``.toml`` beside the file with the same stem."""
    candidate = explicit or data_file.with_suffix(".toml")
    if not candidate.exists():
        raise InputError(f"{data_file}: no mapping found (expected {candidate.name} beside it, or --mapping)")
    return read_mapping(candidate)
