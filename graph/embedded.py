"""Lifecycle of the embedded ArcadeDB server that c360 runs when no Neo4j is configured.

Several c360 processes on one ``C360_HOME`` share a single server: each holds a *lease* (a file named by
its pid) while it uses the store; the last one to leave stops a server it started on demand, while one
started by ``c360 db start`` is *pinned* and runs until ``c360 db stop``. Every decision is taken under an
exclusive file lock, and a state file left by a crash (dead pid, dead port) is detected and discarded.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from graph.errors import PortInUseError, StoreUnavailableError
from graph.home import UMASK, open_private, private_dir, private_home

DATABASE = "graph"
USER = "root"
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class ServerState:
    """What a running server's clients need: written once the server answers queries."""

    pid: int
    bolt_port: int
    http_port: int
    started_at: float
    pinned: bool

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


class EmbeddedServer:
    """The ArcadeDB server whose data, log and password live under one home directory."""

    def __init__(self, home: Path, bolt_port: int = 0, heap: str = "1g") -> None:
        self.home = home
        self.bolt_port = bolt_port
        self.heap = heap

    # -- files -------------------------------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.home / "arcadedb"

    @property
    def log_file(self) -> Path:
        return self.home / "log" / "server.out"  # beside ArcadeDB's own log files

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def _state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def _leases(self) -> Path:
        return self.home / "leases"

    def password(self) -> str:
        """The root password, generated on first use and kept readable by its owner only."""
        private_home(self.home)
        with contextlib.suppress(FileExistsError), open_private(self.password_file, "x") as out:
            out.write(secrets.token_urlsafe(24))
        return self.password_file.read_text().strip()

    # -- public lifecycle --------------------------------------------------------------------------------
    def acquire(self) -> ServerState:
        """Take a lease for this process, starting the server if none is running."""
        with self._locked():
            state = self._live_state() or self._start(pinned=False)
            open_private(self._leases / str(os.getpid()), "a").close()
            return state

    def release(self) -> None:
        """Drop this process's lease; stop an on-demand server that nobody uses any more."""
        with self._locked():
            (self._leases / str(os.getpid())).unlink(missing_ok=True)
            state = self._read_state()
            if state and not state.pinned and not self._live_leases():
                self._stop(state)

    def start(self) -> ServerState:
        """Start (or adopt) the server and pin it, so that it outlives the commands that use it."""
        with self._locked():
            state = self._live_state()
            if state is None:
                return self._start(pinned=True)
            pinned = ServerState(**{**asdict(state), "pinned": True})
            self._write_state(pinned)
            return pinned

    def stop(self) -> bool:
        """Stop the server whatever its leases; returns whether one was running."""
        with self._locked():
            state = self._live_state()
            if state is not None:
                self._stop(state)
            self._state_file.unlink(missing_ok=True)
            return state is not None

    def status(self) -> ServerState | None:
        with self._locked():
            return self._live_state()

    def running(self) -> ServerState | None:
        """The recorded server if its process is alive: cheap enough for every new connection (no lock, no
        query), so that clients see a stopped store at once and follow a restarted one to its new port."""
        state = self._read_state()
        if state is None or not _pid_alive(state.pid) or not _is_our_server(state.pid, self.data_dir):
            return None
        return state

    def clients(self) -> list[int]:
        """Pids of the processes holding a lease now."""
        with self._locked():
            return self._live_leases()

    # -- internals ---------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        private_home(self.home)
        with open_private(self.home / "server.lock") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read_state(self) -> ServerState | None:
        try:
            return ServerState(**json.loads(self._state_file.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def _write_state(self, state: ServerState) -> None:
        tmp = self._state_file.with_suffix(".tmp")
        with open_private(tmp) as out:
            out.write(json.dumps(asdict(state)))
        tmp.replace(self._state_file)

    def _live_state(self) -> ServerState | None:
        """The recorded server if it still answers; a stale record (crash, reboot) is cleaned up."""
        state = self._read_state()
        if state is None:
            return None
        if _pid_alive(state.pid) and self._answers(state):
            return state
        if _pid_alive(state.pid) and _is_our_server(state.pid, self.data_dir):
            _terminate(state.pid)  # alive but deaf: a hung server would hold the data lock forever
        self._state_file.unlink(missing_ok=True)
        return None

    def _live_leases(self) -> list[int]:
        alive: list[int] = []
        for lease in self._leases.glob("*") if self._leases.exists() else []:
            pid = int(lease.name) if lease.name.isdigit() else -1
            if pid > 0 and _pid_alive(pid):
                alive.append(pid)
            else:
                lease.unlink(missing_ok=True)  # left by a process that died without releasing
        return alive

    def _start(self, pinned: bool) -> ServerState:
        bolt_port = self.bolt_port or _free_port()
        if self.bolt_port and not _port_free(self.bolt_port):
            raise PortInUseError(f"port {self.bolt_port} (C360_BOLT_PORT) is already in use")
        http_port = _free_port()
        private_dir(self.data_dir)
        with open_private(self.log_file, "ab") as log:
            process = subprocess.Popen(
                self._command(bolt_port, http_port),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the user's terminal must not kill a shared server
                cwd=self.home, umask=UMASK,  # the files the store writes are owner-only too
            )
        state = ServerState(process.pid, bolt_port, http_port, time.time(), pinned)
        self._wait_ready(process, state)
        self._write_state(state)
        return state

    def _command(self, bolt_port: int, http_port: int) -> list[str]:
        """The java command line: anyone on the machine can read it (``ps``), so the root password goes by
        the path of its 0600 file. Both ports listen on loopback only; c360 itself uses Bolt alone."""
        self.password()  # the file exists before the store reads it
        package = _package_dir()
        return [
            str(package / "jre" / "bin" / "java"),
            "-Xms256m", f"-Xmx{self.heap}", "--add-modules", "jdk.incubator.vector",
            f"-Darcadedb.server.rootPath={self.data_dir}",
            f"-Darcadedb.server.rootPasswordPath={self.password_file}",
            f"-Darcadedb.server.defaultDatabases={DATABASE}[{USER}]",
            "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            f"-Darcadedb.bolt.port={bolt_port}", "-Darcadedb.bolt.host=127.0.0.1",
            "-Darcadedb.server.httpIncomingHost=127.0.0.1", f"-Darcadedb.server.httpIncomingPort={http_port}",
            f"-Darcadedb.cypher.algoMaxWorkingMemory={_algorithm_memory(self.heap)}",
            "-cp", str(package / "jars" / "*"), "com.arcadedb.server.ArcadeDBServer",
        ]

    def _wait_ready(self, process: subprocess.Popen[bytes], state: ServerState) -> None:
        """Poll ``RETURN 1`` on the database: the Bolt port opens before the database exists."""
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StoreUnavailableError(
                    f"the embedded store exited during start (code {process.returncode}); see {self.log_file}")
            if self._answers(state):
                return
            time.sleep(0.25)
        _terminate(process.pid)
        raise StoreUnavailableError(
            f"the embedded store did not answer within {READY_TIMEOUT_S:.0f} s; see {self.log_file}")

    def _answers(self, state: ServerState) -> bool:
        try:
            with (GraphDatabase.driver(state.uri, auth=(USER, self.password()), connection_timeout=2.0) as driver,
                  driver.session(database=DATABASE) as session):  # a session, not execute_query: no retries
                session.run("RETURN 1").consume()
            return True
        except (ServiceUnavailable, SessionExpired, AuthError, OSError):
            return False
        except Exception:  # the server answers but the database is still being created
            return False

    def _stop(self, state: ServerState) -> None:
        if _pid_alive(state.pid):
            _terminate(state.pid)
        self._state_file.unlink(missing_ok=True)


def _package_dir() -> Path:
    """Where the wheel keeps its Java runtime and jars; found, not imported: importing the package would
    load JPype and its JVM bridge into c360, which runs the store as a separate process instead."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise StoreUnavailableError("the arcadedb-embedded package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _terminate(pid: int) -> None:
    """SIGTERM (ArcadeDB closes cleanly in under a second), then SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.1)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)


def _pid_alive(pid: int) -> bool:
    if _reaped(pid):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if _zombie(pid):
        _reaped(pid)  # it may have exited since the first look
        return False
    return True


def _reaped(pid: int) -> bool:
    """Whether ``pid`` was our own child that has exited: reaped now, so it is not left a zombie."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return reaped == pid


def _zombie(pid: int) -> bool:
    """Exited but not yet reaped by its parent (a ``c360 serve`` that started the store on demand, or an init
    that reaps slowly, when ``c360 db stop`` stopped it): dead for us, or stopping it would wait for nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def _is_our_server(pid: int, data_dir: Path) -> bool:
    """Guard against pid reuse: only a java process serving our data directory is ours to kill."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return "ArcadeDBServer" in cmdline and str(data_dir) in cmdline


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_free(port: int) -> bool:
    """Whether the server can listen on ``port``: probed as the server binds it, with ``SO_REUSEADDR``, so that
    the connections of a server just stopped (TIME_WAIT, FIN_WAIT for a minute) do not count as a listener."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _algorithm_memory(heap: str) -> int:
    """Bytes a graph algorithm call may hold: half the heap. The store's default (128 MiB) stops the
    components call near a million nodes (the 100 000-person demo), far below what the heap can give."""
    units = {"k": 2**10, "m": 2**20, "g": 2**30}
    size = int(heap[:-1]) * units[heap[-1].lower()] if heap[-1].lower() in units else int(heap)
    return size // 2
