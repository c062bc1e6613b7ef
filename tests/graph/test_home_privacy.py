"""C360_HOME keeps its secrets: the store's root password in no command line and no log, and every folder and file
in the home owner-only whatever the umask (issue 14, rows 3 and 4)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from graph.embedded import EmbeddedServer
from tests.helpers import c360

pytestmark = pytest.mark.store

CUSTOMER_SOURCES = ("crm.csv", "webshop.jsonl", "loyalty.csv")
LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, and as Java's IPv6 socket shows it


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """The usual default umask (022) for this process and the commands it starts."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``: the store must not hand its secret to a helper process either."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat_line = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat_line.rsplit(")", 1)[1].split()[1])  # after "(comm)": state, then ppid
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _listening_hosts(port: int) -> set[str]:
    """The local addresses a TCP port listens on, as the kernel writes them (hexadecimal)."""
    hosts = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                hosts.add(address)
    return hosts


def _modes(home: Path) -> dict[str, str]:
    """``relative path -> octal mode`` of the home and everything in it (symbolic links not followed)."""
    modes = {".": oct(stat.S_IMODE(home.stat().st_mode))}
    for path in home.rglob("*"):
        if not path.is_symlink():
            modes[str(path.relative_to(home))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return modes


def _loose(home: Path) -> dict[str, str]:
    """What in the home another user could read or enter: folders not 0700, files not 0600."""
    return {name: mode for name, mode in _modes(home).items()
            if mode != (oct(0o700) if (home / name).is_dir() else oct(0o600))}


def test_root_password_is_in_no_command_line_and_no_file_but_its_own(tmp_path: Path) -> None:
    home = tmp_path / "home"
    server = EmbeddedServer(home)
    state = server.start()
    password = server.password().encode()
    try:
        processes = [state.pid, *_descendants(state.pid)]
        for pid in processes:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            assert b"ArcadeDBServer" in cmdline or pid != state.pid
            assert password not in cmdline, f"the root password is in the command line of pid {pid}"
        # the store's own HTTP API answers Cypher to whoever has the password: loopback only
        for port in (state.http_port, state.bolt_port):
            assert set() < _listening_hosts(port) <= LOOPBACK
    finally:
        server.stop()
    leaked = [str(path.relative_to(home)) for path in home.rglob("*")
              if path.is_file() and path != server.password_file and password in path.read_bytes()]
    assert not leaked, f"the root password is written in {leaked}"
    assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600


def test_home_is_owner_only_after_demo_load_and_resolve_whatever_the_umask(tmp_path: Path) -> None:
    home = tmp_path / "home"
    sources = home / "demo-data"
    with umask(0o022):
        demo = c360("demo", "--no-serve", "--customers", "300", home=home)
        assert demo.returncode == 0, demo.stderr
        loaded = c360("load", "--quiet", *(str(sources / name) for name in CUSTOMER_SOURCES), home=home)
        assert loaded.returncode == 0, loaded.stderr
        resolved = c360("resolve", home=home)
        assert resolved.returncode == 0, resolved.stderr
    written = _modes(home)
    # what the issue names is there to be checked: the store's files, its logs, rejects and the matching cache
    for kind in ("arcadedb/databases/graph/", "log/server.out", "log/arcadedb.log", "rejects/", "cache/",
                 "demo-data/crm.csv", "leases", "password", "server.lock"):
        assert any(name.startswith(kind) and name != kind for name in written) or kind in written, kind
    assert _loose(home) == {}


def test_an_older_home_open_to_others_is_tightened_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    home = tmp_path / "home"
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("not c360's\n")
    outside.chmod(0o644)
    for name in ("rejects", "cache", "log", "arcadedb/databases/graph"):
        (home / name).mkdir(parents=True)
    for file in ("rejects/20250101T000000-crm-abcdef.jsonl", "cache/records-graph.pickle", "log/server.out",
                 "arcadedb/databases/graph/Customer_0.9.65536.v0.bucket", "password"):
        (home / file).write_text("personal data\n")
        (home / file).chmod(0o644)
    for directory in (home, *(path for path in home.rglob("*") if path.is_dir())):
        directory.chmod(0o755)
    (home / "rejects" / "source.csv").symlink_to(outside)  # a link is not followed out of the home

    with caplog.at_level(logging.INFO, logger="c360"):
        EmbeddedServer(home).status()  # the first use of the home by this version
    assert _loose(home) == {}
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644
    said = [record.getMessage() for record in caplog.records if record.levelno == logging.INFO]
    assert len(said) == 1 and "owner-only" in said[0] and "personal data" not in said[0], said
    assert "rejects" not in said[0] and "cache" not in said[0]

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="c360"):
        EmbeddedServer(home).status()
    assert not [record for record in caplog.records if record.levelno == logging.INFO], "tightened once only"
