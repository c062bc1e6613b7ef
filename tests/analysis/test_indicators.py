"""The dashboard's indicators on a small graph whose every figure is counted here by hand.

Six records of four people from two sources, loaded in three months (the load times are set to chosen days),
resolved once, scored twice around a purchase, and three data-quality checks.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis.indicators import Month, indicators
from graph import Graph, Settings
from loaders.run import load_file, plan
from resolution import resolve
from scoring.score import score_customers
from tests.helpers import customer_of, deterministic, query, write_field_sources

pytestmark = pytest.mark.store

PERSON = ["id", "first_name", "last_name", "email", "country"]
CRM = [["1", "Anne", "Roux", "anne@x.fr", "FR"], ["2", "Anne", "Roux", "anne@x.fr", "FR"],
       ["3", "Bruno", "Petit", "bruno@x.fr", "FR"], ["4", "Chloé", "Martin", "chloe@x.fr", "FR"],
       ["5", "Denis", "Morel", "denis@x.fr", "FR"]]
SHOP = [["1", "Bruno", "Petit", "bruno@x.fr", "FR"]]
LOADED = {"crm:1": "2024-01-10", "crm:2": "2024-03-05", "crm:3": "2024-01-20", "shop:1": "2024-02-01",
          "crm:4": "2024-03-01", "crm:5": "2024-03-31"}


def _load(graph: Graph, directory: Path, home: Path, sources: dict[str, tuple[str, list[str], list[list[str]]]]
          ) -> None:
    write_field_sources(directory, sources)
    for path, mapping in plan([directory]):
        load_file(graph, path, mapping, home)


def test_indicators_on_a_small_graph(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    graph, home = embedded_graph, embedded_settings.home
    _load(graph, tmp_path / "people", home, {"crm": ("customers", PERSON, CRM), "shop": ("customers", PERSON, SHOP)})
    for key, day in LOADED.items():
        query(graph, "MATCH (r:SourceRecord {key: $key}) SET r.loaded_at = $at", key=key,
              at=datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC))
    resolve(graph, deterministic())
    score_customers(graph)  # nobody has bought: all prospects, moved from nowhere
    _load(graph, tmp_path / "till", home, {"till": (
        "transactions", ["id", "at", "amount", "email", "currency"],
        [["T1", "2024-03-02T10:00:00Z", "25.00", "chloe@x.fr", "EUR"]])})
    score_customers(graph)  # Chloé moves
    for n, (day, passed, checks, failed) in enumerate([("2024-03-01", True, 12, 0), ("2024-03-02", False, 12, 3),
                                                       ("2024-02-28", True, 10, 0)]):
        query(graph, "CREATE (:QualityRun {id: $id, at: $at, passed: $passed, checks: $checks, failed: $failed, "
                     "report: 'crm:1 anne@x.fr'})", id=f"Q{n}", at=datetime.fromisoformat(day).replace(tzinfo=UTC),
              passed=passed, checks=checks, failed=failed)

    found = indicators(graph)

    assert found.months == [Month("2024-01", 2, 2, 2, 2), Month("2024-02", 1, 0, 3, 2), Month("2024-03", 3, 2, 6, 4)]
    assert found.sources == [{"source": "crm", "records": 5}, {"source": "shop", "records": 1}]
    loads = [(r["source"], r["kind"], r["accepted"]) for r in found.loads]
    assert sorted(loads[:2]) == [("crm", "customers", 5), ("shop", "customers", 1)]
    assert loads[2] == ("till", "transactions", 1)  # oldest first
    profiles = found.profiles
    assert (profiles.customers, profiles.records, profiles.multi_record, profiles.sizes) == (4, 6, 2, [[1, 2], [2, 2]])
    assert profiles.records_per_customer == 1.5 and profiles.multi_record_share == 0.5
    [run] = found.resolution
    assert (run.mode, run.records, run.customers, run.merged_records) == ("full", 6, 4, 4)
    assert run.records_per_customer == 1.5 and run.matched_share == pytest.approx(4 / 6)

    first, second = found.scoring
    assert first.at < second.at
    assert first.segments["Prospects"] == 4 and first.moves == [[None, "Prospects", 4]]
    chloe = query(graph, "MATCH (c:Customer {id: $id}) RETURN c.segment AS segment",
                  id=customer_of(graph, "email:chloe@x.fr"))[0]["segment"]
    assert chloe != "Prospects"
    assert second.segments["Prospects"] == 3 and second.segments[chloe] == 1 and second.buyers == 1
    assert sorted(second.moves) == sorted([["Prospects", chloe, 1], ["Prospects", "Prospects", 3]])

    assert [(q.id, q.passed, q.checks, q.failed) for q in found.quality] == \
        [("Q2", True, 10, 0), ("Q0", True, 12, 0), ("Q1", False, 12, 3)]
    assert not hasattr(found.quality[0], "report")  # a check's report may quote source values: never shown


def test_an_empty_graph_has_empty_indicators(embedded_graph: Graph) -> None:
    found = indicators(embedded_graph)
    assert found.months == [] and found.sources == [] and found.resolution == [] and found.quality == []
    assert found.profiles.customers == 0 and found.profiles.records_per_customer is None
