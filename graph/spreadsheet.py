"""CSV files people open in a spreadsheet: every text cell arrives as text, never as a formula.

Source data is untrusted, and a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (``=HYPERLINK(…)``, DDE such as ``+cmd|…``). Following OWASP's advice on CSV
injection, such a text cell is written with a leading single quote, which spreadsheets show as text and do
not display. Numbers stay usable: ints, floats and Decimals c360 computes (a distance, a score, ``-0.12``)
are written as they are, and so is text that is nothing but a number (``+33612345678``, ``-0.12``), since a
plain number cannot call anything. Every CSV c360 writes for people goes through ``write_csv``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

#: the characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)


class TextSink(Protocol):
    def write(self, text: str, /) -> Any: ...


def cell(value: object) -> object:
    """``value`` as it is safe to write: text that a spreadsheet would run gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_csv(target: TextSink, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> int:
    """A header of ``columns``, then one line a row (a missing value is an empty cell); the number of rows."""
    writer = csv.DictWriter(target, fieldnames=columns, restval="")
    writer.writeheader()
    written = 0
    for row in rows:
        writer.writerow({column: cell(value) for column, value in row.items()})
        written += 1
    return written
