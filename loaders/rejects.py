"""The reject file: every record or value c360 refused, with where it was and why (nothing is lost)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from graph.home import open_private

MAX_VALUE_CHARS = 500


class RejectLog:
    """Appends JSON lines to ``C360_HOME/rejects/<load run>.jsonl``; the file exists only if needed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records = 0
        self.values = 0
        self._out: IO[str] | None = None

    def reject_record(self, file: Path, line: int, reason: str, field: str | None = None,
                      value: Any = None) -> None:
        self.records += 1
        self._write(file, line, field, value, reason, "record_rejected")

    def drop_value(self, file: Path, line: int, field: str, value: Any, reason: str) -> None:
        """A bad value in a good record: the record is kept without it, the value is kept here."""
        self.values += 1
        self._write(file, line, field, value, reason, "value_dropped")

    def _write(self, file: Path, line: int, field: str | None, value: Any, reason: str, action: str) -> None:
        if self._out is None:
            self._out = open_private(self.path, "a", encoding="utf-8")  # raw source values: owner-only
        shown = value if value is None or len(str(value)) <= MAX_VALUE_CHARS else str(value)[:MAX_VALUE_CHARS] + "…"
        entry = {"file": str(file), "line": line, "field": field, "value": shown, "reason": reason,
                 "action": action}
        with self._named():
            self._out.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._out is not None:
            out, self._out = self._out, None
            with self._named():
                out.close()

    @contextmanager
    def _named(self) -> Iterator[None]:
        """A failed write names the file (a full disk: which one), as a failed ``open`` does."""
        try:
            yield
        except OSError as error:
            if error.filename:
                raise
            raise OSError(error.errno, error.strerror, str(self.path)) from error
