"""A store that stops, dies or comes back on another port: clients learn it at once and follow it."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pytest

from graph import Settings, StoreUnavailableError, open_graph
from graph.embedded import EmbeddedServer

pytestmark = pytest.mark.store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fails_within(seconds: float, match: str, call: object) -> None:
    started = time.monotonic()
    with pytest.raises(StoreUnavailableError, match=match):
        call()  # type: ignore[operator]
    assert time.monotonic() - started < seconds


def test_a_graph_follows_its_store_through_a_crash_and_a_restart_on_another_port(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path)
    first = server.start()
    try:
        with open_graph(Settings(neo4j_uri=None, c360_home=tmp_path)) as graph:
            assert graph.read("ping") == [{"ok": 1}]
            os.kill(first.pid, signal.SIGKILL)
            _fails_within(2.0, rf"^the store stopped \(log: {server.log_file}\)$", lambda: graph.read("ping"))
            second = server.start()
            assert second.bolt_port != first.bolt_port
            assert graph.read("ping") == [{"ok": 1}], "the same graph reaches the store on its new port"
            server.stop()
            _fails_within(2.0, "^the store stopped", lambda: graph.write("ping"))
    finally:
        server.stop()


def test_stop_then_start_on_a_fixed_port_at_once(tmp_path: Path) -> None:
    """Stopping a store with clients connected leaves its side of their connections waiting for a minute
    (FIN_WAIT, TIME_WAIT): that must not keep it from listening on its port again."""
    port = _free_port()
    server = EmbeddedServer(tmp_path, bolt_port=port)
    server.start()
    try:
        with open_graph(Settings(neo4j_uri=None, c360_home=tmp_path, c360_bolt_port=port)) as graph:
            assert graph.read("ping") == [{"ok": 1}]  # a pooled connection the server will close
            assert server.stop()
            started = time.monotonic()
            assert server.start().bolt_port == port
            assert time.monotonic() - started < 15
            assert graph.read("ping") == [{"ok": 1}]
    finally:
        server.stop()


def test_a_neo4j_uri_fails_fast_while_down_and_reconnects(tmp_path: Path) -> None:
    """With ``NEO4J_URI`` the address is fixed: a refused connection is an error at once, not after the
    driver's 30 s of retries, and the same driver is back when the server is. (The embedded server plays
    Neo4j here, reached through the URI like any Bolt server.)"""
    port = _free_port()
    server = EmbeddedServer(tmp_path / "store", bolt_port=port)
    server.start()
    uri = f"bolt://127.0.0.1:{port}"
    settings = Settings(neo4j_uri=uri, neo4j_user="root", neo4j_password=server.password(), neo4j_database="graph",
                        c360_home=tmp_path / "client")
    try:
        with open_graph(settings) as graph:
            assert graph.read("ping") == [{"ok": 1}]
            server.stop()
            _fails_within(3.0, f"^cannot reach the graph store at {uri}: ", lambda: graph.read("ping"))
            server.start()
            assert graph.read("ping") == [{"ok": 1}]
    finally:
        server.stop()
