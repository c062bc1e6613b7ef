"""Micro-batches: a burst of posts makes a few resolution runs, not one each, and every post's keys are resolved."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import pipeline
from api.app import create_app
from graph import Graph, Settings
from loaders.run import plan
from pipeline.micro_batches import MicroBatches
from tests.api.test_ingest import source_token
from tests.helpers import query, write_people


class Recorder:
    """A batch's work that keeps what it was given (and can fail, or take its time)."""

    def __init__(self, seconds: float = 0.0, fail_first: bool = False) -> None:
        self.batches: list[tuple[list[str], bool]] = []
        self.seconds = seconds
        self.fail_first = fail_first

    def __call__(self, keys: list[str], other: bool) -> str | None:
        self.batches.append((keys, other))
        time.sleep(self.seconds)
        if self.fail_first and len(self.batches) == 1:
            raise RuntimeError("the store went away")
        return f"run-{len(self.batches)}"


@pytest.fixture
def recorder() -> Iterator[tuple[MicroBatches, Recorder]]:
    work = Recorder(seconds=0.05)
    batches = MicroBatches(work, interval=0.1, max_keys=1000)
    batches.start()
    yield batches, work
    batches.stop()


def test_keys_from_many_threads_make_few_batches(recorder: tuple[MicroBatches, Recorder]) -> None:
    batches, work = recorder
    sequences: list[int] = []
    threads = [threading.Thread(target=lambda i=i: sequences.append(batches.submit([f"k{i}"]))) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert batches.wait(max(sequences), timeout=5)
    assert sorted(k for keys, _ in work.batches for k in keys) == sorted(f"k{i}" for i in range(50))
    assert len(work.batches) <= 5
    status = batches.status()
    assert (status.submitted, status.resolved, status.waiting) == (50, 50, 0)
    assert status.last_run_id == f"run-{len(work.batches)}"


def test_a_full_batch_does_not_wait() -> None:
    work = Recorder()
    batches = MicroBatches(work, interval=30.0, max_keys=3)
    batches.start()
    try:
        sequence = batches.submit(["a", "b", "c"])
        assert batches.wait(sequence, timeout=5), "a full batch runs before its interval"
    finally:
        batches.stop()
    assert work.batches == [(["a", "b", "c"], False)]


def test_nothing_to_do_is_not_a_batch(recorder: tuple[MicroBatches, Recorder]) -> None:
    batches, work = recorder
    assert batches.submit([]) == 0
    assert batches.wait(0, timeout=0.01)
    other = batches.submit([], other=True)
    assert batches.wait(other, timeout=5)
    assert work.batches == [([], True)]


def test_a_failed_run_is_counted_and_the_next_one_runs() -> None:
    work = Recorder(fail_first=True)
    batches = MicroBatches(work, interval=0.01)
    batches.start()
    try:
        assert batches.wait(batches.submit(["a"]), timeout=5)
        assert batches.wait(batches.submit(["b"]), timeout=5)
    finally:
        batches.stop()
    status = batches.status()
    assert (status.runs, status.failures, status.last_run_id) == (2, 1, "run-2")


def test_stopping_runs_what_waits() -> None:
    work = Recorder()
    batches = MicroBatches(work, interval=30.0)
    batches.start()
    batches.submit(["a"])
    batches.stop()
    assert work.batches == [(["a"], False)]


@pytest.mark.store
def test_a_burst_of_posts_makes_far_fewer_resolutions(embedded_graph: Graph, embedded_settings: Settings,
                                                      tmp_path: Path) -> None:
    people = [{"id": str(i), "first_name": "P", "last_name": f"N{i}", "email": f"p{i}@x.fr"} for i in range(50)]
    write_people(tmp_path / "sources", "crm", people)
    write_people(tmp_path / "sources", "webshop", [{"id": "w0", "first_name": "Q", "email": "q@x.fr"}])
    pipeline.load(embedded_graph, plan([tmp_path / "sources"]), embedded_settings.home)
    pipeline.resolve(embedded_graph)
    before = query(embedded_graph, "MATCH (r:ResolutionRun) RETURN count(r) AS n")[0]["n"]
    headers = source_token(embedded_settings, "webshop")
    with TestClient(create_app(embedded_settings)) as client:
        answers = [client.post("/ingest/webshop", json={"rows": [{"id": f"w{i}", "email": f"p{i}@x.fr"}]},
                               headers=headers).json() for i in range(50)]
        last = max(a["resolution"]["sequence"] for a in answers)
        deadline = time.monotonic() + 60
        while (status := client.get("/ingest/status", headers=headers).json())["resolved"] < last:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    runs = query(embedded_graph, "MATCH (r:ResolutionRun) RETURN count(r) AS n")[0]["n"] - before
    assert [a["written"] for a in answers] == [1] * 50
    assert 1 <= runs == status["runs"] <= 12, runs  # 5 on a shared 2-core machine: one per ~200 ms window
    joined = query(embedded_graph, "MATCH (c:Customer)-[:HAS_RECORD]->(w:SourceRecord {source: 'webshop'}) "
                                   "MATCH (c)-[:HAS_RECORD]->(r:SourceRecord {source: 'crm'}) "
                                   "RETURN count(DISTINCT w) AS n")
    assert joined == [{"n": 50}], "every account joined its CRM customer"
