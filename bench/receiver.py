"""A webhook receiver on loopback for the sync benchmarks and tests: a stdlib HTTP server in a thread that checks
each POST's ``X-C360-Signature`` and hands what passes to an "on arrival" callback, which answers it.

The signature is checked with ``sync.messages.signature``, the very code that signs, so the scheme is written
once (the documented receiver snippet in docs/sync.md is tested against it apart). It lives in ``bench`` rather
than ``sync``: c360 never receives its own webhooks, and a server with no TLS, no size limit and no replay
window is scaffolding to measure and test with, not a reference for a CRM to copy.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sync.messages import SIGNATURE_HEADER, signature


@dataclass(frozen=True)
class Arrival:
    """One POST as it arrived: its raw body, its headers (names in lower case) and the wall-clock second its
    body was read, before any checking."""

    body: bytes
    headers: dict[str, str]
    at: float

    @property
    def event(self) -> dict[str, Any]:
        """The CloudEvent the body holds (parse only once the signature held)."""
        return json.loads(self.body)  # type: ignore[no-any-return]


def signed(arrival: Arrival, secret: bytes) -> bool:
    """Whether the body carries c360's HMAC-SHA256 signature under ``secret`` (constant-time comparison)."""
    return hmac.compare_digest(signature(secret, arrival.body), arrival.headers.get(SIGNATURE_HEADER.lower(), ""))


@contextmanager
def receiving(secret: bytes, on_arrival: Callable[[Arrival], int], *, port: int = 0,
              on_refused: Callable[[Arrival], None] | None = None) -> Iterator[str]:
    """A receiver listening on 127.0.0.1:``port`` (0: any free one) while the block runs; its events URL.

    ``on_arrival`` is called with each POST whose signature holds, from the server's threads, and returns the
    status code to answer; any other POST is answered 401 after ``on_refused`` is told of it."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            arrival = Arrival(body, {k.lower(): v for k, v in self.headers.items()}, time.time())
            if signed(arrival, secret):
                code = on_arrival(arrival)
            else:
                code = 401
                if on_refused is not None:
                    on_refused(arrival)
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)  # reuses the address: a restart gets its port back
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
