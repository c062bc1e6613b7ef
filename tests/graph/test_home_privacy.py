"""C360_HOME keeps its secrets: the store's root password in no command line and no log, and every folder and file
in the home owner-only whatever the umask (issue 14, rows 3 and 4)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from graph.embedded import EmbeddedServer

pytestmark = pytest.mark.store

LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, and as Java's IPv6 socket shows it


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
