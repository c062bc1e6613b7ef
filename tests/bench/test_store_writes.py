"""The store-writes benchmark on a real store, at a tiny size: every case runs, writes its rows and is printed."""

from __future__ import annotations

import pytest

from bench.store_writes import CASES, run
from graph import Graph


def test_every_case_writes_its_rows_and_is_printed(embedded_graph: Graph, capsys: pytest.CaptureFixture[str]) -> None:
    measured = run(embedded_graph, rows=24, batch=8, repeat=2)
    printed = capsys.readouterr().out
    assert [m.case for m in measured] == list(CASES)
    for index, m in enumerate(measured):
        assert f"{m.case.name} " in printed
        assert len(m.rows_per_s) == len(m.elements_per_s) == 2
        for repetition in (1, 2):
            records, _, _ = embedded_graph.driver.execute_query(
                f"MATCH (n:W{index:02d}r{repetition}Record) RETURN count(n) AS n", database_=embedded_graph.database)
            assert records[0]["n"] == 24, m.case.name
    linked = [m for m in measured if "identifier links" in m.case.name]
    assert [m.case.writers for m in linked] == [1, 2]
    assert all(e > r for m in linked for r, e in zip(m.rows_per_s, m.elements_per_s, strict=True))
