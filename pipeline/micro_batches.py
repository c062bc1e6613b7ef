"""Micro-batches of incremental resolution: what ingests touch is resolved by the server within a moment.

Each ``POST /ingest/<source>`` hands the keys of the records it changed to ``MicroBatches.submit`` and
answers at once with a sequence number. One thread per server process collects the keys and, ~200 ms after
the first one of a batch arrived (at once when ``max_keys`` are waiting), runs the existing incremental
resolution on all of them (``resolution.resolve`` with them as seeds, then ``pipeline.after_resolution``), one
run at a time: a burst of a hundred single-row posts makes a few runs, not a hundred queued ones. A batch
of other kinds (purchases, tickets) runs only what follows a load (``pipeline.after_load``).

``status`` says which sequence numbers are resolved: a sender polls ``GET /ingest/status`` until
``resolved`` reaches the number its post was given. A failed run is logged (its error's class only, never
a value) and counted; its records are not lost, as every incremental run also revisits the records
changed since the last completed one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pipeline
from desk.contact import RESOLVING
from graph.database import Graph
from resolution import resolve
from resolution.engines import EngineName
from resolution.rules import Rules

log = logging.getLogger("c360.ingest")

#: how long a batch waits for more keys after its first one
INTERVAL_S = 0.2
#: a batch this large runs without waiting
MAX_KEYS = 2000

#: one run over a batch: the record keys to resolve, whether anything else was loaded; its run id, if any
Work = Callable[[list[str], bool], str | None]


@dataclass(frozen=True)
class Status:
    """``submitted``: the last sequence number given; ``resolved``: every batch up to it is done (resolved or
    failed: ``failures`` counts those); ``waiting``: keys not yet in a run."""

    submitted: int
    resolved: int
    waiting: int
    runs: int
    failures: int
    last_run_id: str | None
    last_seconds: float | None


class MicroBatches:
    """Collects keys from any thread; one worker thread runs ``work`` on them a batch at a time."""

    def __init__(self, work: Work, interval: float = INTERVAL_S, max_keys: int = MAX_KEYS) -> None:
        self._work = work
        self._interval = interval
        self._max_keys = max_keys
        self._changed = threading.Condition()
        self._keys: set[str] = set()
        self._other = False
        self._first_at: float | None = None
        self._submitted = 0
        self._resolved = 0
        self._runs = 0
        self._failures = 0
        self._last_run_id: str | None = None
        self._last_seconds: float | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None

    def submit(self, keys: Iterable[str], other: bool = False) -> int:
        """Queue ``keys`` (and ``other``: something not a customer record changed); the sequence number to
        wait for. Nothing to do gives the last number, which is resolved once what came before it is."""
        keys = list(keys)
        with self._changed:
            if not keys and not other:
                return self._submitted
            self._keys.update(keys)
            self._other = self._other or other
            if self._first_at is None:
                self._first_at = time.monotonic()
            self._submitted += 1
            self._changed.notify_all()
            return self._submitted

    def status(self) -> Status:
        with self._changed:
            return Status(self._submitted, self._resolved, len(self._keys), self._runs, self._failures,
                          self._last_run_id, self._last_seconds)

    def wait(self, sequence: int, timeout: float) -> bool:
        """Until batch ``sequence`` is done; False when ``timeout`` seconds passed first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._resolved < sequence:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
            return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="c360-micro-batches", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Run what is waiting, then end the worker."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while (batch := self._next()) is not None:
            keys, other, sequence = batch
            started = time.perf_counter()
            run_id = None
            failed = False
            try:
                run_id = self._work(keys, other)
            except Exception as error:  # the server goes on; the next run revisits these records
                failed = True
                log.error("micro-batch resolution of %d record(s) failed: %s", len(keys), type(error).__name__)
            with self._changed:
                self._resolved = sequence
                self._runs += 1
                self._failures += failed
                self._last_run_id = run_id or self._last_run_id
                self._last_seconds = round(time.perf_counter() - started, 3)
                self._changed.notify_all()

    def _next(self) -> tuple[list[str], bool, int] | None:
        """The next batch, once its first key has waited ``interval`` or it is full; None when stopping and
        nothing waits."""
        with self._changed:
            while self._first_at is None:
                if self._stopping:
                    return None
                self._changed.wait()
            while not self._stopping and len(self._keys) < self._max_keys:
                remaining = self._first_at + self._interval - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            batch = (sorted(self._keys), self._other, self._submitted)
            self._keys, self._other, self._first_at = set(), False, None
            return batch


def resolving(graph: Graph, rules: Rules, cache_dir: Path | None = None, engine: EngineName = "duckdb") -> Work:
    """The work of a batch: the existing incremental resolution seeded with the touched records, then what
    follows a resolution; for other kinds alone, what follows a load. Desk corrections resolve under the
    same lock: runs never interleave in one process."""

    def work(keys: list[str], other: bool) -> str | None:
        if not keys:
            pipeline.after_load(graph)
            return None
        with RESOLVING:
            summary = resolve(graph, rules, seeds=keys, cache_dir=cache_dir, engine=engine)
        pipeline.after_resolution(graph, summary)
        return summary.run_id

    return work
