"""A cap on request bodies, enforced before anything reads them: one client's 100 MB POST must not hold the server.

Pure ASGI and nothing buffered: a ``Content-Length`` over the cap is refused before the app runs, and a body sent
without one (chunked) is counted as the app reads it and refused the moment it passes the cap. The answer is
``413`` with a JSON body, and the connection is closed so the client stops sending.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _OverLimit(Exception):
    """Raised into the app by its ``receive`` when the body passes the cap; never leaves the middleware."""


class BodyLimit:
    """Refuses HTTP request bodies larger than ``max_bytes`` with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self.refuse(scope, receive, send)
            return
        received = 0
        answered = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _OverLimit
            return message

        async def watched(message: Message) -> None:
            nonlocal answered
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _OverLimit:
            if answered:  # too late for a status: the server closes the connection
                raise
            await self.refuse(scope, receive, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"error": "content_too_large",
             "message": f"the request body is larger than the limit of {self.max_bytes:,} bytes"},
            status_code=413, headers={"Connection": "close"})
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    """The declared body size; ``None`` when absent or not a number (then the body is counted as it comes)."""
    value = Headers(scope=scope).get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
