"""Security headers on every response: pages run only the scripts c360 ships, and no other site frames them.

Every response gets a strict Content-Security-Policy: scripts, styles, data and images from this server only,
no inline script, no plugins, no framing. Source text on the map is written as text (``api/static/map.js``);
the policy is the second wall should that ever slip.

GraphiQL (``/graphql``) is c360's own page (``api/static/graphiql.html``) on the vendored React and GraphiQL,
started by a static script: it runs under the same policy, except that GraphiQL's fonts are ``data:`` URLs
inside its stylesheet, so its policy allows ``data:`` fonts.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

GRAPHIQL_PATH = "/graphql"
#: what every response says, whatever it holds
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")
GRAPHIQL_POLICY = PAGE_POLICY.replace("font-src 'self'", "font-src 'self' data:")


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = GRAPHIQL_POLICY if scope["path"] == GRAPHIQL_PATH else PAGE_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (*COMMON.items(), ("Content-Security-Policy", policy)):
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
