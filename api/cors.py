"""Cross-origin access (CORS) to the data routes, for pages of other origins that the settings name.

A front end served from another origin (a CRM's page calling ``/graphql``, a dashboard drawing ``/geo``) is
blocked by the browser unless the API says that origin may read its answers. ``C360_CORS_ORIGINS`` lists
them; with none (the default) c360 sends no CORS header at all and only its own pages can read it.

Only ``/graphql`` and ``/geo/*`` take part: pages, static files and probes are for c360's own origin. Callers
authenticate with a bearer token, never a cookie, so credentials are not allowed (no
``Access-Control-Allow-Credentials``) and the preflight admits exactly what the API reads: ``GET``/``POST``
with ``Authorization`` and ``Content-Type``, cached by the browser for ``MAX_AGE_S``. Starlette's
``CORSMiddleware`` answers the preflight (``400`` without an ``Access-Control-Allow-Origin`` for an origin not
listed) and adds the headers to every other answer, errors included, since it wraps everything that may
refuse a request (``api.app``).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: the routes other origins may call
PATHS = ("/graphql", "/geo/")
METHODS = ("GET", "POST")
HEADERS = ("Authorization", "Content-Type")
#: how long a browser may reuse a preflight's answer
MAX_AGE_S = 600


def _shared(path: str) -> bool:
    return any(path == prefix or (prefix.endswith("/") and path.startswith(prefix)) for prefix in PATHS)


class Cors:
    """``CORSMiddleware`` for the routes of ``PATHS``; every other request passes through untouched."""

    def __init__(self, app: ASGIApp, origins: Sequence[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(app, allow_origins=list(origins), allow_methods=list(METHODS),
                                   allow_headers=list(HEADERS), allow_credentials=False, max_age=MAX_AGE_S)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _shared(scope["path"]):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
