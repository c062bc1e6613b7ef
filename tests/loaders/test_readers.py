"""The readers row by row: the line each row came from, what a broken row says, and nothing lost after it.

``test_loaders.py`` reads customer files through validation; these read files of every format straight
through ``read_rows`` (and rows handed over in memory through ``memory_rows``), so a row that goes missing or
a line number that shifts is seen where it happens.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from graph import InputError
from loaders.mapping import SourceMapping, read_mapping
from loaders.readers import detect_encoding, memory_rows, read_rows

MAPPING = '[source]\nname = "shop"\nkind = "customers"\nid = "id"\n{extra}[columns]\nemail = "email"\n'


def _source(tmp_path: Path, name: str, content: bytes, extra: str = "") -> tuple[Path, SourceMapping]:
    (tmp_path / "shop.toml").write_text(MAPPING.format(extra=extra), encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(content)
    return path, read_mapping(tmp_path / "shop.toml")


def _rows(path: Path, mapping: SourceMapping) -> list[tuple[int, dict[str, Any], str | None]]:
    return [(row.line, row.values, row.error) for row in read_rows(path, mapping)]


def test_rows_after_a_malformed_or_blank_line_keep_their_line_numbers(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b'id,email\n1,"a"b\n0,z@x.fr\n, \n2,"multi\nline"\n3,c@x.fr\n')
    rows = _rows(path, mapping)
    assert rows[0][0] == 2 and rows[0][2] is not None and rows[0][2].startswith("malformed CSV: ")
    assert rows[1:] == [(3, {"id": "0", "email": "z@x.fr"}, None), (5, {"id": "2", "email": "multi\nline"}, None),
                        (7, {"id": "3", "email": "c@x.fr"}, None)]


def test_an_empty_line_is_skipped_like_a_line_of_empty_fields(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b"id,email\n\n1,a@x.fr\r\n\r\n,\n2,b@x.fr\n\n")
    assert _rows(path, mapping) == [(3, {"id": "1", "email": "a@x.fr"}, None),
                                    (6, {"id": "2", "email": "b@x.fr"}, None)]


def test_a_quoted_line_break_is_kept_as_written(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b'id,email\r\n1,"a\r\nb"\r\n2,x\r\n')
    assert _rows(path, mapping) == [(2, {"id": "1", "email": "a\r\nb"}, None), (4, {"id": "2", "email": "x"}, None)]


def test_the_declared_quote_character(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b"id,email\n'1,5',x\n", extra="quotechar = \"'\"\n")
    assert _rows(path, mapping) == [(2, {"id": "1,5", "email": "x"}, None)]


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b"\xef\xbb\xbfid,email,Xtra\n1,x,y\n", extra='encoding = "utf-8"\n')
    assert _rows(path, mapping) == [(2, {"id": "1", "email": "x", "Xtra": "y"}, None)]
    detected, mapping = _source(tmp_path, "bom.csv", b"\xef\xbb\xbfid,email\n1,Zo\xc3\xab\n")
    assert _rows(detected, mapping) == [(2, {"id": "1", "email": "Zoë"}, None)]


def test_utf16_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", "id;email\n1;Zoë\n".encode("utf-16"))
    assert _rows(path, mapping) == [(2, {"id": "1", "email": "Zoë"}, None)]


@pytest.mark.parametrize(("content", "message"), [
    (b"\xef\xbb\xbf", "the file is empty"),
    (b"x", "column(s) id, email named in the mapping are not in the header (header: x)"),
    (b'"id,email\n1,x\n', "line 1: unreadable header: unexpected end of data"),
    (b"id\n1\n2\n", "column(s) email named in the mapping are not in the header (header: id)"),
    (b"PK\x03\x04" + b"not a csv " * 50, "not a CSV text file (the file is a ZIP archive, such as an XLSX workbook)"),
    (b"%PDF-1.7 \x00\x01", "not a CSV text file (the file is a PDF document)"),
    (b"id,email\x00\x01\x02", "not a CSV text file (the file is binary data)"),
    (b"", "the file is empty"),
])
def test_a_file_that_cannot_be_read_says_why(tmp_path: Path, content: bytes, message: str) -> None:
    path, mapping = _source(tmp_path, "shop.csv", content, extra='delimiter = ","\n')
    with pytest.raises(InputError) as refused:
        list(read_rows(path, mapping))
    assert str(refused.value) == f"{path}: {message}"


def test_a_delimiter_nothing_shows_is_asked_for(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b"id\n1\n2\n")
    with pytest.raises(InputError) as refused:
        list(read_rows(path, mapping))
    assert str(refused.value) == f"{path}: cannot tell the delimiter; set [source].delimiter"


def test_an_unknown_encoding_or_a_missing_file(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b"id,email\n", extra='encoding = "klingon"\n')
    with pytest.raises(InputError, match=r"shop\.csv: unknown encoding 'klingon' in the mapping$"):
        list(read_rows(path, mapping))
    with pytest.raises(InputError, match=r"gone\.csv: cannot read: No such file or directory$"):
        list(read_rows(tmp_path / "gone.csv", mapping))


def test_a_delimiter_is_found_in_the_header_when_the_rows_do_not_say(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.csv", b"id;email\n1\n")
    assert _rows(path, mapping) == [(2, {"id": "1"}, "1 fields where the header has 2")]


def test_jsonl_lines_each_with_its_reason_and_nothing_lost_after_them(tmp_path: Path) -> None:
    lines = [b'{"id": "1", "email": "H\xe9l\xe8ne"}', b'{"id": "2", "email": "caf\xc3\xa9"}', b"[" * 100_000,
             b'{"id": "3", "n": ' + b"9" * 5000 + b"}", b"", b'{"id": "4"}', b"[4]", b'{"id": "5"}']
    path, mapping = _source(tmp_path, "shop.jsonl", b"\n".join(lines) + b"\n", extra='encoding = "utf-8"\n')
    assert _rows(path, mapping) == [
        (1, {}, "not valid utf-8 text"), (2, {"id": "2", "email": "café"}, None),
        (3, {}, "not valid JSON: nested too deeply"), (4, {}, "not valid JSON: Exceeds the limit (4300 digits) for "
                                                              "integer string conversion"),
        (6, {"id": "4"}, None), (7, {}, "a JSON line must hold an object"), (8, {"id": "5"}, None)]


def test_jsonl_in_a_declared_legacy_encoding(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.jsonl", '{"id": "1", "email": "Hélène"}\n'.encode("cp1252"),
                            extra='encoding = "cp1252"\n')
    assert _rows(path, mapping) == [(1, {"id": "1", "email": "Hélène"}, None)]


def test_encoding_detection_weighs_valid_and_invalid_lines() -> None:
    assert detect_encoding(b"caf\xc3\xa9\nna\xefve\nx") != "utf-8"  # one of each: not UTF-8
    assert detect_encoding(b"caf\xc3\xa9\nna\xc3\xafve\nna\xefve\nx") == "utf-8"  # mostly UTF-8: its stray lines go
    assert detect_encoding(b"caf\xc3\xa9\nab\xc3") == "utf-8"  # the last line may be cut mid-character
    assert detect_encoding(b"ascii\nonly") == "utf-8"
    assert detect_encoding(b"\xc3\xa9\n\xc3\xa9\n\xe9\n\xe9\n\xe9\nx") != "utf-8"  # 2 valid against 3 invalid
    assert detect_encoding(b"\xef\xbb\xbfid") == "utf-8-sig" and detect_encoding(b"\xff\xfei\x00") == "utf-16"


def _workbook(path: Path, rows: list[list[Any]], title: str = "People") -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.create_sheet("Empty")
    book.save(path)


def test_a_workbook_row_by_row_as_stored(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.xlsx", b"")
    _workbook(path, [[" id ", "email", None, "joined", "score"], [12.0, "a@x.fr", "ignored", datetime(2024, 5, 1),
                                                                   2.5],
                     [None, " ", "", None, None], ["C7", "=HYPERLINK(\"x\")", None, None, 3]])
    assert _rows(path, mapping) == [
        (2, {"id": "12", "email": "a@x.fr", "joined": datetime(2024, 5, 1), "score": "2.5"}, None),
        (4, {"id": "C7", "email": '=HYPERLINK("x")', "joined": None, "score": "3"}, None)]


def test_a_workbook_sheet_by_name_and_what_a_bad_one_says(tmp_path: Path) -> None:
    path, mapping = _source(tmp_path, "shop.xlsx", b"", extra='sheet = "Empty"\n')
    _workbook(path, [["id", "email"], ["1", "a@x.fr"]])
    with pytest.raises(InputError) as empty:
        list(read_rows(path, mapping))
    assert str(empty.value) == f"{path}: the sheet 'Empty' is empty"
    path, mapping = _source(tmp_path, "shop.xlsx", b"", extra='sheet = "Nope"\n')
    _workbook(path, [["id", "email"]])
    with pytest.raises(InputError) as missing:
        list(read_rows(path, mapping))
    assert str(missing.value) == f"{path}: no sheet 'Nope' (sheets: People, Empty)"
    path, mapping = _source(tmp_path, "shop.xlsx", b"", extra='sheet = "People"\n')
    _workbook(path, [["id", "mail"]])
    with pytest.raises(InputError) as columns:
        list(read_rows(path, mapping))
    assert str(columns.value) == (f"{path}: column(s) email named in the mapping are not in the header "
                                  "(header: id, mail)")
    text, mapping = _source(tmp_path, "text.xlsx", b"id,email\n1,x\n")
    with pytest.raises(InputError) as plain:
        list(read_rows(text, mapping))
    assert str(plain.value) == f"{text}: not an XLSX workbook (the file is plain text)"
    broken, mapping = _source(tmp_path, "broken.xlsx", b"PK\x03\x04" + bytes(100))
    with pytest.raises(InputError, match=r"broken\.xlsx: not a readable XLSX workbook: "):
        list(read_rows(broken, mapping))


def test_rows_in_memory_by_column_or_by_field(tmp_path: Path) -> None:
    _, mapping = _source(tmp_path, "shop.csv", b"id,email\n")
    rows: list[Any] = [{"source_id": "1", "email": "a@x.fr"}, {"id": "2", "mail": "kept"}, "text", {"id": None},
                       {"id": "3", "source_id": "4"}, {"id": "5", "source_id": "5"}, {"id": " ", "email": ""}]
    assert [(r.line, r.values, r.error) for r in memory_rows(rows, mapping)] == [
        (0, {"id": "1", "email": "a@x.fr"}, None), (1, {"id": "2", "mail": "kept"}, None),
        (2, {}, "a row must be a JSON object"), (3, {}, "an empty row holds no record"),
        (4, {}, "column 'id' given twice (by its name and by its field's)"), (5, {"id": "5"}, None),
        (6, {}, "an empty row holds no record")]


def test_a_mostly_utf8_file_with_no_declared_delimiter(tmp_path: Path) -> None:
    content = "id;email\n1;Zoë\n2;Chloé\n3;Léa\n".encode() + "4;Zoë\n".encode("latin-1")
    path, mapping = _source(tmp_path, "shop.csv", content)
    assert _rows(path, mapping)[2:] == [(4, {"id": "3", "email": "Léa"}, None),
                                        (5, {"id": "4", "email": "Zo\ufffd"}, "not valid utf-8 text")]
