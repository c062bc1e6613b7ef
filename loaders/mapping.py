"""Source mappings: a TOML file per source saying what its columns mean (DESIGN.md §4)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graph.errors import InputError

CUSTOMER_FIELDS = (
    "first_name", "last_name", "birth_date", "email", "phone", "street", "house_number", "address_line2",
    "postcode", "city", "region", "country", "national_id", "customer_number", "loyalty_card", "latitude",
    "longitude",
)
KINDS = ("customers",)
IDENTIFIER_TYPES = ("email", "phone", "loyalty_card", "customer_number", "national_id", "cookie", "device")
_SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class SourceSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    kind: Literal["customers"]
    id: str = Field(min_length=1)
    format: Literal["csv", "jsonl"] | None = None
    delimiter: str = Field(default=",", min_length=1, max_length=1)
    quotechar: str = Field(default='"', min_length=1, max_length=1)
    encoding: str = "utf-8"
    default_region: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    date_format: str = "%Y-%m-%d"

    @field_validator("name")
    @classmethod
    def _lineage_name(cls, value: str) -> str:
        if not _SOURCE_NAME.match(value):
            raise ValueError("lower-case letters, digits, '-' or '_', starting with a letter")
        if value in IDENTIFIER_TYPES:
            raise ValueError(f"'{value}' is an identifier type; choose another source name")
        return value


class SourceMapping(BaseModel):
    """What one source file holds and how its columns map to c360's canonical fields."""

    model_config = ConfigDict(extra="forbid")

    source: SourceSection
    columns: dict[str, str] = Field(default_factory=dict)
    path: Path | None = None

    @model_validator(mode="after")
    def _known_fields(self) -> SourceMapping:
        unknown = sorted(set(self.columns) - set(CUSTOMER_FIELDS))
        if unknown:
            raise ValueError(f"unknown canonical field(s) {', '.join(unknown)}; "
                             f"valid fields: {', '.join(CUSTOMER_FIELDS)}")
        return self

    def file_format(self, data_file: Path) -> str:
        if self.source.format:
            return self.source.format
        suffix = data_file.suffix.lower().lstrip(".")
        if suffix in ("csv", "tsv", "txt"):
            return "csv"
        if suffix in ("jsonl", "ndjson"):
            return "jsonl"
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
        raise InputError(f"{path}: {where}: {first['msg']}") from None


def mapping_for(data_file: Path, explicit: Path | None = None) -> SourceMapping:
    """The mapping named on the command line, else the ``.toml`` beside the file with the same stem."""
    candidate = explicit or data_file.with_suffix(".toml")
    if not candidate.exists():
        raise InputError(f"{data_file}: no mapping found (expected {candidate.name} beside it, or --mapping)")
    return read_mapping(candidate)
