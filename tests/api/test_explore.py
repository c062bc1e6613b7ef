"""The graph explorer: its data route (limits, opaque ids, input errors) and its page in headless Chromium.

The page test loads the hostile graph of ``test_map_xss`` (a customer named ``<img src=x onerror=…>``, stores
and cities carrying markup), opens ``/explore``, starts from an email, expands a record and its customer by
clicking them on the canvas, filters a relationship type out, then starts again as an analyst from the
customer's id: every name must show as the text it is, nothing may run, the analyst's answers must hold no
name at all, and the page must run under its strict policy with nothing of its own refused.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from starlette.testclient import TestClient

from api.explore import node_id, ref_of
from api.node import seal
from graph import Graph, Settings
from tests.api.pages import browser_page
from tests.api.test_map import CHROMIUM, serving
from tests.api.test_map_xss import IMG, INJECTED, _safe_headers, hostile  # noqa: F401  (the fixture)
from tests.helpers import bearer, customer_of, query

pytestmark = pytest.mark.store
BROWSER = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="the explorer's page test needs Debian's chromium "
                             "(apt-get install chromium); the README's test command installs it")
#: where the page test leaves its screenshot for a person to look at, besides the test's own directory
SCREENSHOTS = Path("/tmp/c360-explore-screenshots")


@pytest.fixture
def client(hostile: Graph, embedded_settings: Settings) -> Iterator[TestClient]:  # noqa: F811
    from api.app import create_app

    with TestClient(create_app(embedded_settings)) as opened:
        yield opened


def _get(client: TestClient, role: str, settings: Settings, **params: Any) -> Any:
    return client.get("/explore/neighbours", params=params, headers=bearer(settings, role))


def test_neighbours_are_capped_per_type_and_say_how_many_more(client: TestClient, hostile: Graph,  # noqa: F811
                                                             embedded_settings: Settings) -> None:
    anne = customer_of(hostile, "email:anne@x.fr")
    whole = _get(client, "agent", embedded_settings, customer=anne).json()
    identifier = next(n["id"] for n in whole["nodes"] if n["label"] == "SourceRecord")
    email = _get(client, "agent", embedded_settings, node=identifier, types="HAS_IDENTIFIER").json()
    [email_id] = [n["id"] for n in email["nodes"] if n["label"] == "Identifier"]
    everything = _get(client, "agent", embedded_settings, node=email_id).json()
    assert everything["totals"]["BY"] >= 2 and everything["more"] == {}
    capped = _get(client, "agent", embedded_settings, node=email_id, limit=1).json()
    assert {t: sum(e["type"] == t for e in capped["edges"]) for t in capped["totals"]} == dict.fromkeys(
        capped["totals"], 1)
    assert capped["more"]["BY"] == everything["totals"]["BY"] - 1
    only = _get(client, "agent", embedded_settings, node=email_id, types="BY").json()
    assert {e["type"] for e in only["edges"]} == {"BY"} and set(only["totals"]) == {"BY"}
    # every relationship names the centre at one end, in its direction: purchases point at the email
    assert all(e["target"] == email_id for e in only["edges"])


def test_ids_are_opaque_stable_and_unforgeable(client: TestClient, hostile: Graph,  # noqa: F811
                                               embedded_settings: Settings) -> None:
    anne = customer_of(hostile, "email:anne@x.fr")
    first = _get(client, "admin", embedded_settings, customer=anne).json()
    again = _get(client, "admin", embedded_settings, customer=anne).json()
    assert [n["id"] for n in first["nodes"]] == [n["id"] for n in again["nodes"]]
    record = next(n for n in first["nodes"] if n["label"] == "SourceRecord")
    assert record["properties"]["key"] not in record["id"]  # a record's key may be a card number
    secret = client.app.state.signing_key  # type: ignore[attr-defined]
    assert ref_of(secret, record["id"]).key == record["properties"]["key"]
    assert node_id(secret, ref_of(secret, anne)) == anne  # a customer's id is its profile id, as in GraphQL
    # a node the explorer does not reach (the access log, a run) cannot be named, even with the server's seal
    forged = seal(secret, "AccessLog", "anything")
    assert _get(client, "admin", embedded_settings, node=forged).status_code == 400
    # and a made-up id names a customer that does not exist
    assert _get(client, "admin", embedded_settings, node="not-an-id").status_code == 404


def test_bad_requests_are_refused_with_the_reason(client: TestClient, embedded_settings: Settings) -> None:
    cases = {(("types", "BY,FOLLOWS"), ("customer", "x")): "types: not a relationship type",
             (("limit", "500"), ("customer", "x")): "limit: between 1 and 200",
             (("limit", "many"), ("customer", "x")): "limit: not a whole number",
             (("customer", "x"), ("node", "y")): "node: give exactly one of",
             (("type", "shoe_size"), ("value", "42")): "type: not an identifier type",
             (("type", "phone"), ("value", "not a phone")): "value: ",
             (("customer", "x"), ("depth", "3")): "depth: unknown parameter"}
    for params, message in cases.items():
        response = _get(client, "admin", embedded_settings, **dict(params))
        assert response.status_code == 400, (params, response.text)
        assert response.json()["message"].startswith(message), response.text
    assert client.get("/explore/neighbours", params={"customer": "x"}).status_code == 401


def _click(page: Any, node: str) -> None:
    """A real click on a node of the canvas, where cytoscape drew it."""
    x, y = page.evaluate("""(id) => { const p = cy.getElementById(id).renderedPosition();
        const box = cy.container().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }""", node)
    page.mouse.click(x, y)


def _ids(page: Any, kind: str, visible: bool = True) -> list[str]:
    return list(page.evaluate("""([kind, visible]) => cy.nodes().filter((n) => n.data("kind") === kind
        && (!visible || !n.hasClass("filtered"))).map((n) => n.id())""", [kind, visible]))


def _settled(page: Any, nodes: int) -> None:
    """Wait until the graph holds ``nodes`` nodes at least and the status says the reading is over."""
    page.wait_for_function("(n) => cy.nodes().length >= n && "
                           "document.querySelector('#status').textContent.endsWith('relationships')",
                           arg=nodes, timeout=30_000)


@BROWSER
def test_the_explorer_page_draws_expands_filters_and_keeps_source_text_as_text(
        hostile: Graph, embedded_settings: Settings, tmp_path: Path) -> None:  # noqa: F811
    from playwright.sync_api import expect

    anne = customer_of(hostile, "email:anne@x.fr")
    answers: list[tuple[str, str]] = []
    with serving(embedded_settings) as url, browser_page() as opened:
        page = opened.page
        page.on("response", lambda r: answers.append((r.url, r.text())) if "/explore/neighbours" in r.url else None)
        token = bearer(embedded_settings, "agent")["Authorization"].removeprefix("Bearer ")
        response = page.goto(f"{url}/explore#token={token}")
        assert response is not None and response.ok
        _safe_headers(response.headers)
        for path in ("/static/explore.js", "/static/explore.css", "/static/vendor/cytoscape.min.js"):
            _safe_headers(page.request.get(f"{url}{path}").headers)
        page.wait_for_selector("body[data-ready='true']", timeout=30_000)
        assert "token" not in page.url  # taken out of the address bar

        # start from an email, typed as a person would: the identifier and what carries it
        page.select_option("#kind", "email")
        page.fill("#value", " Anne@X.fr ")
        page.click("#go")
        _settled(page, 2)
        expect(page.locator("#title")).to_have_text("Identifier: email:anne@x.fr")
        assert len(_ids(page, "Transaction")) >= 2

        # expand the record, then its customer, by clicking them
        [record] = _ids(page, "SourceRecord")
        _click(page, record)
        page.wait_for_function("() => cy.nodes().some((n) => n.data('kind') === 'Customer')", timeout=30_000)
        expect(page.locator("#title")).to_have_text("SourceRecord: crm:1")
        _click(page, anne)
        page.wait_for_function("() => cy.nodes().some((n) => n.data('kind') === 'Home')", timeout=30_000)
        expect(page.locator("#title")).to_have_text(f"Customer: {IMG} Roux")  # the markup, as text
        cells = page.locator("#properties td").all_inner_texts()
        assert IMG in cells and "Roux" in cells
        assert {"Home", "Store", "Segment"} <= set(page.evaluate("cy.nodes().map((n) => n.data('kind'))"))

        # filter purchases out: they go, and the next expansion does not ask for them
        page.locator("#types input[value='BY']").uncheck()
        assert _ids(page, "Transaction") == [] and len(_ids(page, "Transaction", visible=False)) >= 2
        assert _ids(page, "Customer") == [anne]
        [store] = _ids(page, "Store")
        _click(page, store)
        page.wait_for_function("() => document.querySelector('#title').textContent.startsWith('Store: ')")
        expect(page.locator("#title")).to_have_text(f"Store: {IMG} Paris")
        asked = parse_qs(urlparse(answers[-1][0]).query)
        assert "BY" not in asked["types"][0].split(",") and "SHOPS_AT" in asked["types"][0].split(",")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(tmp_path / "explore-agent.png"))
        shutil.copy(tmp_path / "explore-agent.png", SCREENSHOTS / "explore-agent.png")

        # as an analyst, from the customer's id: no name reaches the browser, in any answer
        answers.clear()
        page.fill("#token", bearer(embedded_settings, "analyst")["Authorization"].removeprefix("Bearer "))
        page.select_option("#kind", "email")
        page.fill("#value", "anne@x.fr")
        page.click("#go")
        expect(page.locator("#status")).to_contain_text("error: type: the analyst role may not look customers "
                                                        "up by email")
        page.select_option("#kind", "customer")
        page.fill("#value", anne)
        page.click("#go")
        _settled(page, 3)
        expect(page.locator("#title")).to_have_text(f"Customer: {anne}")
        shown = page.locator("#properties th").all_inner_texts()
        assert "city" in shown and not {"first_name", "last_name", "street"} & set(shown)
        [record] = _ids(page, "SourceRecord")
        _click(page, record)
        page.wait_for_function("() => cy.nodes().some((n) => n.data('kind') === 'Identifier')", timeout=30_000)
        assert ":psn:" in page.inner_text("#title")
        bodies = [body for _, body in answers if body]
        assert len(bodies) >= 3 and all("Roux" not in b and "anne@x.fr" not in b for b in bodies)
        assert all("first_name" not in n["properties"] for b in bodies[1:] for n in json.loads(b)["nodes"])
        page.screenshot(path=str(tmp_path / "explore-analyst.png"))
        shutil.copy(tmp_path / "explore-analyst.png", SCREENSHOTS / "explore-analyst.png")

        assert page.locator(INJECTED).count() == 0
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert opened.violations() == [], "the page's own code must run under its policy"
        assert opened.errors == []


def test_whose_data_an_answer_shows_goes_to_the_access_log(client: TestClient, hostile: Graph,  # noqa: F811
                                                          embedded_settings: Settings) -> None:
    """Starting from an email shows her identifier and records, not her profile: she is logged all the same."""
    anne = customer_of(hostile, "email:anne@x.fr")
    logged = "MATCH (a:AccessLog {customer: $id}) RETURN a.operation AS operation, a.fields AS fields, a.role AS role"
    assert query(hostile, logged, id=anne) == []
    response = _get(client, "agent", embedded_settings, type="email", value="anne@x.fr", types="HAS_IDENTIFIER")
    assert response.status_code == 200 and {n["label"] for n in response.json()["nodes"]} == {"Identifier",
                                                                                              "SourceRecord"}
    [entry] = query(hostile, logged, id=anne)
    assert entry["operation"] == "/explore/neighbours" and entry["role"] == "agent"
    assert {"value", "first_name", "email"} <= set(entry["fields"])
    # a store is nobody's data, its shoppers are
    store = next(n["id"] for n in _get(client, "agent", embedded_settings, customer=anne).json()["nodes"]
                 if n["label"] == "Store")
    others = {n["id"] for n in _get(client, "analyst", embedded_settings, node=store, types="SHOPS_AT").json()["nodes"]
              if n["label"] == "Customer"}
    assert len(others) >= 2
    assert all("analyst" in {e["role"] for e in query(hostile, logged, id=c)} for c in others)
