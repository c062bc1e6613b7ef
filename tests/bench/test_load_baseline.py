"""The load benchmark's fair baseline on a real store: it writes what it claims, shaped as the loader writes."""

from __future__ import annotations

from pathlib import Path

from neo4j.time import Date, DateTime

from bench.customer_rows import IDENTIFIERS, PROPERTIES, customer_rows, elements
from bench.load import fair_rate, loader_query_rate
from graph import Graph
from loaders.run import load_file, plan
from synthetic import generate


def _one(graph: Graph, text: str) -> object:
    records, _, _ = graph.driver.execute_query(text, database_=graph.database)
    return records[0][0]


def test_fair_baseline_writes_exactly_the_rows_asked_with_the_claimed_shape(embedded_graph: Graph) -> None:
    rows_per_s, elements_per_s = fair_rate(embedded_graph, 90)
    assert _one(embedded_graph, "MATCH (r:FairRecord) RETURN count(r)") == 90
    assert _one(embedded_graph, "MATCH (r:FairRecord) RETURN collect(DISTINCT size(keys(r)))") == [PROPERTIES]
    assert _one(embedded_graph, "MATCH (:FairRecord)-[h]->(:FairIdentifier) RETURN count(h)") == 90 * IDENTIFIERS
    assert _one(embedded_graph, "MATCH (i:FairIdentifier) RETURN count(i)") == 90 * 2 + 45  # customer numbers paired
    assert elements(customer_rows(90, "fair")) == 90 + 225 + 270
    assert 0 < rows_per_s < elements_per_s


def test_fair_record_is_a_loaded_crm_record(embedded_graph: Graph, tmp_path: Path) -> None:
    """Same property names and types as a full CRM record the loader wrote, instants included."""
    generate(40, tmp_path, seed=3)
    for path, mapping in plan([tmp_path]):
        if mapping.source.name == "crm":
            load_file(embedded_graph, path, mapping, tmp_path / "home")
    fair_rate(embedded_graph, 10)
    loaded, _, _ = embedded_graph.driver.execute_query(
        "MATCH (r:SourceRecord) RETURN properties(r) AS p", database_=embedded_graph.database)
    fair, _, _ = embedded_graph.driver.execute_query(
        "MATCH (r:FairRecord) RETURN properties(r) AS p LIMIT 1", database_=embedded_graph.database)
    types = {k: type(v) for record in loaded for k, v in record["p"].items()}
    claimed = fair[0]["p"]
    assert {k: type(v) for k, v in claimed.items()}.items() <= types.items()
    assert (type(claimed["birth_date"]), type(claimed["loaded_at"])) == (Date, DateTime)
    assert max(len(record["p"]) for record in loaded) >= PROPERTIES


def test_loader_query_alone_writes_the_rows_through_load_customers(embedded_graph: Graph) -> None:
    loader_query_rate(embedded_graph, 30)
    assert _one(embedded_graph, "MATCH (r:SourceRecord) WHERE r.key STARTS WITH 'crm-query:' RETURN count(r)") == 30
    assert _one(embedded_graph, "MATCH (:SourceRecord)-[h:HAS_IDENTIFIER]->() RETURN count(h)") == 30 * IDENTIFIERS
