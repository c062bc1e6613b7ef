"""CORS: pages of the origins ``C360_CORS_ORIGINS`` names may call ``/graphql`` and ``/geo``; no other may.

Against the real app and store: the preflight and the headers of answers and refusals (``401``, ``403``,
``413``, ``400``) in HTTP, then in headless Chromium, where a page served by a second HTTP server (another
origin) fetches with a bearer token: from an allowed origin it reads the data, from another the browser
blocks it.
"""

from __future__ import annotations

import functools
import http.server
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from api.cors import MAX_AGE_S
from graph import Graph, Settings
from tests.api.test_map import CHROMIUM, serving
from tests.geo.test_marketing import marketing  # noqa: F401  (the fixture: a located, scored graph)
from tests.helpers import api_client, bearer

ALLOWED = "https://crm.example.com"
PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
QUERY = {"query": "{ segments { name customers } }"}


def _cors(headers: Any) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower().startswith("access-control-")}


@pytest.mark.store
def test_no_origins_no_cors_headers(embedded_graph: Graph, embedded_settings: Settings) -> None:
    assert embedded_settings.c360_cors_origins == []  # the default
    with api_client(embedded_settings, "admin") as client:
        preflight = client.options("/graphql", headers={"Origin": ALLOWED, **PREFLIGHT})
        assert preflight.status_code == 405 and _cors(preflight.headers) == {}
        answer = client.post("/graphql", json=QUERY, headers={"Origin": ALLOWED})
        assert answer.status_code == 200 and _cors(answer.headers) == {}


@pytest.mark.store
def test_allowed_origins_get_cors_headers_on_answers_and_refusals(embedded_graph: Graph,
                                                                  embedded_settings: Settings) -> None:
    settings = embedded_settings.model_copy(update={"c360_cors_origins": [ALLOWED], "c360_max_body_bytes": 1000})
    origin = {"Origin": ALLOWED}
    with api_client(settings) as client:
        for path in ("/graphql", "/geo/stores.geojson"):
            preflight = client.options(path, headers={**origin, **PREFLIGHT})
            assert preflight.status_code == 200, (path, preflight.text)
            cors = _cors(preflight.headers)
            assert cors["access-control-allow-origin"] == ALLOWED
            assert set(cors["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
            assert {h.lower() for h in cors["access-control-allow-headers"].split(", ")} >= {"authorization",
                                                                                             "content-type"}
            assert cors["access-control-max-age"] == str(MAX_AGE_S)
            assert "access-control-allow-credentials" not in cors  # bearer tokens, never cookies
            assert preflight.headers["x-content-type-options"] == "nosniff"  # the security headers too

        refused = client.options("/graphql", headers={"Origin": "https://evil.example", **PREFLIGHT})
        assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers
        assert refused.headers["x-frame-options"] == "DENY"
        put = client.options("/graphql", headers={**origin, "Access-Control-Request-Method": "PUT"})
        assert put.status_code == 400 and "PUT" not in put.headers["access-control-allow-methods"]

        marketing, analyst = bearer(settings, "marketing"), bearer(settings, "analyst")
        answers = {
            "data": client.post("/graphql", json=QUERY, headers={**origin, **marketing}),
            "geo": client.get("/geo/stores.geojson", headers={**origin, **marketing}),
            "no token": client.post("/graphql", json=QUERY, headers=origin),
            "bad token": client.get("/geo/stores.geojson", headers={**origin, "Authorization": "Bearer nope"}),
            "forbidden": client.get("/geo/far.geojson", headers={**origin, **analyst}),
            "too large": client.post("/graphql", content=b"x" * 2000, headers={**origin, **marketing}),
            "bad parameter": client.get("/geo/stores.geojson?colour=red", headers={**origin, **marketing}),
        }
        assert {name: r.status_code for name, r in answers.items()} == {
            "data": 200, "geo": 200, "no token": 401, "bad token": 401, "forbidden": 403, "too large": 413,
            "bad parameter": 400}
        for name, response in answers.items():
            assert response.headers.get("access-control-allow-origin") == ALLOWED, name
            assert "Origin" in response.headers.get("vary", ""), name  # caches keep answers per origin

        other = client.post("/graphql", json=QUERY, headers={"Origin": "https://evil.example", **marketing})
        assert "access-control-allow-origin" not in other.headers  # answered, but no browser lets the page read it
        page = client.get("/map", headers=origin)
        assert _cors(page.headers) == {}  # pages and static files are for c360's own origin


@pytest.mark.parametrize("value", ["*", "https://crm.example.com/", "crm.example.com", "https://a.example/x",
                                   '["*"]'])
def test_an_origin_list_is_exact_origins(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C360_CORS_ORIGINS", value)
    with pytest.raises(ValidationError, match="is not an origin"):
        Settings()


def test_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("C360_CORS_ORIGINS", "https://a.example, http://127.0.0.1:8080")
    assert Settings().c360_cors_origins == ["https://a.example", "http://127.0.0.1:8080"]
    monkeypatch.setenv("C360_CORS_ORIGINS", '["https://a.example"]')
    assert Settings().c360_cors_origins == ["https://a.example"]


@contextmanager
def page_server(directory: Path) -> Iterator[str]:
    """A second, plain HTTP server on another loopback port: another origin than the API's."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


#: what the other origin's page runs: a GraphQL POST (preflighted: a bearer token, JSON) and a GeoJSON GET
FETCH = """async ([api, token]) => {
  const auth = { Authorization: `Bearer ${token}` };
  const read = async (path, init) => {
    try {
      const response = await fetch(api + path, init);
      return { status: response.status, body: await response.json() };
    } catch (error) {
      return { blocked: String(error) };
    }
  };
  return {
    graphql: await read("/graphql", { method: "POST", headers: { ...auth, "Content-Type": "application/json" },
                                      body: JSON.stringify({ query: "{ segments { name customers } }" }) }),
    geo: await read("/geo/stores.geojson", { headers: auth }),
  };
}"""


@pytest.mark.store
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="the CORS browser test needs Debian's chromium "
                    "(apt-get install chromium); the README's test command installs it")
def test_a_page_of_an_allowed_origin_reads_the_api_and_another_is_blocked(
        marketing: Graph, embedded_settings: Settings, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    (tmp_path / "index.html").write_text("<!doctype html><title>front end</title>", encoding="utf-8")
    with page_server(tmp_path) as allowed, page_server(tmp_path) as other:
        settings = embedded_settings.model_copy(update={"c360_cors_origins": [allowed]})
        token = bearer(settings, "marketing")["Authorization"].removeprefix("Bearer ")
        with serving(settings) as api, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            results = {}
            for name, origin in (("allowed", allowed), ("other", other)):
                page = browser.new_page()
                page.goto(f"{origin}/index.html")
                results[name] = page.evaluate(FETCH, [api, token])
                page.close()
            browser.close()
    granted = results["allowed"]
    assert granted["graphql"]["status"] == 200 and "errors" not in granted["graphql"]["body"], granted
    assert {s["name"] for s in granted["graphql"]["body"]["data"]["segments"]}
    assert granted["geo"]["status"] == 200 and len(granted["geo"]["body"]["features"]) == 2
    blocked = results["other"]
    assert set(blocked["graphql"]) == {"blocked"} and set(blocked["geo"]) == {"blocked"}, blocked
    assert "Failed to fetch" in blocked["graphql"]["blocked"]


@pytest.mark.store
def test_an_unexpected_error_carries_the_cors_and_security_headers(embedded_graph: Graph,
                                                                   embedded_settings: Settings) -> None:
    """Starlette answers an unexpected exception with 500 from its outermost layer; the headers wrap it too."""
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from api.app import create_app

    async def boom(request: Request) -> Response:
        raise RuntimeError("unexpected")

    app = create_app(embedded_settings.model_copy(update={"c360_cors_origins": [ALLOWED]}))
    app.router.routes.insert(0, Route("/geo/boom", boom))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/geo/boom", headers={"Origin": ALLOWED})
    assert response.status_code == 500
    assert response.headers.get("access-control-allow-origin") == ALLOWED
    assert response.headers.get("x-content-type-options") == "nosniff"
