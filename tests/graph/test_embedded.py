"""Lifecycle of the embedded store: shared by processes, stopped by the last one, recovered after a crash."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from graph import PortInUseError, Settings, open_graph
from graph.embedded import EmbeddedServer
from tests.helpers import c360

pytestmark = pytest.mark.store


def _alive(pid: int) -> bool:
    """Running: a process that exited and waits to be reaped by its parent (a zombie) is not."""
    try:
        os.kill(pid, 0)
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (ProcessLookupError, FileNotFoundError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_processes_share_one_server_and_the_last_stops_it(tmp_path: Path) -> None:
    server = EmbeddedServer(tmp_path)
    state = server.acquire()
    try:
        result = c360("db", "status", "--json", home=tmp_path)
        assert json.loads(result.stdout)["pid"] == state.pid
        check = c360("check", home=tmp_path)  # takes and releases its own lease
        assert check.returncode == 0, check.stderr
        assert _alive(state.pid), "another process's exit must not stop a server still in use"
        assert server.status() == state
    finally:
        server.release()
    assert server.status() is None and not _alive(state.pid)


def test_pinned_server_outlives_commands(tmp_path: Path) -> None:
    started = c360("db", "start", home=tmp_path)
    assert started.returncode == 0, started.stderr
    try:
        pid = json.loads(c360("db", "status", "--json", home=tmp_path).stdout)["pid"]
        assert c360("check", home=tmp_path).returncode == 0
        assert _alive(pid)
    finally:
        stopped = c360("db", "stop", home=tmp_path)
    assert "stopped" in stopped.stdout and not _alive(pid)
    assert c360("db", "status", home=tmp_path).returncode == 3


def test_stale_state_from_a_crash_is_recovered(tmp_path: Path) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "server.json").write_text(json.dumps(
        {"pid": dead.pid, "bolt_port": 1, "http_port": 2, "started_at": 0.0, "pinned": True}))
    (tmp_path / "leases").mkdir()
    (tmp_path / "leases" / str(dead.pid)).touch()
    with open_graph(Settings(neo4j_uri=None, c360_home=tmp_path)) as graph:
        assert graph.read("ping") == [{"ok": 1}]
        state = EmbeddedServer(tmp_path).status()
        assert state is not None and state.pid != dead.pid
    assert not (tmp_path / "leases" / str(dead.pid)).exists()
    assert EmbeddedServer(tmp_path).status() is None


def test_fixed_port_already_taken(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"port {port}"):
            EmbeddedServer(tmp_path, bolt_port=port).acquire()
