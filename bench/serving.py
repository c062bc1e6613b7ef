"""`c360 serve` as its own process, for the benchmarks that measure the API over HTTP as clients reach it, and
the tokens they call it with.

The server is the real command (uvicorn, its workers, its lifespan), not the app in the benchmark's process: a
figure measured in-process would leave out HTTP and share the load generator's interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx2

from api.auth import issue_token, signing_key
from graph import Settings

#: a generous wait: on a busy shared machine the server's start alone takes 15 s or more
READY_TIMEOUT_S = 300.0


@contextmanager
def served(settings: Settings, port: int, workers: int = 1) -> Iterator[str]:
    """`c360 serve` on the store of ``settings``, once ``/readyz`` answers (the store reached, not just the port
    open): its base URL; the server is stopped on leaving. Its error output goes to a file, not a pipe nobody
    reads, which would stall a server that logs much."""
    env = {**os.environ, "C360_HOME": str(settings.home)}
    c360 = Path(sys.executable).with_name("c360")
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen([str(c360), "serve", "--port", str(port), "--workers", str(workers)], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(server, base)
            yield base
        except _NotReady as why:
            log.seek(0)
            state = f"exited with {server.returncode}" if server.poll() is not None else "still starting"
            raise SystemExit(f"c360 serve on port {port} did not become ready in {READY_TIMEOUT_S:.0f} s "
                             f"({state}; {why}): {log.read().decode(errors='replace')}") from None
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class _NotReady(Exception):
    pass


def _wait_ready(server: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline and server.poll() is None:
        try:
            answer = httpx2.get(f"{base}/readyz", timeout=5)
            if answer.status_code == 200:
                return
            last = f"/readyz answered {answer.status_code}: {answer.text[:200]}"
        except httpx2.TransportError as error:
            last = f"/readyz: {type(error).__name__} {error}"
        time.sleep(0.3)
    raise _NotReady(last)


def token(settings: Settings, role: str, source: str | None = None) -> str:
    """A bearer token of ``role`` (a ``source`` token names its source), valid for the length of a benchmark."""
    return issue_token(signing_key(settings), role, "bench", timedelta(hours=2), source=source)
