"""``neo4j://`` and ``neo4j+s://`` (a cluster, Aura): a routing driver, members left to its failover, reads
routed to followers.

No cluster runs here: the driver is checked as built, the resolver as called, and a routing driver end to end
against the embedded server, which answers Bolt's ROUTE request with itself in every role.
"""

from __future__ import annotations

import ast
import socket
from pathlib import Path

import pytest
from neo4j import Address, BoltDriver, Neo4jDriver
from pydantic import ValidationError

from graph import Settings, StoreUnavailableError, open_graph
from graph.availability import RemoteAvailability
from graph.database import Connection, driver_for
from graph.embedded import EmbeddedServer

ROOT = Path(__file__).parents[2]
AURA = "neo4j+s://c360.databases.example.invalid"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _driver(uri: str) -> Neo4jDriver | BoltDriver:
    driver = driver_for(Connection(uri, "neo4j", "neo4j", "NEO4J_PASSWORD"), "secret", RemoteAvailability(uri, 1.0))
    assert isinstance(driver, Neo4jDriver | BoltDriver)
    return driver


def test_an_aura_uri_gets_a_routing_driver_that_encrypts() -> None:
    driver = _driver(AURA)
    try:
        assert isinstance(driver, Neo4jDriver) and driver.encrypted
    finally:
        driver.close()
    single = _driver("bolt://127.0.0.1:7687")
    try:
        assert isinstance(single, BoltDriver) and not single.encrypted
    finally:
        single.close()


def test_settings_take_cluster_uris_and_refuse_what_the_driver_cannot_use() -> None:
    settings = Settings(neo4j_uri=AURA, neo4j_database="neo4j")
    assert not settings.embedded and settings.neo4j_uri == AURA
    for wrong in ("http://localhost:7474", "localhost:7687", "neo4j+x://host"):
        with pytest.raises(ValidationError, match="NEO4J_URI must start with"):
            Settings(neo4j_uri=wrong)


def test_a_cluster_member_down_is_left_to_the_driver_a_single_server_down_is_reported() -> None:
    """The routing driver asks the resolver for every router and member it connects to and moves on from
    one that fails; raising there would fail a query the rest of the cluster can answer."""
    down = Address(("127.0.0.1", _closed_port()))
    for uri in (f"neo4j://127.0.0.1:{down.port}", f"neo4j+s://127.0.0.1:{down.port}"):
        assert list(RemoteAvailability(uri, 1.0).addresses(down)) == [down]
    aura_member = Address(("c360-member-2.databases.example.invalid", 7687))
    [kept] = RemoteAvailability(AURA, 1.0).addresses(aura_member)
    assert kept.host == aura_member.host, "the host name stays, for +s to verify the certificate against"
    single = f"bolt://127.0.0.1:{down.port}"
    with pytest.raises(StoreUnavailableError, match=f"^cannot reach the graph store at {single}: "):
        list(RemoteAvailability(single, 1.0).addresses(down))


@pytest.mark.store
def test_a_routing_uri_reads_and_writes_through_the_routing_table(tmp_path: Path) -> None:
    port = _closed_port()
    server = EmbeddedServer(tmp_path / "store", bolt_port=port)
    server.start()
    settings = Settings(neo4j_uri=f"neo4j://127.0.0.1:{port}", neo4j_user="root", neo4j_password=server.password(),
                        neo4j_database="graph", c360_home=tmp_path / "client")
    try:
        with open_graph(settings) as graph:
            assert isinstance(graph.driver, Neo4jDriver)
            props = {"key": "s1", "name": "Lyon Part-Dieu", "city": "Lyon", "latitude": 45.76, "longitude": 4.86}
            graph.write("load_stores", rows=[{"key": "s1", "hash": "h1", "props": props}], run_id="r1",
                        loaded_at="2026-01-01")
            assert [row["key"] for row in graph.read("geo_stores")] == ["s1"]
    finally:
        server.stop()


def test_every_query_the_code_sends_names_its_routing() -> None:
    """The driver's default is WRITE: a read that does not say READ goes to the leader and never to a
    follower. ``Graph.read`` says it; so must any other call that sends a query, benchmarks included."""
    unnamed = []
    for path in sorted(ROOT.glob("*/*.py")):
        if path.parts[len(ROOT.parts)] in {"tests", ".venv"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "execute_query"
                    and not any(keyword.arg == "routing_" for keyword in node.keywords)):
                unnamed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unnamed == []
