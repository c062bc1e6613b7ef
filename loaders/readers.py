"""Read a source file into raw rows, keeping the line each came from and never stopping at a bad one.

CSV (delimiter and encoding declared in the mapping or detected), JSONL and XLSX. Spreadsheet cells are
read as stored: a formula is kept as its text and never evaluated.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from graph.errors import InputError
from loaders.mapping import SourceMapping

csv.field_size_limit(64 * 1024 * 1024)  # a 10 MB notes field is data, not an attack on the reader
SAMPLE_BYTES = 256 * 1024
DELIMITERS = ",;\t|"
# Short samples make any detector hesitate between similar code pages: guess among the Western European
# ones c360's sources use; a mapping declares any other encoding explicitly.
LEGACY_ENCODINGS = ("cp1252", "iso8859_15", "latin_1", "mac_roman", "cp850")
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass
class RawRow:
    """A row as read: its 1-based line (spreadsheet row), its values by column, or why it was unreadable."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def read_rows(path: Path, mapping: SourceMapping) -> Iterator[RawRow]:
    """Rows of a CSV, JSONL or XLSX file; structural problems come back as rows with an ``error``."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            sample = handle.read(SAMPLE_BYTES)
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    fmt = mapping.file_format(path)
    is_zip = sample.startswith(b"PK\x03\x04")
    if fmt == "xlsx":
        if not is_zip:
            raise InputError(f"{path}: not an XLSX workbook (the file is {_describe(sample)})")
        return _read_xlsx(path, mapping)
    utf16 = sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if is_zip or (b"\x00" in sample[:4096] and not utf16):
        raise InputError(f"{path}: not a {fmt.upper()} text file (the file is {_describe(sample)})")
    encoding = mapping.source.encoding or detect_encoding(sample)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"{path}: unknown encoding '{encoding}' in the mapping") from None
    if fmt == "csv":
        delimiter = mapping.source.delimiter or detect_delimiter(path, sample.decode(encoding, errors="replace"))
        return _read_csv(path, mapping, encoding, delimiter)
    return _read_jsonl(path, encoding)


def memory_rows(rows: Sequence[Any], mapping: SourceMapping) -> Iterator[RawRow]:
    """Rows handed over in memory (the API's JSON body), numbered by their index in the list, as JSONL lines.

    A row names its values by the source's own columns, as a file does, or by c360's canonical fields
    (``source_id`` for the id column): a canonical name is read as the column the mapping gives it. A row
    that names one value twice (column and field) with two different values is refused, not guessed.
    """
    columns = set(required_columns(mapping))
    column_of: dict[str, str] = {**mapping.columns}
    if mapping.source.id:
        column_of["source_id"] = mapping.source.id
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            yield RawRow(index, error="a row must be a JSON object")
            continue
        values: dict[str, Any] = {}
        twice = None
        for name, value in row.items():
            column = str(name) if name in columns else column_of.get(str(name), str(name))
            if column in values and values[column] != value:
                twice = column
            values[column] = value
        if twice is not None:
            yield RawRow(index, error=f"column {twice!r} given twice (by its name and by its field's)")
        elif not any(value is not None and str(value).strip() for value in values.values()):
            yield RawRow(index, error="an empty row holds no record")
        else:
            yield RawRow(index, values)


def required_columns(mapping: SourceMapping) -> list[str]:
    return [c for c in [mapping.source.id, *mapping.columns.values()] if c]


def detect_encoding(sample: bytes) -> str:
    """UTF-8 unless the sample says otherwise; charset-normalizer then picks a Western legacy encoding.

    A file that is mostly UTF-8 with a few stray lines in another encoding stays UTF-8, so that only those
    lines are rejected instead of every accented name being mis-read.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    valid_non_ascii = invalid = 0
    for line in sample.splitlines()[:-1] or sample.splitlines():  # the last line may be cut mid-character
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid_non_ascii += 1
        except UnicodeDecodeError:
            invalid += 1
    if invalid == 0 or valid_non_ascii > invalid:
        return "utf-8"
    best = from_bytes(sample, cp_isolation=list(LEGACY_ENCODINGS)).best()
    return best.encoding if best else LEGACY_ENCODINGS[0]


def detect_delimiter(path: Path, sample: str) -> str:
    lines = sample.splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        if counts[best] == 0:
            raise InputError(f"{path}: cannot tell the delimiter; set [source].delimiter") from None
        return best


def _describe(sample: bytes) -> str:
    if sample.startswith(b"PK\x03\x04"):
        return "a ZIP archive, such as an XLSX workbook"
    if sample.startswith(b"%PDF"):
        return "a PDF document"
    if b"\x00" in sample[:4096]:
        return "binary data"
    return "plain text"


def _undecodable(error: UnicodeError) -> tuple[str, int]:
    """Marks bytes that do not decode with a lone surrogate, which no strict decoder ever yields, so a line
    holding one is a line that did not decode."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _UNDECODABLE, error.end


_UNDECODABLE = "\udcff"
codecs.register_error("c360-undecodable", _undecodable)


def _decoded_lines(path: Path, encoding: str, bad_lines: set[int]) -> Iterator[str]:
    """Lines as the csv module wants them (``newline=""``); a line with bytes that are not ``encoding`` is
    noted and read with U+FFFD in their place.

    The decoder runs over the whole stream rather than line by line, so a bad line cannot put it out of step
    with the text (in UTF-16 a newline is two bytes, and one restart mid-stream would misread every line
    after it).
    """
    with open(path, "rb") as raw, io.TextIOWrapper(raw, encoding=encoding, errors="c360-undecodable",
                                                   newline="") as lines:
        for number, line in enumerate(lines, start=1):
            if _SURROGATES.search(line):
                bad_lines.add(number)
                line = _SURROGATES.sub("\ufffd", line)
            yield line


def _read_csv(path: Path, mapping: SourceMapping, encoding: str, delimiter: str) -> Iterator[RawRow]:
    bad_lines: set[int] = set()
    lines = _decoded_lines(path, encoding, bad_lines)
    reader = csv.reader(lines, delimiter=delimiter, quotechar=mapping.source.quotechar, strict=True)
    try:
        header = [column.strip().lstrip("\ufeff") for column in next(reader)]
    except StopIteration:
        raise InputError(f"{path}: the file is empty") from None
    except csv.Error as error:
        raise InputError(f"{path}: line 1: unreadable header: {error}") from None
    _check_columns(path, mapping, header)
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
            row.error = f"not valid {encoding} text"
        elif not any(cell.strip() for cell in cells):
            start = reader.line_num + 1
            continue  # a blank line holds no record, whether it is empty or holds only separators
        elif len(cells) != len(header):
            row.error = f"{len(cells)} fields where the header has {len(header)}"
        row.values = dict(zip(header, cells, strict=False))
        start = reader.line_num + 1
        yield row


def _check_columns(path: Path, mapping: SourceMapping, header: list[str]) -> None:
    missing = [c for c in required_columns(mapping) if c not in header]
    if missing:
        raise InputError(f"{path}: column(s) {', '.join(missing)} named in the mapping are not in the header "
                         f"(header: {', '.join(header)})")


def _read_jsonl(path: Path, encoding: str) -> Iterator[RawRow]:
    bad_lines: set[int] = set()
    for number, line in enumerate(_decoded_lines(path, encoding, bad_lines), start=1):
        if not line.strip():
            continue
        if number in bad_lines:
            yield RawRow(number, error=f"not valid {encoding} text")
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield RawRow(number, error=f"not valid JSON: {error.msg} at column {error.colno}")
            continue
        except RecursionError:
            yield RawRow(number, error="not valid JSON: nested too deeply")
            continue
        except ValueError as error:  # valid JSON Python will not read, such as an integer of 5 000 digits
            yield RawRow(number, error=f"not valid JSON: {str(error).split(':')[0]}")
            continue
        if not isinstance(value, dict):
            yield RawRow(number, error="a JSON line must hold an object")
            continue
        yield RawRow(number, value)


def _read_xlsx(path: Path, mapping: SourceMapping) -> Iterator[RawRow]:
    from openpyxl import load_workbook

    # SyntaxError: the XML inside is not well-formed (xml.etree's ParseError and lxml's both derive from it),
    # e.g. a cell holding U+FFFE, which some writers put in and no XML reader takes
    unreadable = (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)  # formulas stay text, never run
    except unreadable as error:
        raise InputError(f"{path}: not a readable XLSX workbook: {error}") from None
    try:
        sheet_name = mapping.source.sheet
        if sheet_name and sheet_name not in workbook.sheetnames:
            raise InputError(f"{path}: no sheet '{sheet_name}' (sheets: {', '.join(workbook.sheetnames)})")
        sheet = workbook[sheet_name] if sheet_name else workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is None:
            raise InputError(f"{path}: the sheet '{sheet.title}' is empty")
        header = [str(cell).strip() if cell is not None else "" for cell in first]
        _check_columns(path, mapping, header)
        for number, cells in enumerate(rows, start=2):
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue
            yield RawRow(number, {column: _cell(value) for column, value in zip(header, cells, strict=False)
                                  if column})
    except SyntaxError as error:  # the sheet is read as it streams: its XML can break after the first rows
        raise InputError(f"{path}: not a readable XLSX workbook: {error}") from None
    finally:
        workbook.close()


def _cell(value: Any) -> Any:
    """Spreadsheet values as text, except dates; integral numbers lose their ``.0``."""
    if value is None or isinstance(value, datetime | date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
