"""Hostile source files (issue 14, the fuzz pass): rows are refused with a reason, never a crash or a lost row.

A hypothesis pass loads generated files of every kind and format through the real ``c360 load``
(``bench.fuzz_sources``; ``bench/fuzz.py`` runs the long one); below it, each failure that pass found, as a
regression test on a real store.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from bench.fuzz_sources import LoadTally, Template, batches, load_and_check, templates
from graph import Graph, InputError, Settings, open_graph
from loaders.mapping import mapping_for
from loaders.readers import read_rows
from loaders.run import LoadSummary, load_file
from tests.conftest import clear
from tests.helpers import c360, one_error_line, query

pytestmark = pytest.mark.store


@pytest.fixture(scope="module")
def sources() -> dict[str, Template]:
    return templates(customers=20)


@pytest.fixture(scope="module")
def store(embedded_settings: Settings) -> Iterator[Graph]:
    with open_graph(embedded_settings) as opened:
        clear(opened)
        yield opened


@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: each example is a `c360 load` of seconds
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_sources_load_cleanly_through_c360_load(store: Graph, embedded_settings: Settings,
                                                        sources: dict[str, Template], tmp_path_factory:
                                                        pytest.TempPathFactory, data: st.DataObject) -> None:
    """Every kind and format with hostile values: counts add up, every accepted row is in the store under its
    own key, every refusal is in the reject file with its line and reason, and the command never fails."""
    directory = tmp_path_factory.mktemp("fuzz-sources")
    files = data.draw(batches(sources, f"t{directory.name.replace('_', '').lower()[-12:]}-"))
    tally = LoadTally()
    load_and_check(store, embedded_settings.home, files, directory, tally)
    assert not tally.failures, tally.failures[0]


def _mapping(directory: Path, name: str, kind: str, fmt: str, columns: dict[str, str], extra: str = "") -> None:
    lines = "\n".join(f'{field} = "{column}"' for field, column in columns.items())
    (directory / f"{name}.toml").write_text(f'[source]\nname = "{name}"\nkind = "{kind}"\nid = "id"\n'
                                            f'format = "{fmt}"\ndefault_region = "FR"\n{extra}\n[columns]\n{lines}\n')


def _load(graph: Graph, path: Path) -> tuple[LoadSummary, list[dict[str, Any]]]:
    """Load one file; its summary and its reject file's entries."""
    summary = load_file(graph, path, mapping_for(path), path.parent / "home")
    entries = ([json.loads(line) for line in Path(summary.reject_file).read_text(encoding="utf-8").splitlines()]
               if summary.reject_file else [])
    return summary, entries


PEOPLE = {"first_name": "first", "last_name": "last", "email": "email"}


def test_lone_surrogates_in_jsonl_are_refused_values(graph: Graph, tmp_path: Path) -> None:
    """JSON can spell a lone surrogate (\\ud800) that the store's driver cannot write: the load crashed."""
    _mapping(tmp_path, "web", "customers", "jsonl", PEOPLE)
    rows = [{"id": "1", "first": "Jean", "last": "Dupont"}, {"id": "2", "first": "Je\ud800an", "last": "Dupont"},
            {"id": "3", "first": "Marie", "last": "Curie", "notes": "a\udc00b"}, {"id": "4\ud800", "last": "X"}]
    (tmp_path / "web.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="ascii")
    summary, entries = _load(graph, tmp_path / "web.jsonl")
    assert (summary.accepted, summary.rejected, summary.values_dropped) == (3, 1, 2)
    assert [(e["line"], e["field"], e["value"], e["reason"]) for e in entries] == [
        (2, "first_name", "Je\ud800an", "not valid text (lone surrogate)"),
        (3, "attr_notes", "a\udc00b", "not valid text (lone surrogate)"),
        (4, "source_id", "4\ud800", "source_id: not valid text (lone surrogate)")]
    stored = query(graph, "MATCH (r:SourceRecord {source: 'web'}) RETURN r.key AS key, r.first_name AS first, "
                          "r.attr_notes AS notes ORDER BY key")
    assert stored == [{"key": "web:1", "first": "Jean", "notes": None}, {"key": "web:2", "first": None, "notes": None},
                      {"key": "web:3", "first": "Marie", "notes": None}]


def test_a_line_that_is_not_utf16_in_a_utf16_file_is_rejected_alone(graph: Graph, tmp_path: Path) -> None:
    """The decoder restarted after a bad line wanted a BOM again (UnicodeError: the load crashed), and in
    UTF-16 a restart mid-stream would misread every line after it."""
    _mapping(tmp_path, "web", "web_events", "csv", {"at": "ts", "cookie": "cookie"}, 'encoding = "utf-16"')
    lines = ["id,ts,cookie\n", "1,2024-01-01T00:00:00Z,abc\n", "2,2024-01-01T00:01:00Z,ab\ud800c\n",
             "3,2024-01-01T00:02:00Z,abc\n", "4,2024-01-01T00:03:00Z,été\n"]
    (tmp_path / "web.csv").write_bytes(codecs.BOM_UTF16_LE + "".join(lines).encode("utf-16-le", "surrogatepass"))
    summary, entries = _load(graph, tmp_path / "web.csv")
    assert (summary.read, summary.accepted, summary.rejected) == (4, 3, 1)
    assert [(e["line"], e["reason"]) for e in entries] == [(3, "not valid utf-16 text")]
    cookies = query(graph, "MATCH (w:WebSession)-[:FROM]->(c:Identifier) RETURN DISTINCT c.value AS v ORDER BY v")
    assert [c["v"] for c in cookies] == ["abc", "été"]


def test_json_python_cannot_read_is_a_rejected_line(graph: Graph, tmp_path: Path) -> None:
    """An integer of 5 000 digits (ValueError) and deep nesting (RecursionError) crashed the load."""
    _mapping(tmp_path, "web", "customers", "jsonl", PEOPLE)
    (tmp_path / "web.jsonl").write_text('{"id": "1", "last": "Ok"}\n'
                                        '{"id": "2", "last": "X", "n": ' + "9" * 5000 + '}\n'
                                        '{"id": "3", "last": "X", "n": ' + "[" * 100_000 + "}\n")
    summary, entries = _load(graph, tmp_path / "web.jsonl")
    assert (summary.accepted, summary.rejected) == (1, 2)
    assert [e["reason"] for e in entries] == [
        "not valid JSON: Exceeds the limit (4300 digits) for integer string conversion",
        "not valid JSON: nested too deeply"]


def test_values_no_property_can_hold_are_dropped(graph: Graph, tmp_path: Path) -> None:
    """An integer beyond 64 bits in an unmapped column (OverflowError in the driver) crashed the load; NaN
    and infinities are dropped the same way."""
    _mapping(tmp_path, "web", "customers", "jsonl", PEOPLE)
    rows = [{"id": "1", "last": "A", "big": 10**30}, {"id": "2", "last": "B", "small": -(2**63) - 1},
            {"id": "3", "last": "C", "nan": float("nan"), "inf": float("-inf")},
            {"id": "4", "last": "D", "ok": 2**63 - 1}]
    (tmp_path / "web.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary, entries = _load(graph, tmp_path / "web.jsonl")
    assert (summary.accepted, summary.rejected) == (4, 0)
    assert [(e["field"], e["reason"]) for e in entries if e["action"] == "value_dropped"] == [
        ("attr_big", "an integer beyond 64 bits"), ("attr_small", "an integer beyond 64 bits"),
        ("attr_nan", "not a finite number"), ("attr_inf", "not a finite number")]
    assert query(graph, "MATCH (r:SourceRecord {key: 'web:4'}) RETURN r.attr_ok AS ok") == [{"ok": 2**63 - 1}]


def test_store_ids_that_are_one_code_are_one_store(graph: Graph, tmp_path: Path) -> None:
    """``S009`` and ``s 009`` are one store key: both were accepted and one silently overwrote the other; an
    id over 64 characters passed validation and crashed the load when keyed."""
    _mapping(tmp_path, "shops", "stores", "csv", {"name": "name"})
    (tmp_path / "shops.csv").write_text(f"id,name\nS009,Lille\ns 009,Gent\n{'S' * 65},Long\nS010,Paris\n")
    summary, entries = _load(graph, tmp_path / "shops.csv")
    assert (summary.accepted, summary.rejected) == (2, 2)
    assert [(e["line"], e["reason"]) for e in entries] == [
        (3, "duplicate source id; first seen at line 2"), (4, "source_id: identifier longer than 64 characters")]
    assert query(graph, "MATCH (s:Store) RETURN s.key AS key, s.name AS name ORDER BY key") == [
        {"key": "S009", "name": "Lille"}, {"key": "S010", "name": "Paris"}]


@pytest.mark.parametrize(("amount", "reason"), [
    ("9" * 30, "amount: amount out of range (less than 1,000,000,000,000,000 in absolute value)"),
    ("1e999999", "amount: amount out of range (less than 1,000,000,000,000,000 in absolute value)"),
])
def test_amounts_beyond_what_minor_units_hold_are_refused(graph: Graph, tmp_path: Path, amount: str,
                                                         reason: str) -> None:
    """The amount is also kept in cents as a 64-bit integer: a 30-digit amount crashed the load."""
    _mapping(tmp_path, "till", "transactions", "csv", {"at": "ts", "amount": "amount", "currency": "cur"})
    (tmp_path / "till.csv").write_text(f"id,ts,amount,cur\nT1,2024-01-01T00:00:00Z,{amount},EUR\n"
                                       "T2,2024-01-01T00:00:00Z,999999999999999.99,EUR\n")
    summary, entries = _load(graph, tmp_path / "till.csv")
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert [e["reason"] for e in entries] == [reason]
    assert query(graph, "MATCH (t:Transaction) RETURN t.amount_minor AS cents") == [{"cents": 99999999999999999}]


@pytest.mark.parametrize("at", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_times_at_the_ends_of_the_calendar_are_refused(graph: Graph, tmp_path: Path, at: str) -> None:
    """Setting a time to its own fixed offset converted it through UTC, out of Python's range there
    (OverflowError: the load crashed)."""
    _mapping(tmp_path, "till", "transactions", "csv", {"at": "ts", "amount": "amount", "currency": "cur"})
    (tmp_path / "till.csv").write_text(f"id,ts,amount,cur\nT1,{at},5,EUR\nT2,2024-01-01T00:00:00+01:00,5,EUR\n")
    summary, entries = _load(graph, tmp_path / "till.csv")
    assert (summary.accepted, summary.rejected) == (1, 1)
    assert [e["reason"] for e in entries] == ["at: timestamp out of range (1970 to now)"]


@pytest.mark.parametrize(("lines", "reason"), [
    ('[{"sku": "\\ud800"}]', "lines: order lines: not valid text (lone surrogate)"),
    ("[" * 5000 + "]" * 5000, "lines: order lines nested too deeply"),
])
def test_order_lines_that_are_not_storable_text_are_dropped(graph: Graph, tmp_path: Path, lines: str,
                                                           reason: str) -> None:
    _mapping(tmp_path, "till", "transactions", "jsonl", {"at": "ts", "amount": "amount", "currency": "cur",
                                                         "lines": "lines"})
    row = {"id": "T1", "ts": "2024-01-01T00:00:00Z", "amount": "5", "cur": "EUR", "lines": lines}
    (tmp_path / "till.jsonl").write_text(json.dumps(row) + "\n")
    summary, entries = _load(graph, tmp_path / "till.jsonl")
    assert (summary.accepted, summary.values_dropped) == (1, 1)
    assert [f"{e['field']}: {e['reason']}" for e in entries] == [reason]


def test_a_workbook_no_xml_reader_opens_is_refused_in_one_line(tmp_path: Path, embedded_settings: Settings) -> None:
    """openpyxl writes U+FFFE into a cell and then cannot read its own workbook (ParseError: a traceback)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "name"])
    sheet.append(["S1", "Lille\ufffe"])
    book.save(tmp_path / "shops.xlsx")
    _mapping(tmp_path, "shops", "stores", "xlsx", {"name": "name"})
    with pytest.raises(InputError, match="not a readable XLSX workbook: not well-formed"):
        list(read_rows(tmp_path / "shops.xlsx", mapping_for(tmp_path / "shops.xlsx")))
    result = c360("load", str(tmp_path / "shops.xlsx"), home=embedded_settings.home)
    assert result.returncode == 1
    assert "not a readable XLSX workbook" in one_error_line(result)
