"""Security headers on every response: pages run only the scripts c360 ships, and no other site frames them.

The map (``/map``, ``/static/*``) and every other response get a strict Content-Security-Policy: scripts,
styles, data and images from this server only, no inline script, no plugins, no framing. Source text on the
map is written as text (``api/static/map.js``); the policy is the second wall should that ever slip.

GraphiQL (``/graphql``) is strawberry's page: it loads React and GraphiQL from the unpkg CDN (pinned, with
subresource integrity) and starts them with one inline script, so its policy also allows that CDN and that
script, by hash of the exact page strawberry serves, never ``'unsafe-inline'`` for scripts. Its styles and
fonts are inline (``<style>``, ``data:`` fonts), which the looser style policy allows.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.http.ides import get_graphql_ide_html

GRAPHIQL_PATH = "/graphql"
CDN = "https://unpkg.com"
#: what every response says, whatever it holds
COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
               "frame-ancestors 'none'")


class _InlineScripts(HTMLParser):
    """Collects the text of every ``<script>`` without ``src``: what a hash source must match byte for byte."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._inline = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline = False

    def handle_data(self, data: str) -> None:
        if self._inline:
            self.scripts[-1] += data


def script_hashes(page: str) -> list[str]:
    """CSP hash sources (``'sha256-…'``) of the inline scripts of ``page``."""
    parser = _InlineScripts()
    parser.feed(page)
    parser.close()
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in parser.scripts]


def graphiql_policy(page: str) -> str:
    """GraphiQL's policy: its CDN and its own inline scripts by hash; inline styles and ``data:`` fonts."""
    return (f"default-src 'self'; script-src 'self' {CDN} {' '.join(script_hashes(page))}; "
            f"style-src 'self' {CDN} 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class SecurityHeaders:
    """ASGI middleware adding the headers above to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.graphiql = graphiql_policy(get_graphql_ide_html("graphiql"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.graphiql if scope["path"] == GRAPHIQL_PATH else PAGE_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (*COMMON.items(), ("Content-Security-Policy", policy)):
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
