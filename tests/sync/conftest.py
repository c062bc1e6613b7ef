"""Two people, Jean and Marie, loaded from a shop's file and resolved: the sync tests' starting graph; and one
pass of the feed to destinations that need no secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import Graph
from loaders.run import load_file, plan
from resolution import resolve
from sync.delivery import deliver_to, sink_for
from sync.destinations import Destination
from tests.helpers import deterministic, query, write_source

ROWS = ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
        "2,Marie,Curie,marie@x.com,06 98 76 54 32,FR,75005,CN2"]


def load(graph: Graph, directory: Path, name: str, rows: list[str]) -> None:
    write_source(directory, name, rows)
    for path, mapping in plan([directory]):
        if mapping.source.name == name:
            load_file(graph, path, mapping, directory / "home")


def holders(graph: Graph) -> dict[str, str]:
    """Each record's customer id."""
    return {r["key"]: r["id"] for r in query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) "
                                                    "RETURN r.key AS key, c.id AS id")}


def send_each(graph: Graph, *destinations: Destination) -> None:
    """One delivery pass to each of ``destinations`` in turn (JSON Lines ones: no secret is read)."""
    for destination in destinations:
        deliver_to(graph, destination, "urn:c360:test", sink_for(destination, {}))


@pytest.fixture
def loaded(embedded_graph: Graph, tmp_path: Path) -> Graph:
    load(embedded_graph, tmp_path / "shop", "shop", ROWS)
    resolve(embedded_graph, deterministic())
    return embedded_graph
