"""Every shipped query parses on the store that runs it, and the schema applies idempotently."""

from __future__ import annotations

import pytest

import cypher
from graph import Graph

pytestmark = pytest.mark.store

STORE_SPECIFIC = {"arcadedb": "neo4j/", "neo4j": "arcadedb/"}


def test_every_query_is_found() -> None:
    names = cypher.names()
    assert "load_customers" in names and "arcadedb/components" in names and "neo4j/components" in names
    assert all(cypher.query(name) for name in names)


@pytest.mark.parametrize("name", [n for n in cypher.names() if n != "schema"])
def test_query_explains(graph: Graph, name: str) -> None:
    if name.startswith(STORE_SPECIFIC[graph.capabilities.name]):
        pytest.skip(f"{name} is for the other store")
    graph.driver.execute_query("EXPLAIN " + cypher.query(name), database_=graph.database)


def test_schema_applies_twice_and_creates_constraints(graph: Graph) -> None:
    graph.apply_schema()
    graph.apply_schema()
    records, _, _ = graph.driver.execute_query("SHOW CONSTRAINTS", database_=graph.database)
    names = {r["name"] for r in records}
    assert {"source_record_key", "identifier_key", "customer_id"} <= names


def test_comments_are_stripped_and_statements_split() -> None:
    statements = cypher.statements("schema")
    assert len(statements) >= 5
    assert not any(s.startswith("//") for s in statements)
