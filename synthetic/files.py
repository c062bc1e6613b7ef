"""File writers shared by every source: UTF-8, ``\\n`` line ends, nothing that varies between runs."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, str | None]],
              delimiter: str | None = ",") -> Path:
    """Header first; a missing value is an empty cell."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter or ",", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([row.get(column) or "" for column in columns] for row in rows)
    return path


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """One JSON object a line, keys in the row's order, non-ASCII kept as is."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="\n")
    return path
