"""The reject file: every record or value c360 refused, with where it was and why (nothing is lost)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.home import open_private

MAX_VALUE_CHARS = 500


@dataclass(frozen=True)
class Refusal:
    """One entry of the reject file without its value: what a caller told of its refusals is shown."""

    line: int
    field: str | None
    reason: str
    action: str


class RejectLog:
    """Appends JSON lines to ``C360_HOME/rejects/<load run>.jsonl``; the file exists only if needed.

    With ``hold``, dropped values wait in memory until ``settle`` says which lines were refused as erased
    (``loaders.erased``): the values of an erased person's row never reach the file, not even for a moment.
    """

    def __init__(self, path: Path, hold: bool = False, keep: bool = False) -> None:
        self.path = path
        self.records = 0
        self.values = 0
        #: rows refused because the person behind them was erased (no value of theirs is written)
        self.erased = 0
        self._out: IO[str] | None = None
        self._hold = hold
        self._held: list[tuple[Path, int, str, Any, str]] = []
        #: with ``keep``, every entry written, without its value, for a caller that answers with them (the API)
        self.kept: list[Refusal] | None = [] if keep else None

    def reject_record(self, file: Path, line: int, reason: str, field: str | None = None,
                      value: Any = None) -> None:
        self.records += 1
        self._write(file, line, field, value, reason, "record_rejected")

    def drop_value(self, file: Path, line: int, field: str, value: Any, reason: str) -> None:
        """A bad value in a good record: the record is kept without it, the value is kept here."""
        if self._hold:
            self._held.append((file, line, field, value, reason))
            return
        self.values += 1
        self._write(file, line, field, value, reason, "value_dropped")

    def refuse_erased(self, file: Path, line: int, reason: str) -> None:
        """A row of an erased person: where and why only, never a value of the row."""
        self.erased += 1
        self._write(file, line, None, None, reason, "record_erased")

    def settle(self, refused: set[int]) -> None:
        """Write the held dropped values, except those of ``refused`` lines (an erased person's)."""
        held, self._held = self._held, []
        for file, line, field, value, reason in held:
            if line not in refused:
                self.values += 1
                self._write(file, line, field, value, reason, "value_dropped")

    def _write(self, file: Path, line: int, field: str | None, value: Any, reason: str, action: str) -> None:
        if self._out is None:
            # raw source values: owner-only; a lone surrogate from a JSON source is written back as its
            # escape, \\ud800, which JSON reads again
            self._out = open_private(self.path, "a", encoding="utf-8", errors="backslashreplace")
        entry = {"file": str(file), "line": line, "field": field, "value": _shown(value), "reason": reason,
                 "action": action}
        with self._named():
            self._out.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        if self.kept is not None:
            self.kept.append(Refusal(line, field, reason, action))

    def close(self) -> None:
        """Values still held belong to rows never checked against the tombstones (the load failed): they
        are not written, as nothing says they are not an erased person's."""
        self._held = []
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


def _shown(value: Any) -> Any:
    """The value as the reject file keeps it: cut after MAX_VALUE_CHARS; JSON too deep to write is not kept."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:
        return "(nested too deeply to keep)"
    return value if value is None or len(text) <= MAX_VALUE_CHARS else text[:MAX_VALUE_CHARS] + "…"
