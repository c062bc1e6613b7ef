"""The map page in a real browser (Debian's Chromium, headless) against the real app and store.

It loads offline (vendored Leaflet, boundaries from world-atlas, no tile server), draws stores and clustered
homes, and a marketer picks a store, gets the consent-clean invitees with their segments, and downloads the
CSV. A screenshot is kept with the test's files.
"""

from __future__ import annotations

import csv
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from api.auth import issue_token, signing_key
from graph import Graph, Settings
from tests.geo.test_marketing import marketing  # noqa: F401  (the fixture: a located, scored graph)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.store,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="the map test needs Debian's chromium "
                                 "(apt-get install chromium); the README's test command installs it")]


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, for a browser: its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def served(marketing: Graph, embedded_settings: Settings) -> Iterator[str]:  # noqa: F811
    with serving(embedded_settings) as url:
        yield url


def test_map_invitations_end_to_end(served: str, embedded_settings: Settings, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    token = issue_token(signing_key(embedded_settings), "marketing", "test-marketer", timedelta(minutes=10))
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800}, accept_downloads=True)
        page.on("request", lambda request: requests.append(request.url))
        page.goto(f"{served}/map#token={token}")
        page.wait_for_selector("body[data-ready='true']", timeout=30_000)  # no eval: the CSP forbids it
        # 6 customers, one of whom lives in a town no gazetteer knows (no point)
        assert page.inner_text("#status").startswith("2 stores, 5 customers placed")
        assert page.locator("path.store").count() == 2  # the stores' markers
        assert page.locator("path.home, .marker-cluster").count() >= 1  # homes, clustered where they crowd
        assert page.locator(".leaflet-overlay-pane path").count() > 50  # the countries' boundaries
        page.select_option("#venue", "S1")
        page.fill("#radius", "30")
        page.click("#invite")
        page.wait_for_selector("path.radius")
        expect(page.locator("#status")).to_contain_text("consent", timeout=30_000)
        rows = page.locator("#invitees tbody tr")
        names = sorted(rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count()))
        assert names == ["Anne Roux", "Denis Morel", "Félix Noir"]
        assert all(rows.nth(i).locator("td").nth(4).inner_text() for i in range(rows.count()))  # a segment each
        with page.expect_download() as download:
            page.click("#csv")
        saved = tmp_path / "invitations.csv"
        download.value.save_as(saved)
        page.screenshot(path=str(tmp_path / "map.png"))
        browser.close()
    with open(saved, encoding="utf-8") as handle:
        listed = list(csv.DictReader(handle))
    assert next(iter(listed[0])) == "customer_id" and len(listed) == 3
    assert (tmp_path / "map.png").stat().st_size > 10_000
    assert all(url.startswith(served) or url.startswith("data:") for url in requests), "the map must work offline"
