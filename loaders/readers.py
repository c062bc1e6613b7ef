"""Read a source file into raw rows, keeping the line each came from and never stopping at a bad one."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.errors import InputError
from loaders.mapping import SourceMapping

csv.field_size_limit(64 * 1024 * 1024)  # a 10 MB notes field is data, not an attack on the reader


@dataclass
class RawRow:
    """A row as read: its 1-based line, its values by column, or why it could not be read."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def read_rows(path: Path, mapping: SourceMapping) -> Iterator[RawRow]:
    """Rows of a CSV or JSONL file; structural problems come back as rows with an ``error``."""
    try:
        if path.stat().st_size == 0:
            raise InputError(f"{path}: the file is empty")
        codecs.lookup(mapping.source.encoding)
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    except LookupError:
        raise InputError(f"{path}: unknown encoding '{mapping.source.encoding}' in the mapping") from None
    fmt = mapping.file_format(path)
    return _read_csv(path, mapping) if fmt == "csv" else _read_jsonl(path, mapping)


def required_columns(mapping: SourceMapping) -> list[str]:
    return [mapping.source.id, *mapping.columns.values()]


def _decoded_lines(path: Path, encoding: str, bad_lines: set[int]) -> Iterator[str]:
    """Lines decoded one by one: a line in the wrong encoding is noted and read with replacements."""
    with open(path, "rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                yield line.decode(encoding)
            except UnicodeDecodeError:
                bad_lines.add(number)
                yield line.decode(encoding, errors="replace")


def _read_csv(path: Path, mapping: SourceMapping) -> Iterator[RawRow]:
    bad_lines: set[int] = set()
    lines = _decoded_lines(path, mapping.source.encoding, bad_lines)
    reader = csv.reader(lines, delimiter=mapping.source.delimiter, quotechar=mapping.source.quotechar,
                        strict=True)
    try:
        header = [column.strip().lstrip("\ufeff") for column in next(reader)]
    except StopIteration:
        raise InputError(f"{path}: the file is empty") from None
    except csv.Error as error:
        raise InputError(f"{path}: line 1: unreadable header: {error}") from None
    missing = [c for c in required_columns(mapping) if c not in header]
    if missing:
        raise InputError(f"{path}: column(s) {', '.join(missing)} named in the mapping are not in the header "
                         f"(header: {', '.join(header)})")
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RawRow(start, error=f"malformed CSV: {error}")
            start = reader.line_num + 1
            continue
        row = RawRow(start)
        if any(start <= bad <= reader.line_num for bad in bad_lines):
            row.error = f"not valid {mapping.source.encoding} text"
        elif len(cells) != len(header):
            row.error = f"{len(cells)} fields where the header has {len(header)}"
        elif not any(cell.strip() for cell in cells):
            start = reader.line_num + 1
            continue  # a blank line holds no record
        row.values = dict(zip(header, cells, strict=False))
        start = reader.line_num + 1
        yield row


def _read_jsonl(path: Path, mapping: SourceMapping) -> Iterator[RawRow]:
    bad_lines: set[int] = set()
    for number, line in enumerate(_decoded_lines(path, mapping.source.encoding, bad_lines), start=1):
        if not line.strip():
            continue
        if number in bad_lines:
            yield RawRow(number, error=f"not valid {mapping.source.encoding} text")
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield RawRow(number, error=f"not valid JSON: {error.msg} at column {error.colno}")
            continue
        if not isinstance(value, dict):
            yield RawRow(number, error="a JSON line must hold an object")
            continue
        yield RawRow(number, value)
