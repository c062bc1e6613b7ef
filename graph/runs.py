"""One run's bookkeeping, for every kind of run: its id, start and end, counts, step timings, and its audit node.

A run node is written when the run starts (``status: running``) and again when it ends (``completed`` with
its facts, or ``failed`` with the error's class), so a node left ``running`` names a run that was killed.
The "changed since the last run" queries look at completed runs only.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError

from graph.database import Graph
from graph.errors import StoreUnavailableError

#: the audit node each kind of run writes: a MERGE on ``run_id`` (``cypher/run_<kind>.cypher``)
KINDS = ("load", "resolution", "locate", "score", "retention")


def new_run_id(label: str, at: datetime) -> str:
    """Sortable by time, readable in logs and lineage, unique: ``20261202T101500-crm-3f9a1c``."""
    return f"{at:%Y%m%dT%H%M%S}-{label}-{uuid.uuid4().hex[:6]}"


@dataclass
class Run:
    kind: str
    run_id: str
    started_at: datetime
    facts: dict[str, Any] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    steps: dict[str, float] = field(default_factory=dict)
    _clock: float = field(default_factory=time.perf_counter, repr=False)

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self._clock, 3)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a stage, for the run's node and the benchmarks."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = round(self.steps.get(name, 0.0) + time.perf_counter() - started, 3)

    def record(self, **facts: Any) -> None:
        """Facts written on the run's node when it completes (counts, summaries)."""
        self.facts.update(facts)


@contextmanager
def running(graph: Graph, kind: str, label: str | None = None, /, **facts: Any) -> Iterator[Run]:
    """A run of ``kind`` (one of ``KINDS``), its node written at start and at the end, whatever happens.

    ``facts`` are known at the start (the file, the source); more are added with ``Run.record``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of run {kind!r}")
    started_at = datetime.now(UTC)
    run = Run(kind, new_run_id(label or kind, started_at), started_at, dict(facts))
    query = f"run_{kind}"
    graph.write(query, run={**run.facts, "run_id": run.run_id, "started_at": started_at, "status": "running"})
    try:
        yield run
    except BaseException as error:
        ended = {"run_id": run.run_id, "status": "failed", "error": type(error).__name__,
                 "finished_at": datetime.now(UTC), "seconds": run.seconds}
        # when the store itself failed the node stays "running": the original error is what matters
        with contextlib.suppress(DriverError, Neo4jError, OSError, StoreUnavailableError):
            graph.write(query, run=ended)
        raise
    graph.write(query, run={**run.facts, "run_id": run.run_id, "status": "completed",
                            "finished_at": datetime.now(UTC), "seconds": run.seconds})
