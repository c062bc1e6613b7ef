"""Customer records (CRM contacts, web-shop accounts, loyalty members): read → validate → transform → load.

A row whose id is missing or duplicated is rejected whole; a bad value in an otherwise good row (an email
that is not one) is dropped from the record and kept in the reject file, so the customer is not lost.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from graph.store import Store
from loaders.mapping import SourceMapping
from loaders.readers import RawRow
from loaders.records import CustomerRecord
from loaders.rejects import RejectLog

_ATTRIBUTE_NAME = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class Accepted:
    line: int
    record: CustomerRecord
    attributes: dict[str, Any]


def validate(rows: Iterator[RawRow], mapping: SourceMapping, file: Path,
             rejects: RejectLog) -> Iterator[Accepted]:
    """Accepted records in file order; every refusal goes to ``rejects`` with its line and reason."""
    context = {"region": mapping.source.default_region, "date_format": mapping.source.date_format}
    mapped = {mapping.source.id, *mapping.columns.values()}
    first_seen: dict[str, int] = {}
    for row in rows:
        if row.error:
            rejects.reject_record(file, row.line, row.error)
            continue
        values = {"source_id": _blank_to_none(row.values.get(mapping.source.id))}
        values |= {canonical: _blank_to_none(row.values.get(column))
                   for canonical, column in mapping.columns.items()}
        record = _validated(values, context, file, row.line, rejects)
        if record is None:
            continue
        if record.source_id in first_seen:
            rejects.reject_record(file, row.line, f"duplicate source id; first seen at line "
                                  f"{first_seen[record.source_id]}", "source_id", record.source_id)
            continue
        first_seen[record.source_id] = row.line
        attributes = {_attribute_name(k): _scalar(v) for k, v in row.values.items()
                      if k not in mapped and _blank_to_none(v) is not None}
        yield Accepted(row.line, record, attributes)


def _validated(values: dict[str, Any], context: dict[str, Any], file: Path, line: int,
               rejects: RejectLog) -> CustomerRecord | None:
    present = {k: v for k, v in values.items() if v is not None}
    try:
        return CustomerRecord.model_validate(present, context=context)
    except ValidationError as error:
        bad = {str(e["loc"][0]): e["msg"].removeprefix("Value error, ") for e in error.errors()}
    if "source_id" in bad:
        rejects.reject_record(file, line, f"record id: {bad['source_id']}", "source_id",
                              values.get("source_id"))
        return None
    for field, reason in bad.items():
        rejects.drop_value(file, line, field, present.get(field), reason)
    return CustomerRecord.model_validate({k: v for k, v in present.items() if k not in bad}, context=context)


def transform(accepted: Accepted, mapping: SourceMapping) -> dict[str, Any]:
    """The parameters of one record for ``load_customers.cypher``; pure, so it is tested without a store."""
    source = mapping.source.name
    record = accepted.record
    key = f"{source}:{record.source_id}"
    content = record.model_dump(exclude_none=True) | accepted.attributes
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
    identifiers = [{"key": f"{kind}:{value}", "type": kind, "value": value}
                   for kind, value in record.identifiers()]
    props = content | {"key": key, "source": source, "source_id": record.source_id, "kind": "customers",
                       "hash": digest, "line": accepted.line}
    return {"key": key, "hash": digest, "props": props, "identifiers": identifiers,
            "identifier_keys": [i["key"] for i in identifiers]}


def load(store: Store, rows: list[dict[str, Any]], run_id: str, loaded_at: datetime) -> None:
    store.write("load_customers", rows=rows, run_id=run_id, loaded_at=loaded_at)


def _blank_to_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _attribute_name(column: str) -> str:
    """Unknown columns are kept as ``attr_<column>`` properties, named safely for any Cypher client."""
    return "attr_" + _ATTRIBUTE_NAME.sub("_", column.strip().lower()).strip("_")


def _scalar(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | date):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
