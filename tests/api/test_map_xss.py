"""Stored XSS on the map: source text carrying HTML stays text in a real browser, under a strict CSP.

Stores, cities and customer names with script payloads are loaded from source files; headless Chromium opens
``/map`` and hovers or clicks every kind of marker (stores, homes, clusters, invitees), fills the invitee list
and provokes an error that echoes request text. Every payload must be shown as the text it is, no element
may come of it, nothing may run (``window.__pwned`` stays undefined), and the page and its static files must
carry a Content-Security-Policy without inline script, under which nothing of c360's own is refused.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from api.auth import issue_token, signing_key
from geo.locate import locate
from graph import Graph, Settings
from resolution import resolve
from scoring.score import score_customers
from tests.api.test_map import CHROMIUM, serving
from tests.geo.test_marketing import PEOPLE, load_all, write_sources

pytestmark = [pytest.mark.store,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="the map test needs Debian's chromium "
                                 "(apt-get install chromium); the README's test command installs it")]

# names hold no digits (the loader refuses them) and are mixed case (so they are not recased)
IMG = """<img src=x onerror="window.__pwned='IMG'">"""
SCRIPT = "<script>window.__pwned='SCRIPT'</script>"
SVG = """"><svg onload="window.__pwned='SVG'">"""
STORE_NAME = f"{IMG} Paris"
STORES = [("S1", STORE_NAME, SVG, "FR", "48.8606", "2.3376"),
          ("S2", f"{SCRIPT} Lyon", "Lyon", "FR", "45.7606", "4.8596")]
HOME_CITY = f"{SVG} Paris"
LYON_CITY = f"{IMG} Lyon"
# id, first, last, email, street, postcode, city, country, latitude, longitude: three invitees around Paris
# (5 to 9 km apart, so no cluster once the map shows a 10 km radius) and a home in Lyon
HOSTILE_PEOPLE = [
    ("1", IMG, "Roux", "anne@x.fr", "1 rue de Rivoli", "75017", HOME_CITY, "FR", "48.9000", "2.3000"),
    ("5", "Denis", SCRIPT, "denis@x.fr", "4 rue X", "75011", "Paris", "FR", "", ""),
    ("7", "Félix", SVG, "felix@x.fr", "6 rue Z", "92100", "Boulogne", "FR", "48.8350", "2.2400"),
    ("4", "Chloé", "Martin", "chloe@x.fr", "3 quai Perrache", "69002", LYON_CITY, "FR", "45.7500", "4.8200"),
]
assert {p[3] for p in HOSTILE_PEOPLE} <= {p[3] for p in PEOPLE}  # the marketing fixture's consents and tills
# collects what the page's policy refuses, before any of the page's own scripts run
WATCH = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));"""
# markup that would only exist if source text had been parsed as HTML
INJECTED = "[onerror], [onload], script:not([src]), img, .leaflet-tooltip svg, #invitees svg, #status *"


@pytest.fixture
def hostile(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:
    sources = write_sources(tmp_path / "sources", HOSTILE_PEOPLE)
    with open(sources / "stores.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "city", "country", "lat", "lon"])
        writer.writerows(STORES)
    load_all(embedded_graph, sources, embedded_settings.home)
    resolve(embedded_graph)
    locate(embedded_graph)
    score_customers(embedded_graph)
    return embedded_graph


@pytest.fixture
def served(hostile: Graph, embedded_settings: Settings) -> Iterator[str]:
    with serving(embedded_settings) as url:
        yield url


def _strict(policy: str | None) -> None:
    assert policy, "no Content-Security-Policy"
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


def _safe_headers(headers: dict[str, str]) -> None:
    _strict(headers.get("content-security-policy"))
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("x-frame-options") == "DENY"
    assert headers.get("referrer-policy") == "no-referrer"


def _shown(page: Any, selector: str) -> list[Any]:
    """The markers matching ``selector`` that are in view (Leaflet keeps the others, outside the map)."""
    return page.locator(f"{selector} >> visible=true").all()  # type: ignore[no-any-return]


def _tooltip(page: Any, marker: Any) -> str:
    """Hover ``marker`` and return its tooltip's text, checked to hold nothing but text."""
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip").last
    tooltip.wait_for(state="visible", timeout=5_000)
    assert page.locator(INJECTED).count() == 0, tooltip.inner_html()
    text: str = tooltip.text_content()
    page.mouse.move(1, 1)  # leave it: Leaflet closes the tooltip
    return text


def _settled(page: Any, expect: Any) -> None:
    """Wait until Leaflet's zoom and the clusters' animations are over: until then a marker may lie under
    another layer (a busy machine stretches them well past their nominal quarter second)."""
    page.wait_for_timeout(300)
    expect(page.locator(".leaflet-zoom-anim, .leaflet-cluster-anim")).to_have_count(0, timeout=15_000)
    page.wait_for_timeout(300)


def test_source_text_stays_text_on_the_map(served: str, embedded_settings: Settings, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    token = issue_token(signing_key(embedded_settings), "marketing", "test-marketer", timedelta(minutes=10))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(WATCH)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        response = page.goto(f"{served}/map#token={token}")
        assert response is not None
        _safe_headers(response.headers)
        for path in ("/static/map.html", "/static/map.js", "/geo/stores.geojson"):
            _safe_headers(page.request.get(f"{served}{path}", headers={"Authorization": f"Bearer {token}"}).headers)
        page.wait_for_selector("body[data-ready='true']", timeout=30_000)

        # the venue list, then the Paris cluster opened: its store and homes, before any radius is drawn
        options = page.locator("#venue option").all_text_contents()
        assert f"{STORE_NAME} (S1)" in options and f"{SCRIPT} Lyon (S2)" in options
        assert page.locator(".marker-cluster").count() == 1  # the Paris homes crowd at the first zoom
        _settled(page, expect)  # the first view's own zoom
        for _ in range(4):  # a cluster's count is the only text it shows; each click zooms in one step or more
            if page.locator(".marker-cluster").count() == 0:
                break
            page.locator(".marker-cluster").first.click()
            _settled(page, expect)
        expect(page.locator(".marker-cluster")).to_have_count(0)  # opened: nothing crowds the store any more
        assert any(_tooltip(page, store).startswith(f"{STORE_NAME} — ") for store in _shown(page, "path.store"))
        paris = {_tooltip(page, home) for home in _shown(page, "path.home")}
        assert f"1 customer(s), {HOME_CITY} (exact)" in paris and len(paris) == 3, paris

        # Lyon's store and home, inside the radius a venue draws
        page.select_option("#venue", "S2")
        page.wait_for_selector("path.radius")
        _settled(page, expect)
        assert {_tooltip(page, store) for store in _shown(page, "path.store")} == {f"{SCRIPT} Lyon — 1 shoppers"}
        assert f"1 customer(s), {LYON_CITY} (exact)" in {_tooltip(page, home) for home in _shown(page, "path.home")}

        # back to Paris, 10 km: clicking the store's marker (through the radius) picks it as the venue
        page.fill("#radius", "10")
        page.select_option("#venue", "S1")
        _settled(page, expect)
        [store] = _shown(page, "path.store")
        store.click()  # clicking a store picks it as the venue

        # the invitees: their names in the list, the reason (with the store's name) in their tooltips
        page.click("#invite")
        expect(page.locator("#status")).to_contain_text("consent", timeout=30_000)
        rows = page.locator("#invitees tbody tr")
        names = sorted(rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count()))
        assert names == sorted([f"{IMG} Roux", f"Denis {SCRIPT}", f"Félix {SVG}"])
        reasons = [_tooltip(page, invitee) for invitee in _shown(page, "path.invitee")]
        assert len(reasons) == 3 and all(f"km from {STORE_NAME}" in reason for reason in reasons), reasons

        # an error echoing request text: a venue no store has
        page.evaluate("(value) => { const s = document.querySelector('#venue'); s.add(new Option(value, value));"
                      " s.value = value; }", SVG)
        page.click("#invite")
        expect(page.locator("#status")).to_contain_text("error: ")
        assert page.inner_text("#status") == f"error: venue: no store {SVG!r}; give a store id or LAT,LON"

        assert page.locator(INJECTED).count() == 0
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("window.__violations") == [], "the page's own code must run under its policy"
        assert errors == []
        # the policy is a second wall: an inline script that got in anyway is refused
        page.evaluate("""() => { const s = document.createElement("script");
            s.textContent = "window.__pwned = 'INLINE'"; document.body.append(s); }""")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))
        page.screenshot(path=str(tmp_path / "map.png"))  # kept with the test's files
        browser.close()

