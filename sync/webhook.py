"""A webhook destination: each event POSTed as a signed CloudEvent, retried with exponential backoff and jitter.

The standard library's HTTP client is enough for one POST at a time, and keeps the runtime free of another
dependency. What a receiver answers is not trusted: only its status code is kept, never its body.
"""

from __future__ import annotations

import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from sync.destinations import Destination
from sync.messages import CONTENT_TYPE, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, Message, signature


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: urllib would follow a 302 to a POST with a bodiless GET and
    count its 200 as delivered. The 3xx is kept as a refusal (a dead letter naming it) instead."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)
#: answers worth trying again: the receiver is busy, restarting or timed out; other 4xx will not change
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Outcome:
    """How sending one event ended: delivered or not, after how many attempts, and the last failed attempt's
    error (a delivery that needed retries has one too)."""

    delivered: bool
    attempts: int
    error: str | None = None


class Webhook:
    def __init__(self, destination: Destination, secret: bytes, sleep: Callable[[float], None] = time.sleep) -> None:
        assert destination.url is not None
        self.destination = destination
        self._secret = secret
        self._sleep = sleep

    def send(self, message: Message) -> Outcome:
        """POST until delivered, a permanent refusal, or the destination's attempts are spent."""
        retry = self.destination.retry
        body = message.body()
        error = None
        for attempt in range(1, retry.attempts + 1):
            status, failure, wait = self._post(body, message)
            if failure is None:
                return Outcome(True, attempt, error)
            error = failure
            if status is not None and status not in RETRYABLE:
                return Outcome(False, attempt, f"{error} (not retried)")
            if attempt < retry.attempts:
                self._sleep(backoff(attempt, retry.backoff_seconds, retry.max_backoff_seconds, wait))
        return Outcome(False, retry.attempts, error)

    def flush(self) -> None:
        """Nothing is buffered: each POST is answered before the next."""

    def _post(self, body: bytes, message: Message) -> tuple[int | None, str | None, float | None]:
        """Status, error (None when delivered) and the wait the receiver asked for (``Retry-After``)."""
        assert self.destination.url is not None
        request = urllib.request.Request(self.destination.url, data=body, method="POST", headers={
            "Content-Type": CONTENT_TYPE, SIGNATURE_HEADER: signature(self._secret, body),
            IDEMPOTENCY_HEADER: message.event["id"], "User-Agent": "c360-sync/1"})
        try:
            with _OPENER.open(request, timeout=self.destination.retry.timeout_seconds) as response:
                response.read(65536)
                return response.status, None, None
        except urllib.error.HTTPError as refused:
            with refused:
                return refused.code, f"HTTP {refused.code}", _retry_after(refused.headers.get("Retry-After"))
        except (urllib.error.URLError, OSError) as failed:
            reason = getattr(failed, "reason", failed)
            return None, f"cannot reach the destination: {type(reason).__name__}", None


def backoff(attempt: int, base: float, ceiling: float, asked: float | None = None) -> float:
    """Seconds before attempt ``attempt + 1``: exponential, capped, with full jitter (so receivers coming
    back are not hit by every sender at once); at least what the receiver asked for, within the cap."""
    wait = random.uniform(0, min(ceiling, base * 2 ** (attempt - 1)))
    return min(ceiling, max(wait, asked or 0.0))


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the backoff decides
