"""Validate raw rows of any source kind, and build the lineage every written node carries.

A row whose id or another required field is bad is rejected whole; a bad optional value (an email that is
not one) is dropped from the record and kept in the reject file, so the record is not lost.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from loaders import normalise
from loaders.mapping import SourceMapping
from loaders.readers import RawRow
from loaders.records import SourceModel
from loaders.rejects import RejectLog

_ATTRIBUTE_NAME = re.compile(r"[^a-z0-9_]+")
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Accepted:
    """A validated record, the line it came from, and the source's columns c360 has no field for."""

    line: int
    record: SourceModel
    attributes: dict[str, Any]


def validate(rows: Iterator[RawRow], mapping: SourceMapping, model: type[SourceModel], file: Path,
             rejects: RejectLog, unit: str = "line") -> Iterator[Accepted]:
    """Accepted records in file order; every refusal goes to ``rejects`` with its line and reason.

    ``unit`` is what a row's number counts in the reasons: a file's ``line``, or the ``row`` of a list handed
    over in memory (``loaders.batch``), which goes through this same function.
    """
    context = mapping.context()
    id_column = mapping.source.id
    mapped = {id_column, *mapping.columns.values()}
    first_seen: dict[str, int] = {}
    for row in rows:
        if row.error:
            rejects.reject_record(file, row.line, row.error)
            continue
        values = {"source_id": _blank_to_none(row.values.get(id_column)) if id_column else _row_hash(row.values)}
        values |= {canonical: _blank_to_none(row.values.get(column))
                   for canonical, column in mapping.columns.items()}
        record = _validated(model, values, context, file, row.line, rejects)
        if record is None:
            continue
        if record.source_id in first_seen:
            what = "source id" if id_column else "row (identical to an earlier one)"
            rejects.reject_record(file, row.line, f"duplicate {what}; first seen at {unit} "
                                  f"{first_seen[record.source_id]}", "source_id", record.source_id)
            continue
        first_seen[record.source_id] = row.line
        yield Accepted(row.line, record, _attributes(row, mapped, file, rejects))


def _attributes(row: RawRow, mapped: set[str | None], file: Path, rejects: RejectLog) -> dict[str, Any]:
    """The row's unmapped, non-blank columns as properties; a value no property can hold is dropped."""
    attributes = {}
    for column, value in row.values.items():
        if column in mapped or _blank_to_none(value) is None:
            continue
        try:
            attributes[_attribute_name(column)] = _scalar(value)
        except ValueError as error:
            rejects.drop_value(file, row.line, _attribute_name(column), value, str(error))
    return attributes


def _validated(model: type[SourceModel], values: dict[str, Any], context: dict[str, Any], file: Path,
               line: int, rejects: RejectLog) -> SourceModel | None:
    """Drop bad optional values until the record validates, or reject it on a required field.

    Dropping a value can break a rule on the whole record (a consent left without any identifier), so
    validation runs again after each drop.
    """
    present = {k: v for k, v in values.items() if v is not None}
    while True:
        try:
            return model.model_validate(present, context=context)
        except ValidationError as error:
            bad = {str(e["loc"][0]) if e["loc"] else "record": e["msg"].removeprefix("Value error, ")
                   for e in error.errors()}
        fatal = [field for field in (*model.required_fields, "record") if field in bad]
        if fatal:
            field = fatal[0]
            reason = "required" if bad[field] == "Field required" else bad[field]
            rejects.reject_record(file, line, f"{field}: {reason}", None if field == "record" else field,
                                  values.get(field))
            return None
        for field, reason in bad.items():
            rejects.drop_value(file, line, field, present.pop(field, None), reason)


def node_row(accepted: Accepted, mapping: SourceMapping, key: str,
             linked: tuple[str, ...] = ()) -> dict[str, Any]:
    """The parameters shared by every kind's load query: key, content hash, properties, identifiers.

    The hash covers content only (not the line or the load), so an unchanged record is skipped on re-load.
    ``linked`` fields become relationships and are not repeated as properties: every property costs the
    embedded store write time.
    """
    content = {k: _bolt(v) for k, v in accepted.record.model_dump(exclude_none=True).items()}
    content |= accepted.attributes
    digest = hashlib.blake2b(json.dumps(content, sort_keys=True, default=str).encode(), digest_size=12).hexdigest()
    props = {k: v for k, v in content.items() if k not in linked}
    props |= {"key": key, "source": mapping.source.name, "hash": digest, "line": accepted.line}
    identifiers = [{"key": f"{kind}:{value}", "type": kind, "value": value}
                   for kind, value in accepted.record.identifiers()]
    return {"key": key, "hash": digest, "props": props, "identifiers": identifiers,
            "identifier_keys": [i["key"] for i in identifiers]}


def _bolt(value: Any) -> Any:
    """Bolt has no decimal type: an amount travels as a float (the kind adds exact minor units)."""
    return float(value) if isinstance(value, Decimal) else value


def _row_hash(values: dict[str, Any]) -> str:
    return hashlib.sha1(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:20]


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _attribute_name(column: str) -> str:
    """Unknown columns are kept as ``attr_<column>`` properties, named safely for any Cypher client."""
    return "attr_" + _ATTRIBUTE_NAME.sub("_", column.strip().lower()).strip("_")


def _scalar(value: Any) -> Any:
    """A property value: what JSON gives is checked against what the store holds (64-bit integers, finite
    floats, text without lone surrogates); lists and objects are kept as their JSON text."""
    if isinstance(value, bool | date | datetime):
        return value
    if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
        raise ValueError("an integer beyond 64 bits")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("not a finite number")
    if normalise.lone_surrogate(value):
        raise ValueError(normalise.LONE_SURROGATE)
    if isinstance(value, str | int | float):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:
        raise ValueError("nested too deeply") from None
