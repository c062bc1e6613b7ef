"""The one CSV writer: text a spreadsheet would run as a formula gets a leading quote, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.spreadsheet import cell, write_csv

# what OWASP lists as a formula's first character, each with a payload seen in the wild
FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1",
            "=1+1", "+33 6 12 34 56 78", "-", "@"]
PLAIN = ["Anne", "Jean-Luc", "d'Artagnan", "", " =1+1", "a=b", "75011", "+33612345678", "-0.12", "+5", ".5",
         "3.", "home 3.2 km from =X"]


def _read(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", FORMULAS)
def test_formulas_are_written_as_text(value: str) -> None:
    buffer = io.StringIO(newline="")
    write_csv(buffer, ["name"], [{"name": value}])
    assert _read(buffer.getvalue()) == [{"name": "'" + value}]


@pytest.mark.parametrize("value", PLAIN)
def test_plain_text_and_numbers_in_text_are_unchanged(value: str) -> None:
    assert cell(value) == value


def test_numbers_are_values_not_formulas() -> None:
    buffer = io.StringIO(newline="")
    rows = [{"km": -0.12, "score": -3, "amount": Decimal("-12.50"), "flag": True, "none": None}]
    assert write_csv(buffer, ["km", "score", "amount", "flag", "none"], rows) == 1
    assert _read(buffer.getvalue()) == [{"km": "-0.12", "score": "-3", "amount": "-12.50", "flag": "True",
                                         "none": ""}]


def test_missing_columns_are_empty_and_unknown_ones_refused() -> None:
    buffer = io.StringIO(newline="")
    write_csv(buffer, ["a", "b"], [{"a": "=x"}])
    assert _read(buffer.getvalue()) == [{"a": "'=x", "b": ""}]
    with pytest.raises(ValueError):
        write_csv(io.StringIO(), ["a"], [{"a": "1", "c": "2"}])


@given(st.text())
def test_no_written_text_cell_starts_a_formula(value: str) -> None:
    buffer = io.StringIO(newline="")
    write_csv(buffer, ["v"], [{"v": value}])
    [row] = _read(buffer.getvalue())
    read = row["v"]
    assert read == value or read == "'" + value  # nothing lost but the quote
    if read.startswith(("=", "+", "-", "@", "\t", "\r")):
        float(read)  # only a plain number may start so
