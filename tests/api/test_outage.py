"""A running ``c360 serve`` whose store stops, dies and comes back: it answers fast meanwhile and recovers alone.

Real processes throughout: the API is ``c360 serve`` in a subprocess, the store is stopped with ``c360 db stop``
and killed with ``kill -9``, and started again with ``c360 db start`` on the same fixed port, then on another.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from graph import Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from tests.helpers import bearer, c360, deterministic, write_source

pytestmark = pytest.mark.store

QUERY = '{ customerByIdentifier(type: EMAIL, value: "ann@example.com") { firstName } }'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def _eventually(check: Callable[[], bool], within: float) -> float:
    """Seconds until ``check`` held (polled), failing after ``within``."""
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < within, f"not within {within} s"
        time.sleep(0.2)
    return time.monotonic() - started


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[httpx.Client, Path, dict[str, str]]]:
    """``c360 serve`` on a store started by ``c360 db start`` on a fixed port, with one customer in it."""
    home, bolt_port, http_port = tmp_path / "home", _free_port(), _free_port()
    fixed = {"C360_BOLT_PORT": str(bolt_port)}
    assert c360("db", "start", home=home, env=fixed).returncode == 0
    settings = Settings(neo4j_uri=None, c360_home=home, c360_bolt_port=bolt_port)
    with open_graph(settings) as graph:
        for path, mapping in plan([write_source(tmp_path / "data", "crm", ["1,Ann,Lee,ann@example.com,,FR,75011,"])]):
            load_file(graph, path, mapping, home)
        resolve(graph, deterministic())
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | {"C360_HOME": str(home)}
    server = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--port", str(http_port)], env=environment,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    client = httpx.Client(base_url=f"http://127.0.0.1:{http_port}", headers=bearer(settings, "admin"), timeout=90)
    try:
        _eventually(lambda: _ready(client), within=90)
        yield client, home, fixed
    finally:
        client.close()
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        c360("db", "stop", home=home)


def _ready(client: httpx.Client) -> bool:
    try:
        return client.get("/readyz").status_code == 200
    except httpx.TransportError:
        return False


def _answers(client: httpx.Client) -> bool:
    body: dict[str, Any] = client.post("/graphql", json={"query": QUERY}).json()
    return body.get("data") == {"customerByIdentifier": [{"firstName": "Ann"}]} and "errors" not in body


def _fails_fast(client: httpx.Client) -> None:
    """What a client of a store-less API sees: readiness says no at once, queries fail in seconds with a code
    and a time to come back."""
    ready, seconds = _timed(lambda: client.get("/readyz"))
    assert ready.status_code == 503 and seconds < 1.0, (ready.status_code, seconds)

    answer, seconds = _timed(lambda: client.post("/graphql", json={"query": QUERY}))
    assert seconds < 5.0, seconds
    assert answer.status_code == 200 and answer.headers["Retry-After"] == "5"
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "STORE_UNAVAILABLE"
    assert "log" not in error["message"], "the store's paths stay in the server log"

    stores, seconds = _timed(lambda: client.get("/geo/stores.geojson"))
    assert seconds < 5.0, seconds
    assert stores.status_code == 503 and stores.headers["Retry-After"] == "5"
    assert stores.json()["code"] == "STORE_UNAVAILABLE"


def _store_pid(home: Path) -> int:
    return int(json.loads(c360("db", "status", "--json", home=home).stdout)["pid"])


def test_the_api_survives_its_store_stopping_dying_and_moving(
        served: tuple[httpx.Client, Path, dict[str, str]]) -> None:
    client, home, fixed = served
    assert _answers(client)

    assert c360("db", "stop", home=home).returncode == 0
    _fails_fast(client)

    started = time.monotonic()  # the same fixed port at once: the old server's connections must not block it
    restarted = c360("db", "start", home=home, env=fixed)
    assert restarted.returncode == 0, restarted.stderr
    assert time.monotonic() - started < 20
    _eventually(lambda: _answers(client), within=5)

    os.kill(_store_pid(home), signal.SIGKILL)
    _fails_fast(client)

    moved = c360("db", "start", home=home)  # no fixed port this time: a new one
    assert moved.returncode == 0, moved.stderr
    assert f":{fixed['C360_BOLT_PORT']} " not in moved.stdout
    _eventually(lambda: _answers(client), within=5)
    assert _ready(client)
