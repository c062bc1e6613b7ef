"""Every kind of run leaves one audit node that says how it ended; "since the last run" means the last one
that completed."""

from __future__ import annotations

import pytest

from graph import Graph
from graph.runs import KINDS, running
from tests.helpers import query

pytestmark = pytest.mark.store

LABELS = {"load": "LoadRun", "resolution": "ResolutionRun", "locate": "LocateRun", "score": "ScoreRun",
          "retention": "RetentionRun"}


def _runs(graph: Graph, label: str) -> list[dict[str, object]]:
    return query(graph, f"MATCH (r:{label}) RETURN r.run_id AS id, r.status AS status, r.error AS error, "
                        "r.source AS source, r.rows AS rows, r.seconds AS seconds, r.finished_at AS finished "
                        "ORDER BY r.started_at")


@pytest.mark.parametrize("kind", KINDS)
def test_a_run_is_recorded_running_then_completed_with_its_facts(graph: Graph, kind: str) -> None:
    with running(graph, kind, "crm", source="crm") as run:
        [seen] = _runs(graph, LABELS[kind])
        assert (seen["id"], seen["status"], seen["source"], seen["finished"]) == (run.run_id, "running", "crm", None)
        with run.step("reading"):
            run.record(rows=3)
    [done] = _runs(graph, LABELS[kind])
    assert (done["status"], done["rows"], done["error"]) == ("completed", 3, None)
    assert done["finished"] is not None and isinstance(done["seconds"], float)
    assert run.run_id.split("-")[1] == "crm" and set(run.steps) == {"reading"}


def test_a_failed_run_says_so_and_is_not_the_last_run(graph: Graph) -> None:
    with running(graph, "resolution", rules="r1"):
        pass
    [completed] = graph.read("resolution_last_run")
    with pytest.raises(ZeroDivisionError), running(graph, "resolution", rules="r1"):
        1 / 0  # noqa: B018
    assert [r["status"] for r in _runs(graph, "ResolutionRun")] == ["completed", "failed"]
    assert _runs(graph, "ResolutionRun")[1]["error"] == "ZeroDivisionError"
    assert graph.read("resolution_last_run") == [completed]  # the next run covers what the failed one missed
    with pytest.raises(KeyError), running(graph, "locate"):
        raise KeyError("x")
    assert graph.read("geo_last_locate_run") == []


def test_an_unknown_kind_is_refused(graph: Graph) -> None:
    with pytest.raises(ValueError, match="unknown kind"), running(graph, "export"):
        pass
