"""The webhook sender against a real HTTP server: what is retried, what is not, how long it waits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from graph.outbox import ChangeEvent
from sync.destinations import Destination
from sync.messages import message
from sync.webhook import Webhook, backoff

EVENT = ChangeEvent(3, datetime(2026, 12, 2, tzinfo=UTC), "erased", "C1", (), {}, None)


@contextmanager
def answering(*answers: tuple[int, dict[str, str]]) -> Iterator[tuple[str, list[str]]]:
    """A server giving ``answers`` in turn (the last one again after), and the methods it was sent."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            seen.append(self.command)
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            code, headers = answers[min(len(seen), len(answers)) - 1]
            self.send_response(code)
            for name, value in {"Content-Length": "0", **headers}.items():
                self.send_header(name, value)
            self.end_headers()

        do_POST = do_GET = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", seen
    finally:
        server.shutdown()
        server.server_close()


def hook(url: str, waits: list[float]) -> Webhook:
    destination = Destination.model_validate({"name": "crm", "kind": "webhook", "url": url, "secret_env": "K",
                                              "retry": {"attempts": 4, "backoff_seconds": 1, "max_backoff_seconds": 8}})
    return Webhook(destination, b"key", sleep=waits.append)


def test_a_refusal_that_will_not_change_is_not_retried() -> None:
    waits: list[float] = []
    with answering((422, {})) as (url, seen):
        outcome = hook(url, waits).send(message(hook(url, []).destination, EVENT, "urn:c360"))
    assert (outcome.delivered, outcome.attempts, outcome.error) == (False, 1, "HTTP 422 (not retried)")
    assert seen == ["POST"] and waits == []


def test_a_redirect_is_not_followed_as_a_bodiless_get() -> None:
    with answering((302, {"Location": "/elsewhere"}), (200, {})) as (url, seen):
        outcome = hook(url, []).send(message(hook(url, []).destination, EVENT, "urn:c360"))
    assert not outcome.delivered and outcome.error == "HTTP 302 (not retried)" and seen == ["POST"]


def test_busy_answers_are_retried_with_backoff_and_retry_after() -> None:
    waits: list[float] = []
    with answering((503, {"Retry-After": "5"}), (429, {}), (200, {})) as (url, seen):
        outcome = hook(url, waits).send(message(hook(url, []).destination, EVENT, "urn:c360"))
    assert (outcome.delivered, outcome.attempts, outcome.error) == (True, 3, "HTTP 429")
    assert seen == ["POST"] * 3
    assert waits[0] == 5 and 0 <= waits[1] <= 2  # what the receiver asked, then the jittered 2^1 s at most


@pytest.mark.parametrize("attempt", [1, 2, 5, 12])
def test_backoff_is_jittered_exponential_and_capped(attempt: int) -> None:
    waits = [backoff(attempt, 0.5, 10.0) for _ in range(200)]
    assert all(0 <= w <= min(10.0, 0.5 * 2 ** (attempt - 1)) for w in waits)
    assert len(set(waits)) > 100  # jitter: receivers coming back are not hit all at once
    assert backoff(attempt, 0.5, 10.0, asked=30) == 10.0
