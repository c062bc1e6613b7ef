"""Real stores for the tests: the embedded one always, Neo4j when one can be had.

The embedded server is started once per test session (pinned) and stopped at the end; each store test
gets an empty graph. Neo4j comes from ``NEO4J_URI`` or a testcontainers Neo4j where a Docker engine runs;
elsewhere those parameters are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import Graph, Settings, open_graph
from graph.embedded import EmbeddedServer


@pytest.fixture(scope="session")
def embedded_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("c360-home")
    settings = Settings(neo4j_uri=None, c360_home=home)
    server = EmbeddedServer(settings.home)
    server.start()
    yield settings
    server.stop()


def _neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield Settings(neo4j_uri=uri, neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
                       neo4j_password=os.environ.get("NEO4J_PASSWORD", ""),
                       neo4j_database=os.environ.get("NEO4J_DATABASE", "neo4j"),
                       c360_home=tmp_path_factory.mktemp("c360-neo4j"))
        return
    if not shutil.which("docker") or not Path("/var/run/docker.sock").exists():
        pytest.skip("Neo4j store tests need NEO4J_URI or a Docker engine for testcontainers; neither is here")
    from testcontainers.neo4j import Neo4jContainer

    container = Neo4jContainer("neo4j:5.26-community").with_env("NEO4J_PLUGINS", '["apoc","graph-data-science"]')
    with container:
        yield Settings(neo4j_uri=container.get_connection_url(), neo4j_user="neo4j",
                       neo4j_password=container.password, c360_home=tmp_path_factory.mktemp("c360-neo4j"))


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    yield from _neo4j_settings(tmp_path_factory)


@pytest.fixture(params=["embedded", "neo4j"])
def store_settings(request: pytest.FixtureRequest) -> Settings:
    """Settings of each real store in turn: store tests run against both."""
    return request.getfixturevalue(f"{request.param}_settings")  # type: ignore[no-any-return]


@pytest.fixture
def graph(store_settings: Settings) -> Iterator[Graph]:
    """An empty graph on a real store, schema applied."""
    with open_graph(store_settings) as opened:
        clear(opened)
        opened.apply_schema()
        yield opened


@pytest.fixture
def embedded_graph(embedded_settings: Settings) -> Iterator[Graph]:
    with open_graph(embedded_settings) as opened:
        clear(opened)
        yield opened


def clear(graph: Graph) -> None:
    while graph.write("admin_clear", batch=10_000)[0]["deleted"]:
        pass
