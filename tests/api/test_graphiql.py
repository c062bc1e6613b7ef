"""GraphiQL in a real browser (Debian's Chromium, headless), offline: every request it makes goes to c360.

``/graphql`` opened in a browser is c360's own page on the vendored React and GraphiQL (``web/vendor.sh``):
the editor renders, nothing is fetched from another server, nothing of its own is refused by the strict
Content-Security-Policy (no inline script), and a query run with a bearer token from the Headers tab, as the
README's tour does, answers with data; the query survives a reload, the token stays out of the address.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from api.auth import issue_token, signing_key
from graph import Settings
from tests.api.test_map import CHROMIUM, served  # noqa: F401  (the fixture: the app serving the marketing graph)
from tests.api.test_map_xss import WATCH, _safe_headers
from tests.geo.test_marketing import marketing  # noqa: F401  (the fixture: a located, scored graph)

pytestmark = [pytest.mark.store,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="the GraphiQL test needs Debian's chromium "
                                 "(apt-get install chromium); the README's test command installs it")]


def test_graphiql_works_offline_and_runs_a_query_with_a_token(served: str, embedded_settings: Settings,  # noqa: F811
                                                               tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    token = issue_token(signing_key(embedded_settings), "marketing", "test-marketer", timedelta(minutes=10))
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(WATCH)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        response = page.goto(f"{served}/graphql")
        assert response is not None and response.ok
        _safe_headers(response.headers)  # script-src 'self' only: no CDN, no inline script
        expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible(timeout=30_000)

        # the README's tour: the token goes in the Headers tab, then the query runs
        page.get_by_role("button", name="Headers").click()
        page.locator(".graphiql-editor-tool .graphiql-editor:visible .CodeMirror").click()
        page.keyboard.insert_text(json.dumps({"Authorization": f"Bearer {token}"}))
        page.locator(".graphiql-query-editor .CodeMirror").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text("{ segments { name customers } }")
        page.locator(".graphiql-execute-button").click()
        result = page.locator(".graphiql-response")
        expect(result).to_contain_text('"segments"', timeout=30_000)
        expect(result).to_contain_text('"customers"')
        assert "unauthorized" not in result.inner_text()
        page.screenshot(path=str(tmp_path / "graphiql.png"))  # kept with the test's files

        # the query is kept in the address's fragment, never sent: a reload opens the page with it again
        assert "#query=" in page.url and "?" not in page.url and token not in page.url
        page.reload()
        expect(page.locator(".graphiql-query-editor")).to_contain_text("segments { name customers }",
                                                                       timeout=30_000)
        assert page.evaluate("window.__violations") == [], "GraphiQL must run under the page's policy"
        assert errors == []
        browser.close()
    assert len(requests) >= 8  # the page, its styles and scripts, the schema and the query
    assert all(url.startswith(f"{served}/") or url.startswith("data:") for url in requests), \
        [url for url in requests if not url.startswith(served)]
