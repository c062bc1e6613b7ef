"""The dashboard: its figures over HTTP for the roles that follow the business, and the page in a real browser.

The graph is the campaign tests' twenty Parisians, scored, with one data-quality check and two campaigns, one
of them named with an HTML payload: headless Chromium opens ``/dashboard``, which must draw every chart, show
the payload as the text it is, run nothing of it, and break no rule of its Content-Security-Policy. The
answer must name no one: no customer id, name or email is in it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from api.auth import issue_token, signing_key
from geo.campaigns import save_campaign
from geo.near import venue
from graph import Graph, Settings
from scoring.score import score_customers
from tests.api.test_map import CHROMIUM, serving
from tests.api.test_map_xss import INJECTED, WATCH
from tests.geo.test_campaigns import PEOPLE, load_sources, paris, till  # noqa: F401  (the fixture)
from tests.helpers import api_client, graphql, query

pytestmark = pytest.mark.store

IMG = """<img src=x onerror="window.__pwned='IMG'">"""
CHARTS = ("chart-growth", "chart-sources", "chart-resolution", "chart-sizes", "chart-segments", "chart-quality",
          "chart-campaigns")


@pytest.fixture
def dashboard(paris: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:  # noqa: F811
    place = venue(paris, "S1")
    save_campaign(paris, IMG, place, 10, date(2024, 6, 1), control_share=0.25, seed=7)
    save_campaign(paris, "Spring preview", place, 10, date(2024, 4, 1), control_share=0.5, seed=1)
    load_sources(paris, tmp_path / "after", embedded_settings.home, till(
        [(f"A{n}", "2024-06-03T10:00:00Z", "20.00", p[3]) for n, p in enumerate(PEOPLE[:10])]))
    score_customers(paris)
    query(paris, "CREATE (:QualityRun {id: 'Q1', at: $at, passed: false, checks: 9, failed: 2, report: $report})",
          at=datetime(2024, 6, 2, tzinfo=UTC), report="crm:P01 p01@x.fr looks wrong")
    return paris


def test_the_figures_name_no_one_and_follow_the_policy(dashboard: Graph, embedded_settings: Settings) -> None:
    with api_client(embedded_settings, "analyst") as client:
        answer = client.get("/dashboard/indicators.json")
        assert answer.status_code == 200, answer.text
        figures = answer.json()
        assert client.get("/dashboard/indicators.json?days=x").status_code == 400
        assert client.get("/dashboard/indicators.json?venue=S1").json()["message"] == \
            "venue: not a parameter of this route"
    assert [c["name"] for c in figures["campaigns"]] == [IMG, "Spring preview"]
    summer = figures["campaigns"][0]
    assert (summer["invited"]["people"], summer["held_out"]["people"]) == (15, 5)
    assert summer["invited"]["buyers"] + summer["held_out"]["buyers"] == 10
    assert figures["profiles"]["customers"] == 21 and figures["quality"][0]["failed"] == 2
    text = answer.text
    ids = [r["id"] for r in query(dashboard, "MATCH (c:Customer) RETURN c.id AS id")]
    personal = [*ids, *(p[3] for p in PEOPLE), *(p[1] for p in PEOPLE), "Moreau", "crm:P01", "zoe@x.fr"]
    assert not [value for value in personal if value in text]
    for role, code in (("marketing", 200), ("admin", 200), ("agent", 403), ("dpo", 403)):
        with api_client(embedded_settings, role) as client:
            assert client.get("/dashboard/indicators.json").status_code == code, role
    with api_client(embedded_settings) as client:
        assert client.get("/dashboard/indicators.json").status_code == 401
        page = client.get("/dashboard")
        assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]


CAMPAIGNS = ("{ campaigns(days: 30) { name venue open invited { people buyers buyersShare spendPerHead { amount "
             "currency } } heldOut { people buyers buyersShare } buyersUplift { estimate low high } "
             "incrementalRevenue { estimate } } }")


def test_campaign_results_in_graphql(dashboard: Graph, embedded_settings: Settings) -> None:
    with api_client(embedded_settings, "marketing") as client:
        data = graphql(client, CAMPAIGNS)
        assert "errors" not in data, data
        summer, spring = data["data"]["campaigns"]
        assert (summer["name"], spring["name"]) == (IMG, "Spring preview")
        assert (summer["invited"]["people"], summer["heldOut"]["people"]) == (15, 5)
        shares = summer["invited"]["buyersShare"] - summer["heldOut"]["buyersShare"]
        uplift = summer["buyersUplift"]
        assert uplift["estimate"] == pytest.approx(shares) and uplift["low"] < uplift["estimate"] < uplift["high"]
        assert summer["invited"]["spendPerHead"]["currency"] == "EUR" and not summer["open"]
        assert spring["invited"]["buyers"] == 0 and spring["invited"]["spendPerHead"] is None
    with api_client(embedded_settings, "agent") as client:
        [error] = graphql(client, CAMPAIGNS)["errors"]
        assert error["extensions"]["code"] == "FORBIDDEN" and "may not see the dashboard" in error["message"]


@pytest.fixture
def served(dashboard: Graph, embedded_settings: Settings) -> Iterator[str]:
    with serving(embedded_settings) as url:
        yield url


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="the dashboard test needs Debian's chromium")
def test_the_page_draws_every_chart_and_keeps_names_as_text(served: str, embedded_settings: Settings,
                                                            tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    token = issue_token(signing_key(embedded_settings), "analyst", "test-analyst", timedelta(minutes=10))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.add_init_script(WATCH)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{served}/dashboard#token={token}")
        page.wait_for_selector("body[data-ready='true']", timeout=30_000)
        assert "token" not in page.url  # the token leaves the address bar

        drawn = page.evaluate("(ids) => ids.map((id) => { const c = Chart.getChart(id); return c ? "
                              "c.data.datasets.reduce((n, d) => n + d.data.length, 0) : -1; })", list(CHARTS))
        assert all(n > 0 for n in drawn), dict(zip(CHARTS, drawn, strict=True))
        assert page.evaluate("Chart.getChart('chart-campaigns').data.labels") == ["Spring preview", IMG]

        names = page.locator("#campaigns tbody td.name").all_text_contents()
        assert names == [IMG, "Spring preview"]
        first = page.locator("#campaigns tbody tr").first.locator("td").all_text_contents()
        assert first[3:5] == ["15", "5"]
        tiles = page.locator("#tiles").inner_text()
        assert "21" in tiles and "failed (2/9 failed)" in tiles
        assert page.locator("#moves tbody tr").count() >= 1

        assert page.locator(INJECTED).count() == 0
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("window.__violations") == [], "the page's own code must run under its policy"
        assert errors == []

        page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)  # kept with the test's files
        # a role that may not see it is told why, on the page
        page.fill("#token", issue_token(signing_key(embedded_settings), "agent", "test-agent", timedelta(minutes=5)))
        page.click("#refresh")
        # a function, not an expression: Playwright polls an expression with eval, which the page's CSP refuses
        page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('error: ')")
        assert "may not see the dashboard" in page.inner_text("#status")
        browser.close()
