"""Restriction and objection: every consumer of a purpose skips the customer at once, and lifting restores
them. The consumers are walked one by one, each through its own entry point, against the same graph."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from customers.segments import segment_sizes
from geo.invitations import invitations
from geo.locate import locate
from geo.near import catchment, far_shoppers, near, venue
from graph import Graph, InputError, Settings
from privacy import restrictions
from privacy.erase import erase
from privacy.subject_access import Requester, subject_access
from resolution import resolve
from resolution.rules import default_rules
from scoring.score import score_customers
from tests.geo.test_marketing import load_all, write_sources
from tests.helpers import bearer, c360, customer_of, graphql, query

pytestmark = pytest.mark.store

Consumer = Callable[[Graph, TestClient, Settings], set[str]]


def _geojson_ids(client: TestClient, settings: Settings, path: str) -> set[str]:
    response = client.get(path, headers=bearer(settings, "admin"))
    assert response.status_code == 200, response.text
    return {f["properties"]["customer_id"] for f in response.json()["features"]}


def _counted(count: int) -> set[str]:
    """A layer that counts people without naming them, as a set of that size: one fewer is one left out."""
    return {f"#{n}" for n in range(count)}


def _homes_layer(client: TestClient, settings: Settings) -> set[str]:
    response = client.get("/geo/homes.geojson", headers=bearer(settings, "admin"))
    assert response.status_code == 200, response.text
    return _counted(sum(f["properties"]["customers"] for f in response.json()["features"]))


MARKETING: dict[str, Consumer] = {
    "invitations": lambda g, c, s: {i.customer_id for i in invitations(g, venue(g, "S1"), 1000)},
    "customers near a place": lambda g, c, s: {r["id"] for r in near(g, venue(g, "S1"), 1000)},
    "store catchment": lambda g, c, s: {r["id"] for r in catchment(g, "S1")},
    "far shoppers": lambda g, c, s: {r["id"] for r in far_shoppers(g, 100)},
    "map: invitations layer": lambda g, c, s: _geojson_ids(c, s, "/geo/invitations.geojson?venue=S1&radiusKm=1000"),
    "map: catchment layer": lambda g, c, s: _geojson_ids(c, s, "/geo/catchment.geojson?storeKey=S1"),
    "map: homes layer": lambda g, c, s: _homes_layer(c, s),
}
PROFILING: dict[str, Consumer] = {
    "scores": lambda g, c, s: {r["id"] for r in query(g, "MATCH (c:Customer) WHERE c.rfm IS NOT NULL "
                                                         "OR c.segment IS NOT NULL RETURN c.id AS id")},
    "segments": lambda g, c, s: {r["id"] for r in query(g, "MATCH (c:Customer)-[:IN_SEGMENT]->() RETURN c.id AS id")},
    "segment sizes": lambda g, c, s: _counted(sum(r["customers"] for r in segment_sizes(g))),
}


COUNTED = {"map: homes layer", "segment sizes"}


@pytest.fixture
def shop(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    load_all(embedded_graph, write_sources(tmp_path / "sources"), embedded_settings.home)
    resolve(embedded_graph)
    locate(embedded_graph)
    score_customers(embedded_graph)
    with TestClient(create_app(embedded_settings)) as client:
        yield client


def _walk(graph: Graph, client: TestClient, settings: Settings,
          consumers: dict[str, Consumer]) -> dict[str, set[str]]:
    return {name: consumer(graph, client, settings) for name, consumer in consumers.items()}


def _without_one(before: dict[str, set[str]], after: dict[str, set[str]], gone: str) -> None:
    for name in before:
        if name in COUNTED:
            assert len(after[name]) == len(before[name]) - 1, name
        else:
            assert after[name] == before[name] - {gone}, name


def test_every_consumer_skips_a_restricted_customer_and_lifting_restores_them(
        shop: TestClient, embedded_graph: Graph, embedded_settings: Settings) -> None:
    graph, client, settings = embedded_graph, shop, embedded_settings
    felix, anne = customer_of(graph, "email:felix@x.fr"), customer_of(graph, "email:anne@x.fr")
    marketing, profiling = _walk(graph, client, settings, MARKETING), _walk(graph, client, settings, PROFILING)
    assert all(felix in ids for name, ids in marketing.items() if name not in COUNTED), marketing
    assert all(anne in ids for name, ids in profiling.items() if name not in COUNTED), profiling

    objection = restrictions.restrict(graph, felix, "marketing", by="dpo-1", why="letter 12", objection=True)
    restrictions.restrict(graph, anne, "profiling", by="dpo-1", why="disputes her purchase history")
    assert objection.records == 1
    _without_one(marketing, _walk(graph, client, settings, MARKETING), felix)
    _without_one(profiling, _walk(graph, client, settings, PROFILING), anne)
    assert query(graph, "MATCH (c:Customer {id: $id}) RETURN c.rfm AS rfm, c.ltv_minor AS ltv", id=anne) == [
        {"rfm": None, "ltv": None}]
    score_customers(graph)  # the next scoring run still leaves her out, and felix in
    _without_one(profiling, _walk(graph, client, settings, PROFILING), anne)
    assert felix in _walk(graph, client, settings, PROFILING)["scores"]

    restrictions.lift(graph, felix, "marketing", by="dpo-1", why="objection withdrawn")
    restrictions.lift(graph, anne, "profiling", by="dpo-1", why="dispute settled")
    score_customers(graph)
    assert _walk(graph, client, settings, MARKETING) == marketing
    assert _walk(graph, client, settings, PROFILING) == profiling
    history = restrictions.history(graph, felix)
    assert [(h["kind"], h["restricted"], h["by"], h["why"]) for h in history] == [
        ("objection", True, "dpo-1", "letter 12"), ("lifted", False, "dpo-1", "objection withdrawn")]
    assert restrictions.in_force(graph, felix) == []


def test_a_restriction_survives_re_resolution_and_reaches_subject_access_then_erasure_removes_it(
        shop: TestClient, embedded_graph: Graph, embedded_settings: Settings) -> None:
    graph = embedded_graph
    anne = customer_of(graph, "email:anne@x.fr")  # two CRM records: the restriction is on both
    done = restrictions.restrict(graph, anne, "marketing", by="dpo-1", why="request 7")
    assert done.records == 2
    resolve(graph)
    anne = customer_of(graph, "email:anne@x.fr")
    assert [(r["purpose"], r["kind"]) for r in restrictions.in_force(graph, anne)] == [("marketing", "restriction")]
    document = subject_access(graph, anne, Requester("dpo-1"), default_rules(),
                              restrictions.history(graph, anne)[0]["at"])
    assert [r["purpose"] for r in document["restrictions"]["in_force"]] == ["marketing"]
    assert [h["why"] for h in document["restrictions"]["history"]] == ["request 7"]
    erased = erase(graph, embedded_settings.home, by="dpo-1", why="request 8", customer_id=anne)
    assert erased.counts["restrictions"] == 1
    assert query(graph, "MATCH (e:RestrictionEvent) RETURN e.why AS why") == []


def test_refusals_say_what_is_wrong(shop: TestClient, embedded_graph: Graph, embedded_settings: Settings) -> None:
    felix = customer_of(embedded_graph, "email:felix@x.fr")
    with pytest.raises(InputError, match="purpose: no purpose 'spam'; one of marketing, profiling, sync"):
        restrictions.restrict(embedded_graph, felix, "spam", by="dpo", why="x")
    with pytest.raises(InputError, match="why: say why"):
        restrictions.restrict(embedded_graph, felix, "marketing", by="dpo", why=" ")
    with pytest.raises(InputError, match="customer: no customer 'C404'"):
        restrictions.restrict(embedded_graph, "C404", "marketing", by="dpo", why="x")
    assert query(embedded_graph, "MATCH (e:RestrictionEvent) RETURN count(e) AS n") == [{"n": 0}]


MUTATION = """mutation($id: ID!) { restrictProcessing(customerId: $id, purpose: "sync", why: "request 9",
  objection: true) { event records } }"""
READ = "query($id: ID!) { customer(id: $id) { restrictions { purpose kind event } } }"


def test_graphql_restricts_for_dpo_and_admin_only_and_shows_what_is_in_force(
        shop: TestClient, embedded_graph: Graph, embedded_settings: Settings) -> None:
    felix = customer_of(embedded_graph, "email:felix@x.fr")
    for role in ("agent", "analyst", "marketing"):
        refused = graphql(shop, MUTATION, bearer(embedded_settings, role), id=felix)["errors"][0]
        assert refused["extensions"]["code"] == "FORBIDDEN", role
    done = graphql(shop, MUTATION, bearer(embedded_settings, "dpo"), id=felix)["data"]["restrictProcessing"]
    assert done["records"] == 1
    for role in ("agent", "marketing"):
        shown = graphql(shop, READ, bearer(embedded_settings, role), id=felix)["data"]["customer"]["restrictions"]
        assert shown == [{"purpose": "sync", "kind": "objection", "event": done["event"]}], role
    lifted = graphql(shop, 'mutation($id: ID!) { liftRestriction(customerId: $id, purpose: "sync", why: "ok") '
                           '{ records } }', bearer(embedded_settings, "admin"), id=felix)
    assert lifted["data"]["liftRestriction"]["records"] == 1
    assert graphql(shop, READ, bearer(embedded_settings, "dpo"), id=felix)["data"]["customer"]["restrictions"] == []


def test_the_command_restricts_lifts_and_shows(shop: TestClient, embedded_graph: Graph,
                                               embedded_settings: Settings) -> None:
    felix = customer_of(embedded_graph, "email:felix@x.fr")
    home = embedded_settings.home
    done = c360("restrict", "--customer", felix, "--purpose", "marketing", "--objection", "--why", "[b]letter[/b]",
                "--by", "dpo-2", home=home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"objection to marketing for {felix} on 1 records")
    shown = c360("restrict", "--customer", felix, home=home)
    assert "marketing: objection since" in shown.stdout and "[b]letter[/b]" in shown.stdout
    assert c360("restrict", "--customer", felix, "--purpose", "marketing", home=home).returncode != 0  # no --why
    lifted = c360("restrict", "--customer", felix, "--purpose", "marketing", "--lift", "--why", "done", home=home)
    assert lifted.returncode == 0 and c360("restrict", "--customer", felix, home=home).stdout.startswith(
        "no restriction in force")
