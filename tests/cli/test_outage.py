"""Commands whose store dies under them, or whose disk fills: one line naming the cause, and nothing half-done.

Real processes: ``c360 load`` and ``c360 resolve`` run as subprocesses and the store's java process is killed
with ``kill -9`` while they work (or they are); a full disk is a small tmpfs in a private mount namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from customers.repository import CustomerRepository
from graph import Graph, Settings, open_graph
from tests.helpers import c360, one_error_line, query, write_source

pytestmark = pytest.mark.store

ROWS = 10_000  # three load batches: the first is committed before the store is killed


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A store of its own, started with ``c360 db start``."""
    home = tmp_path / "home"
    started = c360("db", "start", home=home)
    assert started.returncode == 0, started.stderr
    yield home
    c360("db", "stop", home=home)


def _letters(number: int) -> str:
    """A name of its own for each number (names hold no digits)."""
    letters = ""
    while True:
        number, digit = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not number:
            return letters


def _people(directory: Path, rows: int, per_person: int = 1) -> Path:
    """``rows`` customer records, ``per_person`` of them (sharing a customer number) for each person."""
    names = [_letters(i // per_person) for i in range(rows)]
    return write_source(directory, "crm", [f"{i},Ann{name},Lee{name},p{i}@example.com,,FR,75011,N{i // per_person}"
                                           for i, name in enumerate(names)])


def _background(*args: str, home: Path) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.Popen([sys.executable, "-m", "cli", *args], env=environment | {"C360_HOME": str(home)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _store_pid(home: Path) -> int:
    return int(json.loads(c360("db", "status", "--json", home=home).stdout)["pid"])


def _when(graph: Graph, text: str, holds: Callable[[int], bool], process: subprocess.Popen[str]) -> None:
    """Polls a count in the store until it ``holds``, while ``process`` works."""
    deadline = time.monotonic() + 300
    while not holds(query(graph, text)[0]["n"]):
        assert process.poll() is None, f"finished before the moment came: {process.communicate()}"
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _records(home: Path) -> tuple[int, int]:
    with open_graph(Settings(neo4j_uri=None, c360_home=home)) as graph:
        row = query(graph, "MATCH (r:SourceRecord) RETURN count(r) AS n, count(DISTINCT r.key) AS keys")[0]
    return row["n"], row["keys"]


def test_store_killed_during_a_load_is_one_line_and_a_rerun_completes(home: Path, tmp_path: Path) -> None:
    source = _people(tmp_path / "data", ROWS)
    load = _background("load", str(source), "--quiet", home=home)
    with open_graph(Settings(neo4j_uri=None, c360_home=home)) as graph:
        _when(graph, "MATCH (r:SourceRecord) RETURN count(r) AS n", lambda n: n > 0, load)
        os.kill(_store_pid(home), signal.SIGKILL)
        killed = time.monotonic()
    _, stderr = load.communicate(timeout=60)
    assert time.monotonic() - killed < 5
    result = subprocess.CompletedProcess(load.args, load.returncode, "", stderr)
    assert load.returncode == 1
    assert one_error_line(result) == f"error: the store stopped (log: {home / 'log' / 'server.out'})"

    assert c360("db", "start", home=home).returncode == 0
    committed, _ = _records(home)
    assert 0 < committed < ROWS, "the batches committed before the kill are kept"
    again = c360("load", str(source), "--quiet", home=home)
    assert again.returncode == 0, again.stderr
    assert _records(home) == (ROWS, ROWS), "every row once"


def test_resolve_killed_midway_leaves_no_half_written_profile(home: Path, tmp_path: Path) -> None:
    """Profiles appear with their golden values and records in one transaction: a run killed in the middle
    leaves profiles from before it or from it, never one being made."""
    loaded = c360("load", str(_people(tmp_path / "data", 6000, per_person=2)), "--quiet", home=home)
    assert loaded.returncode == 0, loaded.stderr
    settings = Settings(neo4j_uri=None, c360_home=home)
    resolving = _background("resolve", home=home)
    with open_graph(settings) as graph:
        _when(graph, "MATCH (c:Customer) RETURN count(c) AS n", lambda n: n > 0, resolving)
        resolving.send_signal(signal.SIGKILL)
        resolving.wait()
        visible = [row["id"] for row in query(graph, "MATCH (c:Customer) RETURN c.id AS id")]
        profiles = CustomerRepository(graph).customers(visible)
        assert all(profiles)
        half_written = [p.properties["id"] for p in profiles if p is not None and (
            not p.records or p.properties.get("record_count") != len(p.records)
            or p.properties.get("last_name") is None)]
        assert not half_written, f"{len(half_written)} of {len(visible)} profiles half-written"
        assert 0 < len(visible) < 3000, "killed while writing profiles"

    again = c360("resolve", home=home)
    assert again.returncode == 0, again.stderr
    with open_graph(settings) as graph:
        assert query(graph, "MATCH (c:Customer) WHERE c.record_count IS NULL RETURN count(c) AS n")[0]["n"] == 0
        assert query(graph, "MATCH (c:Customer) RETURN count(c) AS n")[0]["n"] == 3000
        assert query(graph, "MATCH (r:SourceRecord) WHERE NOT EXISTS { (:Customer)-[:HAS_RECORD]->(r) } "
                            "RETURN count(r) AS n")[0]["n"] == 0


def _private_tmpfs() -> str | None:
    """Why a private tmpfs cannot be mounted here, or None when it can."""
    if not shutil.which("unshare"):
        return "no unshare(1)"
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                           capture_output=True, text=True, check=False)
    return None if probe.returncode == 0 else f"cannot mount a tmpfs in a user namespace: {probe.stderr.strip()}"


def test_disk_full_during_a_load_is_one_line(tmp_path: Path) -> None:
    """``C360_HOME`` on a 24 MB tmpfs: the store fails a commit with "Transaction error on commit" and the
    cause only in its log (when the log still fits); c360 says the disk is full and where."""
    reason = _private_tmpfs()
    if reason:
        pytest.skip(reason)
    home = tmp_path / "home"
    home.mkdir()
    source = _people(tmp_path / "data", ROWS)
    script = (f'mount -t tmpfs -o size=24m tmpfs "{home}" && "{sys.executable}" -m cli db start >/dev/null && '
              f'"{sys.executable}" -m cli load "{source}" --quiet; code=$?; '
              f'"{sys.executable}" -m cli db stop >/dev/null; exit $code')
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | {"C360_HOME": str(home)}
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], env=environment, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 1, result.stderr
    line = one_error_line(result)
    assert line.startswith("error: disk full (") and str(home) in line, line
