"""A batch destination: events appended to one JSON Lines file per day (UTC, the event's date), written to disk
(fsync) before the cursor moves past them, for a warehouse or a batch job to pick up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from graph.home import open_private
from sync.destinations import Destination
from sync.messages import Message
from sync.webhook import Outcome


class JsonLines:
    def __init__(self, destination: Destination) -> None:
        assert destination.directory is not None
        self.directory = destination.directory.expanduser()
        self._open: dict[Path, IO[bytes]] = {}

    def send(self, message: Message) -> Outcome:
        try:
            handle = self._file(self.directory / f"{message.event['time'][:10]}.jsonl")
            handle.write(message.body() + b"\n")
        except OSError as error:
            return Outcome(False, 1, f"cannot write: {error.strerror}")
        return Outcome(True, 1)

    def flush(self) -> None:
        """Every line written so far on disk, and the files closed: called before the cursor moves."""
        for handle in self._open.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        self._open.clear()

    def _file(self, path: Path) -> IO[bytes]:
        if path not in self._open:
            self._open[path] = open_private(path, "ab")  # personal data: owner-only, like C360_HOME
        return self._open[path]
