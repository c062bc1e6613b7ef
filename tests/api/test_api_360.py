"""The 360 read API over generated data on the real embedded store: lists, pages, search, batching, limits.

Expected values come from an independent walk of the raw graph in Python, not from the API's own queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.pagination import MAX_PAGE
from api.schema import MAX_ALIASES, MAX_DEPTH
from graph import Graph, Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from synthetic import generate
from tests.conftest import clear
from tests.helpers import api_client, graphql, graphql_data, query

pytestmark = pytest.mark.store

FULL_360 = """query($id: ID!) { customer(id: $id) { id firstName lastName email devices
  identifiers { type value } addresses { street postcode city recordKeys }
  transactions(first: 10) { totalCount summary { count totalSpend { amount currency } firstPurchase lastPurchase }
    edges { cursor node { key at amount { amount currency } storeKey storeName } } pageInfo { hasNextPage endCursor } }
  tickets(first: 10) { totalCount edges { node { key openedAt status subject notes { text } } } }
  webSessions(first: 10) { totalCount edges { node { key startedAt pages } } }
  consents { purpose channel granted at source event }
  stores { store { key name city } visits spend { amount } lastVisit } } }"""
PAGE = """query($id: ID!, $first: Int!, $after: String, $since: DateTime) { customer(id: $id) {
  transactions(first: $first, after: $after, since: $since) { totalCount
    edges { cursor node { key at } } pageInfo { hasNextPage endCursor } } } }"""
SEARCH = """query($name: String, $postcode: String, $email: String, $first: Int!, $after: String) {
  searchCustomers(name: $name, postcode: $postcode, emailPrefix: $email, first: $first, after: $after) {
    edges { cursor node { id firstName lastName postcode email
      transactions(first: 3) { totalCount edges { node { key } } }
      tickets(first: 3) { totalCount } webSessions(first: 3) { totalCount } consents { purpose } stores { visits }
      devices records { key } } }
    pageInfo { hasNextPage endCursor } } }"""


@pytest.fixture(scope="module")
def graph(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    data = tmp_path_factory.mktemp("sources")
    generate(300, data, seed=11)
    with open_graph(embedded_settings) as graph:
        clear(graph)
        graph.apply_schema()
        for path, mapping in plan([data]):
            load_file(graph, path, mapping, embedded_settings.home)
        resolve(graph)
        yield graph


@pytest.fixture(scope="module")
def client(graph: Graph, embedded_settings: Settings) -> Iterator[TestClient]:
    with api_client(embedded_settings, "agent") as test_client:
        yield test_client


class Reference:
    """What each customer's lists should hold, walked edge by edge in Python from a dump of the graph."""

    def __init__(self, graph: Graph) -> None:
        self.own: dict[str, set[str]] = defaultdict(set)
        # a household's shared value links nobody but still attaches events, as in the API
        for row in query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->()-[:HAS_IDENTIFIER]->(i) "
                                "WHERE i.blocked IS NULL OR i.blocked = 'household' "
                                "RETURN c.id AS c, i.key AS i"):
            self.own[row["c"]].add(row["i"])
        cookies_of_login: dict[str, set[str]] = defaultdict(set)
        for row in query(graph, "MATCH (w:WebSession)-[:LOGGED_IN_AS]->(i), (w)-[:FROM]->(k) "
                                "RETURN i.key AS i, k.key AS k"):
            cookies_of_login[row["i"]].add(row["k"])
        devices = defaultdict(set)
        for row in query(graph, "MATCH (k)-[:SEEN_ON]->(d) RETURN k.key AS k, d.key AS d"):
            devices[row["k"]].add(row["d"])
        self.keys = {}
        for customer, own in self.own.items():
            cookies = {k for i in own for k in cookies_of_login[i]}
            self.keys[customer] = own | cookies | {d for k in cookies for d in devices[k]}
        self.transactions = self._events(graph, "MATCH (t:Transaction)-[:BY]->(i) RETURN t.key AS e, i.key AS i, "
                                                "t.at AS at, t.amount_minor AS minor")
        self.tickets = self._events(graph, "MATCH (t:Ticket)-[:RAISED_BY]->(i) RETURN t.key AS e, i.key AS i, "
                                           "t.opened_at AS at")
        self.sessions = self._events(graph, "MATCH (w:WebSession)-[:FROM]->(i) RETURN w.key AS e, i.key AS i, "
                                            "w.started_at AS at")
        self.consents = self._events(graph, "MATCH (p:Purpose)<-[:ABOUT]-(e:ConsentEvent)-[:FOR]->(i) RETURN "
                                            "e.key AS e, i.key AS i, e.at AS at, e.granted AS granted, p.name AS p, "
                                            "e.channel AS channel")

    def _events(self, graph: Graph, cypher: str) -> dict[str, list[dict[str, Any]]]:
        by_identifier = defaultdict(list)
        for row in query(graph, cypher):
            by_identifier[row["i"]].append(row)
        result = {}
        for customer, keys in self.keys.items():
            events = {row["e"]: row for key in keys for row in by_identifier[key]}
            result[customer] = sorted(events.values(), key=lambda r: (r["at"], r["e"]), reverse=True)
        return result


@pytest.fixture(scope="module")
def reference(graph: Graph) -> Reference:
    return Reference(graph)


def _busiest(reference: Reference, events: dict[str, list[dict[str, Any]]]) -> str:
    return max(events, key=lambda c: (len(events[c]), c))


def test_full_360_agrees_with_the_graph(client: TestClient, reference: Reference) -> None:
    customer_id = _busiest(reference, reference.transactions)
    expected = reference.transactions[customer_id]
    customer = graphql_data(client, FULL_360, id=customer_id)["customer"]
    purchases = customer["transactions"]
    assert purchases["totalCount"] == len(expected) > 2
    assert [e["node"]["key"] for e in purchases["edges"]] == [r["e"] for r in expected[:10]]
    spend = sum(float(s["totalSpend"]["amount"]) for s in purchases["summary"])
    assert spend == pytest.approx(sum(r["minor"] for r in expected) / 100)
    assert purchases["summary"][0]["lastPurchase"].startswith(expected[0]["at"].isoformat()[:19])
    assert sum(s["visits"] for s in customer["stores"]) <= len(expected)
    for kind, field in ((reference.tickets, "tickets"), (reference.sessions, "webSessions")):
        assert customer[field]["totalCount"] == len(kind[customer_id])
        assert [e["node"]["key"] for e in customer[field]["edges"]] == [r["e"] for r in kind[customer_id][:10]]


def test_consents_newest_event_covering_each_channel_wins(client: TestClient, reference: Reference) -> None:
    """Every customer with more than one choice: a channel is decided by the newest event naming it or naming no
    channel; the purpose as a whole by the newest event naming no channel."""
    checked = 0
    for customer_id in sorted(c for c, events in reference.consents.items() if len(events) > 1):
        events = reference.consents[customer_id]  # newest first
        expected = {}
        for purpose, channel in {(r["p"], r["channel"]) for r in events}:
            covering = [r for r in events if r["p"] == purpose and r["channel"] in (channel, None)]
            expected[purpose, channel] = (covering[0]["granted"], covering[0]["e"])
        shown = graphql_data(client, FULL_360, id=customer_id)["customer"]["consents"]
        assert {(c["purpose"], c["channel"]): (c["granted"], c["event"]) for c in shown} == expected
        checked += 1
    assert checked > 5


def test_pages_walk_every_transaction_once_newest_first(client: TestClient, reference: Reference) -> None:
    customer_id = _busiest(reference, reference.transactions)
    seen: list[str] = []
    after = None
    while True:
        page = graphql_data(client, PAGE, id=customer_id, first=2, after=after)["customer"]["transactions"]
        seen += [e["node"]["key"] for e in page["edges"]]
        assert len(page["edges"]) <= 2
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [r["e"] for r in reference.transactions[customer_id]]
    middle = reference.transactions[customer_id][len(seen) // 2]["at"]
    recent = graphql_data(client, PAGE, id=customer_id, first=MAX_PAGE, since=middle.isoformat())["customer"]
    assert [e["node"]["key"] for e in recent["transactions"]["edges"]] == \
        [r["e"] for r in reference.transactions[customer_id] if r["at"] >= middle]
    assert recent["transactions"]["totalCount"] == len(recent["transactions"]["edges"])


@pytest.mark.parametrize(("variables", "message"), [
    ({"first": MAX_PAGE + 1}, f"first: must be between 1 and {MAX_PAGE}"),
    ({"first": 0}, "first: must be between 1"),
    ({"first": 2, "after": "bm90IGEgY3Vyc29y"}, "after: not a cursor c360 issued"),
    ({"first": 2, "after": "%%%"}, "after: not a cursor c360 issued"),
])
def test_bad_page_arguments_name_the_field(client: TestClient, reference: Reference, variables: dict[str, Any],
                                           message: str) -> None:
    body = graphql(client, PAGE, id=_busiest(reference, reference.transactions), **variables)
    [error] = body["errors"]
    assert error["message"].startswith(message) and error["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_cursor_of_another_list_is_refused(client: TestClient, reference: Reference) -> None:
    customer_id = _busiest(reference, reference.sessions)
    document = "query($id: ID!) { customer(id: $id) { webSessions(first: 1) { pageInfo { endCursor } } } }"
    sessions = graphql_data(client, document, id=customer_id)["customer"]["webSessions"]["pageInfo"]["endCursor"]
    error = graphql(client, PAGE, id=customer_id, first=2, after=sessions)["errors"][0]
    assert error["message"] == "after: a cursor of web_sessions, not of transactions"


def test_search_by_name_postcode_and_email_prefix(client: TestClient, graph: Graph) -> None:
    people = query(graph, "MATCH (c:Customer) WHERE c.last_name IS NOT NULL "
                          "RETURN c.id AS id, c.first_name AS first, c.last_name AS last, c.postcode AS postcode, "
                          "c.email AS email ORDER BY c.id")
    # the target by name, not by id: ids are keyed by each store's own secret, names are the generator's
    with_email = sorted((p for p in people if p["email"] is not None), key=lambda p: (p["last"], p["email"]))
    target = with_email[len(with_email) // 2]  # searched by email below
    word = target["last"].lower()
    # found: a last name starting with one of the words, and every word in the full name
    expected = [p["id"] for p in people if any(p["last"].lower().startswith(w) for w in word.split())
                and all(w in f"{p['first'] or ''} {p['last']}".lower() for w in word.split())]
    found, after = [], None
    while True:
        result = graphql_data(client, SEARCH, name=word.upper(), first=2, after=after)["searchCustomers"]
        found += [e["node"]["id"] for e in result["edges"]]
        if not result["pageInfo"]["hasNextPage"]:
            break
        after = result["pageInfo"]["endCursor"]
    assert found == expected
    by_email = graphql_data(client, SEARCH, email=target["email"][:4].upper(), first=MAX_PAGE)["searchCustomers"]
    assert target["id"] in [e["node"]["id"] for e in by_email["edges"]]
    both = graphql_data(client, SEARCH, name=word, postcode=target["postcode"], first=MAX_PAGE)["searchCustomers"]
    assert target["id"] in [e["node"]["id"] for e in both["edges"]]
    assert all(e["node"]["postcode"] == target["postcode"] for e in both["edges"])
    error = graphql(client, SEARCH, name="  ", first=5)["errors"][0]
    assert error["message"].startswith("name, postcode or emailPrefix: give at least one")


def test_store_queries_do_not_grow_with_the_page(client: TestClient, graph: Graph) -> None:
    """No N+1: a page of 20 full customers costs the same number of store queries as a page of 2."""
    initials = [r["initial"] for r in query(graph, "MATCH (c:Customer) WHERE c.last_name IS NOT NULL "
                                                   "RETURN left(c.last_name, 1) AS initial")]
    common = max(set(initials), key=initials.count).lower()

    def cost(first: int) -> tuple[int, int]:
        before = client.app.state.graph.statements  # type: ignore[attr-defined]
        page = graphql_data(client, SEARCH, postcode=None, name=common, first=first)["searchCustomers"]["edges"]
        return client.app.state.graph.statements - before, len(page)  # type: ignore[attr-defined]

    small, large = cost(2), cost(20)
    assert (small[1], large[1]) == (2, 20)
    # search, profiles, identities, 3 pages, 3 counts, consents, stores: one query each; and the access log's write
    assert small[0] == large[0] == 12


def test_abusive_queries_are_refused_before_running(client: TestClient) -> None:
    deep = "{ customer(id: \"x\") { " + "transactions { edges { node { key " * 4 + "} } }" * 4 + " } }"
    aliases = "{ " + " ".join(f"a{i}: customer(id: \"x\") {{ id }}" for i in range(MAX_ALIASES + 1)) + " }"
    tokens = "{ customer(id: \"x\") { " + " ".join(["id"] * 2100) + " } }"
    for document, words in ((deep, f"exceeds maximum operation depth of {MAX_DEPTH}"),
                            (aliases, "aliases found"), (tokens, "token")):
        response = client.post("/graphql", json={"query": document})
        assert response.status_code in (200, 400), response.text
        [error, *_] = response.json()["errors"]
        assert words in error["message"], error
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
