"""The few things the embedded store and Neo4j do differently, and nothing else.

Identity resolution is written once against this interface (like splink's SQL dialects): connected
components come from ``algo.wcc`` on ArcadeDB and from ``gds.wcc`` on Neo4j, and the rest of c360 never
asks which store is running.
"""

from __future__ import annotations

from typing import Any, Protocol

from neo4j import Driver

from cypher import query


class Capabilities(Protocol):
    name: str

    def components(self, driver: Driver, database: str, rel_types: list[str]) -> list[dict[str, Any]]:
        """Weakly connected components of source records over ``rel_types``, computed in the database.

        One row per source record: ``key``, ``component`` (an opaque number) and ``customer_id`` (the
        profile the record belongs to now, or null).
        """
        ...


def _existing_types(driver: Driver, database: str, wanted: list[str]) -> list[str]:
    """Both stores reject a component call naming a relationship type that was never created."""
    records, _, _ = driver.execute_query(query("relationship_types"), database_=database)
    existing = set(records[0]["types"]) if records else set()
    return [t for t in wanted if t in existing]


def _singletons(driver: Driver, database: str) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(query("components_singletons"), database_=database)
    return [r.data() for r in records]


class ArcadeDBCapabilities:
    name = "arcadedb"

    def components(self, driver: Driver, database: str, rel_types: list[str]) -> list[dict[str, Any]]:
        types = _existing_types(driver, database, rel_types)
        if not types:
            return _singletons(driver, database)
        records, _, _ = driver.execute_query(
            query("arcadedb/components"), {"types": ",".join(types)}, database_=database)
        return [r.data() for r in records]


class Neo4jCapabilities:
    name = "neo4j"

    def components(self, driver: Driver, database: str, rel_types: list[str]) -> list[dict[str, Any]]:
        types = _existing_types(driver, database, rel_types)
        if not types:
            return _singletons(driver, database)
        graph_name = "c360-components"
        driver.execute_query(query("neo4j/components_drop"), {"graph": graph_name}, database_=database)
        driver.execute_query(query("neo4j/components_project"), {"graph": graph_name, "types": types},
                             database_=database)
        try:
            records, _, _ = driver.execute_query(
                query("neo4j/components"), {"graph": graph_name}, database_=database)
        finally:
            driver.execute_query(query("neo4j/components_drop"), {"graph": graph_name}, database_=database)
        return [r.data() for r in records]


def detect(agent: str) -> Capabilities:
    """Choose by the server's agent string: ArcadeDB announces itself as ``Neo4j/… (ArcadeDB …)``."""
    return ArcadeDBCapabilities() if "arcadedb" in agent.lower() else Neo4jCapabilities()
