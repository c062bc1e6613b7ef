"""Who looked at whom, on the real app and store: reads by two roles leave exactly the entries expected, the
command line shows them, the purge keeps what is young, a page of 50 customers costs one write, and the
routes that list customers log them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from geo.locate import locate
from graph import Graph, Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from tests.conftest import clear
from tests.helpers import api_client, c360, deterministic, graphql, query, write_people

pytestmark = pytest.mark.store

PEOPLE = 60
SEARCH = ("query Page($first: Int!) { searchCustomers(postcode: \"31000\", first: $first) { edges { node { id email "
          "transactions { edges { node { id } } } } } } }")


@pytest.fixture(scope="module")
def ids(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Sixty people in one postcode, resolved, with homes; their customer ids, in the order searches list them."""
    sources = tmp_path_factory.mktemp("access-log-sources")
    write_people(sources, "crm", [{"id": f"P{i:02}", "first_name": f"Ana{i}", "last_name": "Lopez",
                                   "email": f"ana{i}@example.org", "postcode": "31000", "city": "Toulouse",
                                   "country": "FR"} for i in range(PEOPLE)])
    with open_graph(embedded_settings) as graph:
        clear(graph)
        for path, mapping in plan([sources]):
            load_file(graph, path, mapping, embedded_settings.home)
        resolve(graph, deterministic())
        locate(graph)
        found = query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r) RETURN c.id AS id ORDER BY id")
        yield [str(row["id"]) for row in found]
        clear(graph)


@pytest.fixture
def graph(embedded_settings: Settings, ids: list[str]) -> Iterator[Graph]:
    """The store with an empty access log."""
    with open_graph(embedded_settings) as opened:
        query(opened, "MATCH (a:AccessLog) DELETE a")
        yield opened


def _log(graph: Graph) -> list[tuple[str, str, str, list[str], str | None]]:
    rows = query(graph, "MATCH (a:AccessLog) RETURN a.subject AS s, a.role AS r, a.customer AS c, a.fields AS f, "
                        "a.operation AS o")
    return sorted((r["s"], r["r"], r["c"], r["f"], r["o"]) for r in rows)


def test_reads_by_two_roles_leave_one_entry_per_request_and_customer(embedded_settings: Settings, graph: Graph,
                                                                     ids: list[str]) -> None:
    one, two = ids[0], ids[1]
    with api_client(embedded_settings, "agent", "alice") as agent:
        assert "errors" not in graphql(agent, "query Look($id: ID!) { customer(id: $id) { id email phone } }",
                                       id=one)
        record = graphql(agent, "query($id: ID!) { customer(id: $id) { records { id } } }", id=two)
        record_id = record["data"]["customer"]["records"][0]["id"]
        graphql(agent, "query($id: ID!) { node(id: $id) { ... on SourceRecord { key } } }", id=record_id)
        graphql(agent, "{ segments { name } }")  # no customer: nothing logged
    with api_client(embedded_settings, "analyst", "bob") as analyst:
        graphql(analyst, 'query { searchCustomers(postcode: "31000", first: 2) { edges { node { id lastName '
                         'home { city } } } } }')
    assert _log(graph) == sorted([
        ("alice", "agent", one, ["email", "id", "phone"], "Look"),
        ("alice", "agent", two, ["records"], None),
        ("alice", "agent", two, ["records"], None),  # the record read again, by node
        ("bob", "analyst", one, ["home", "id", "lastName"], None),
        ("bob", "analyst", two, ["home", "id", "lastName"], None),
    ])
    shown = c360("access-log", "--customer", one, "--format", "json", home=embedded_settings.home)
    assert shown.returncode == 0, shown.stderr
    entries = json.loads(shown.stdout)
    assert [(e["subject"], e["role"], e["fields"], e["operation"]) for e in entries] == [
        ("alice", "agent", ["email", "id", "phone"], "Look"), ("bob", "analyst", ["home", "id", "lastName"], None)]
    assert entries[0]["at"] <= entries[1]["at"]
    table = c360("access-log", "--customer", one, home=embedded_settings.home)
    assert table.returncode == 0, table.stderr
    assert "alice" in table.stdout and "email, id, phone" in table.stdout and "Look" in table.stdout
    later = c360("access-log", "--customer", one, "--since", f"{datetime.now(UTC) + timedelta(days=1):%Y-%m-%d}",
                 "--format", "json", home=embedded_settings.home)
    assert json.loads(later.stdout) == []


def test_the_purge_removes_only_entries_past_their_retention(embedded_settings: Settings, graph: Graph,
                                                             ids: list[str]) -> None:
    now = datetime.now(UTC)
    for age in (401, 399, 1):
        query(graph, "CREATE (:AccessLog {at: $at, subject: 's', role: 'agent', customer: $c, fields: ['id']})",
              at=now - timedelta(days=age), c=ids[0])
    done = c360("access-log", "--purge", home=embedded_settings.home, env={"C360_ACCESS_LOG_DAYS": "400"})
    assert done.returncode == 0, done.stderr
    assert "purged 1 " in done.stdout
    left = query(graph, "MATCH (a:AccessLog) RETURN a.at AS at ORDER BY at")
    assert [round((now - row["at"]).total_seconds() / 86400) for row in left] == [399, 1]
    with api_client(embedded_settings.model_copy(update={"c360_access_log_days": 30}), "agent"):
        pass  # the server purges at start
    assert len(query(graph, "MATCH (a:AccessLog) RETURN a.at AS at")) == 1


def _statements(embedded_settings: Settings, first: int) -> tuple[int, dict[str, Any]]:
    with api_client(embedded_settings, "agent", "carol") as client:
        state: Any = client.app.state  # type: ignore[attr-defined]
        before = state.graph.statements
        answer = graphql(client, SEARCH, first=first)
        return state.graph.statements - before, answer


def test_fifty_customers_in_one_search_cost_one_log_write(embedded_settings: Settings, graph: Graph) -> None:
    fifty, answer = _statements(embedded_settings, 50)
    assert len(answer["data"]["searchCustomers"]["edges"]) == 50
    assert len(_log(graph)) == 50
    one, _ = _statements(embedded_settings, 1)
    # the same statements whatever the page's size: a write per customer would cost 49 more
    assert fifty == one
    # over the search alone: the customers' profiles, their identities, their purchases, and the log's write
    assert fifty - _search_alone(embedded_settings) == 4


def _search_alone(embedded_settings: Settings) -> int:
    """The statements of the same search finding nobody: no customer read, nothing logged."""
    with api_client(embedded_settings, "agent", "carol") as client:
        state: Any = client.app.state  # type: ignore[attr-defined]
        before = state.graph.statements
        answer = graphql(client, SEARCH.replace("31000", "99999"), first=50)
        assert answer["data"]["searchCustomers"]["edges"] == []
        return int(state.graph.statements - before)


def test_routes_that_list_customers_log_those_they_show(embedded_settings: Settings, graph: Graph,
                                                        ids: list[str], tmp_path: Path) -> None:
    with api_client(embedded_settings, "agent", "dave") as client:
        response = client.get("/geo/near.geojson?venue=43.6045,1.4440&radiusKm=20")
    assert response.status_code == 200, response.text
    shown = {feature["properties"]["customer_id"] for feature in response.json()["features"]}
    assert shown, "the walk would check nothing"
    logged = _log(graph)
    assert {entry[2] for entry in logged} == shown
    assert {(s, r, tuple(f), o) for s, r, _, f, o in logged} == {
        ("dave", "agent", ("customer_id", "distance_km", "location", "via"), "/geo/near.geojson")}
