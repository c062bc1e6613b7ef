"""The few things the embedded store and Neo4j do differently, and nothing else.

Identity resolution is written once against this interface (like splink's SQL dialects): connected
components come from ``algo.wcc`` on ArcadeDB and from ``gds.wcc`` on Neo4j, and the rest of c360 never
asks which store is running.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any, Protocol

from neo4j import Driver, RoutingControl
from neo4j.time import Date, DateTime, Time

from cypher import query


class Capabilities(Protocol):
    name: str
    #: the embedded store returns stored datetimes without their offset, normalised to UTC
    naive_datetimes_are_utc: bool

    def stream_components(self, driver: Driver, database: str, types: list[str]) -> list[dict[str, Any]]:
        """Component rows over relationship types that all exist; see ``components``."""
        ...


def components(capabilities: Capabilities, driver: Driver, database: str,
               rel_types: list[str]) -> list[dict[str, Any]]:
    """Weakly connected components of source records over ``rel_types``, computed in the database.

    One row per source record: ``key``, ``component`` (an opaque number) and ``customer_id`` (the profile
    the record belongs to now, or null). Both stores reject a relationship type that was never created, so
    absent ones are left out; with none left, every record is a component of its own.
    """
    records, _, _ = driver.execute_query(query("relationship_types"), database_=database,
                                         routing_=RoutingControl.READ)
    existing = set(records[0]["types"]) if records else set()
    types = [t for t in rel_types if t in existing]
    if not types:
        singletons, _, _ = driver.execute_query(query("components_singletons"), database_=database,
                                                routing_=RoutingControl.READ)
        return [r.data() for r in singletons]
    return capabilities.stream_components(driver, database, types)


class ArcadeDBCapabilities:
    name = "arcadedb"
    naive_datetimes_are_utc = True

    def stream_components(self, driver: Driver, database: str, types: list[str]) -> list[dict[str, Any]]:
        records, _, _ = driver.execute_query(
            query("arcadedb/components"), {"types": ",".join(types)}, database_=database,
            routing_=RoutingControl.READ)
        return [r.data() for r in records]


class Neo4jCapabilities:
    name = "neo4j"
    naive_datetimes_are_utc = False

    def stream_components(self, driver: Driver, database: str, types: list[str]) -> list[dict[str, Any]]:
        """GDS works on a named in-memory projection: project, stream, and always drop it.

        The projection lives in the memory of the one server that made it, so all three steps go to the same
        member: the leader (WRITE routing), although GDS only reads the graph; a cluster would otherwise send
        the stream to a follower that never saw the projection.
        """
        graph_name = "c360-components"
        leader = RoutingControl.WRITE
        driver.execute_query(query("neo4j/components_drop"), {"graph": graph_name}, database_=database,
                             routing_=leader)
        driver.execute_query(query("neo4j/components_project"), {"graph": graph_name, "types": types},
                             database_=database, routing_=leader)
        try:
            records, _, _ = driver.execute_query(
                query("neo4j/components"), {"graph": graph_name}, database_=database, routing_=leader)
        finally:
            driver.execute_query(query("neo4j/components_drop"), {"graph": graph_name}, database_=database,
                                 routing_=leader)
        return [r.data() for r in records]


def to_python(value: Any, naive_is_utc: bool) -> Any:
    """Driver temporal types as Python's, recursively; a stored instant comes back time-zone aware."""
    if isinstance(value, dict):
        return {k: to_python(v, naive_is_utc) for k, v in value.items()}
    if isinstance(value, list):
        return [to_python(v, naive_is_utc) for v in value]
    if isinstance(value, DateTime):
        native = value.to_native()
        return native.replace(tzinfo=UTC) if naive_is_utc and native.tzinfo is None else native
    if isinstance(value, Date | Time):
        return value.to_native()
    return value  # a Duration stays as is: months and days do not fit a timedelta


def detect(agent: str) -> Capabilities:
    """Choose by the server's agent string: ArcadeDB announces itself as ``Neo4j/… (ArcadeDB …)``."""
    return ArcadeDBCapabilities() if "arcadedb" in agent.lower() else Neo4jCapabilities()
