"""Relay on the real store: every connection paged both ways, totalCount, global ids and ``node`` per role.

The store holds one customer with purchases, tickets and web sessions, some tied on their time (the key, or a
session's content hash, breaks the tie), and a family of namesakes to search. What each list should hold is
worked out here from the source rows written, not from the API.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from graphql import parse
from starlette.testclient import TestClient

from api.app import create_app
from api.nodes import MAX_NODES
from api.query_cost import operation_cost
from api.schema import schema
from graph import Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from scoring.score import score_customers
from tests.conftest import clear
from tests.helpers import Sources, bearer, customer_of, graphql, write_field_sources

pytestmark = pytest.mark.store

EMAIL, CARD, COOKIE, COOKIE_2 = "odile.lenoir@example.fr", "L5500123", "ckrelay0001", "ckrelay0002"
ROLES = ("admin", "agent", "analyst", "marketing")
NAMESAKES = ["Odile", "Paul", "Jeanne", "Marc", "Lucie", "Hugo", "Inès"]
# purchases: two pairs tied on their time
TILLS = [("T1", "2024-01-05T10:00:00Z"), ("T2", "2024-02-05T10:00:00Z"), ("T3", "2024-02-05T10:00:00Z"),
         ("T4", "2024-03-05T10:00:00Z"), ("T5", "2024-04-05T10:00:00Z"), ("T6", "2024-04-05T10:00:00Z"),
         ("T7", "2024-05-05T10:00:00Z")]
TICKETS = [("Q1", "2024-01-10T09:00:00Z"), ("Q2", "2024-02-10T09:00:00Z"), ("Q3", "2024-02-10T09:00:00Z"),
           ("Q4", "2024-03-10T09:00:00Z"), ("Q5", "2024-04-10T09:00:00Z")]
# five sessions: three of one cookie, two of another, the first of each tied on its start
VISITS = [(COOKIE, "2024-01-01T10:00:00Z"), (COOKIE, "2024-01-02T10:00:00Z"), (COOKIE, "2024-01-03T10:00:00Z"),
          (COOKIE_2, "2024-01-01T10:00:00Z"), (COOKIE_2, "2024-01-04T10:00:00Z")]

SOURCES: Sources = {
    "stores": ("stores", ["id", "name", "city", "country"], [["S1", "c360 Paris Centre", "Paris", "FR"]]),
    "crm": ("customers", ["id", "first_name", "last_name", "email", "postcode", "country", "loyalty_card"],
            [[f"R{n}", first, "Lenoir", EMAIL if n == 0 else f"{first.lower()}.lenoir{n}@example.fr", "75011",
              "FR", CARD if n == 0 else ""] for n, first in enumerate(NAMESAKES)]),
    "tills": ("transactions", ["id", "at", "amount", "currency", "store", "loyalty_card"],
              [[key, at, f"{10 + n}.00", "EUR", "S1", CARD] for n, (key, at) in enumerate(TILLS)]),
    "desk": ("tickets", ["id", "opened_at", "status", "subject", "email"],
             [[key, at, "open", f"Write back to {EMAIL}", EMAIL] for key, at in TICKETS]),
    "weblog": ("web_events", ["id", "at", "cookie", "page", "email"],
               [[f"E{n}", at, cookie, f"/account?email={EMAIL}", EMAIL] for n, (cookie, at) in enumerate(VISITS)]),
}

CONNECTIONS = ("transactions", "tickets", "webSessions")
PAGE = """query($id: ID!, $first: Int, $after: String, $last: Int, $before: String) { customer(id: $id) {
  %s(first: $first, after: $after, last: $last, before: $before) { totalCount
    edges { cursor node { id key } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }"""
SEARCH = """query($first: Int, $after: String, $last: Int, $before: String) {
  searchCustomers(name: "lenoir", first: $first, after: $after, last: $last, before: $before) { totalCount
    edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""
# each type reached through its parent, with every field a role's masking could touch
FIELDS = {
    "Customer": "id firstName lastName email customerNumber",
    "SourceRecord": "id key sourceId email loyaltyCard identifiers { type value }",
    "Transaction": "id key at amount { amount currency } storeKey storeName",
    "Ticket": "id key openedAt subject notes { text }",
    "WebSession": "id key startedAt pages",
    "Store": "id key name city",
    "Segment": "id segmentName: name description",  # a store's name may be null, a segment's not
}
_F = FIELDS
THROUGH_PARENT = (f"query($id: ID!) {{ customer(id: $id) {{ {_F['Customer']} records {{ {_F['SourceRecord']} }} "
                  f"transactions(first: 100) {{ edges {{ node {{ {_F['Transaction']} }} }} }} "
                  f"tickets(first: 100) {{ edges {{ node {{ {_F['Ticket']} }} }} }} "
                  f"webSessions(first: 100) {{ edges {{ node {{ {_F['WebSession']} }} }} }} "
                  f"stores {{ store {{ {_F['Store']} }} }} segment {{ {_F['Segment']} }} }} }}")
_ON_EACH = " ".join(f"... on {name} {{ {fields} }}" for name, fields in FIELDS.items())
NODES = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ __typename {_ON_EACH} }} }}"
NODE = "query($id: ID!) { node(id: $id) { __typename ... on Transaction { key } ... on Customer { id } } }"


@dataclass(frozen=True)
class Store:
    client: TestClient
    settings: Settings
    odile: str

    def ask(self, role: str, document: str, **variables: Any) -> dict[str, Any]:
        return graphql(self.client, document, bearer(self.settings, role), **variables)

    def data(self, role: str, document: str, **variables: Any) -> dict[str, Any]:
        body = self.ask(role, document, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def store(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    sources = tmp_path_factory.mktemp("relay-sources")
    write_field_sources(sources, SOURCES)
    with open_graph(embedded_settings) as graph:
        clear(graph)
        for path, mapping in plan([sources]):
            load_file(graph, path, mapping, embedded_settings.home)
        resolve(graph)
        score_customers(graph)
        odile = customer_of(graph, f"email:{EMAIL}")
        with TestClient(create_app(embedded_settings)) as client:
            yield Store(client, embedded_settings, odile)
        clear(graph)


# -- what each list should hold, from the rows written ----------------------------------------------------
def _expected(connection: str, store: Store) -> list[str]:
    """The items' keys newest first (ties: greater key first); sessions by their start only, as keys hold
    cookies and their order within a tie is the content hash's."""
    if connection == "transactions":
        return [f"tills:{key}" for at, key in sorted(((at, key) for key, at in TILLS), reverse=True)]
    if connection == "tickets":
        return [f"desk:{key}" for at, key in sorted(((at, key) for key, at in TICKETS), reverse=True)]
    return sorted((datetime.fromisoformat(at).isoformat() for _, at in VISITS), reverse=True)


def _page(store: Store, connection: str, **arguments: Any) -> dict[str, Any]:
    if connection == "searchCustomers":
        return store.data("agent", SEARCH, **arguments)["searchCustomers"]  # type: ignore[no-any-return]
    document = PAGE % connection
    if connection == "webSessions":
        document = document.replace("node { id key }", "node { id key startedAt }")
    return store.data("agent", document, id=store.odile, **arguments)["customer"][connection]  # type: ignore[no-any-return]


def _walk(store: Store, connection: str, size: int, backward: bool) -> tuple[list[dict[str, Any]], int]:
    """Every edge of a list, page by page of ``size`` one way, in list order; pageInfo checked on each page."""
    edges: list[dict[str, Any]] = []
    cursor: str | None = None
    pages = 0
    while True:
        arguments = {"last": size, "before": cursor} if backward else {"first": size, "after": cursor}
        page = _page(store, connection, **arguments)
        info, got = page["pageInfo"], page["edges"]
        pages += 1
        assert 1 <= len(got) <= size
        assert (info["startCursor"], info["endCursor"]) == (got[0]["cursor"], got[-1]["cursor"])
        # the side paged from: there is more there exactly when a cursor was given
        assert info["hasNextPage" if backward else "hasPreviousPage"] is (cursor is not None)
        edges = got + edges if backward else edges + got
        more = info["hasPreviousPage" if backward else "hasNextPage"]
        if not more:
            return edges, pages
        cursor = info["startCursor" if backward else "endCursor"]
        assert pages < 50, "the walk does not end"


def _identity(connection: str, edge: dict[str, Any]) -> str:
    node = edge["node"]
    if connection == "webSessions":
        return datetime.fromisoformat(node["startedAt"]).isoformat()
    return str(node.get("key", node["id"]))


@pytest.mark.parametrize("connection", [*CONNECTIONS, "searchCustomers"])
def test_every_connection_walks_both_ways_to_the_same_list(store: Store, connection: str) -> None:
    full = _page(store, connection, first=100)
    assert not full["pageInfo"]["hasNextPage"] and not full["pageInfo"]["hasPreviousPage"]
    listed = [_identity(connection, e) for e in full["edges"]]
    if connection == "searchCustomers":
        assert len(listed) == len(NAMESAKES) and listed == sorted(listed)
    else:
        assert listed == _expected(connection, store)
    assert full["totalCount"] == len(listed)
    for size in (1, 2, 3):
        for backward in (False, True):
            edges, pages = _walk(store, connection, size, backward)
            assert [e["cursor"] for e in edges] == [e["cursor"] for e in full["edges"]], (size, backward)
            assert pages == -(-len(listed) // size)


@pytest.mark.parametrize("connection", [*CONNECTIONS, "searchCustomers"])
def test_after_and_before_bound_a_window(store: Store, connection: str) -> None:
    cursors = [e["cursor"] for e in _page(store, connection, first=100)["edges"]]
    inside = _page(store, connection, after=cursors[0], before=cursors[-1], first=100)
    assert [e["cursor"] for e in inside["edges"]] == cursors[1:-1]
    assert inside["pageInfo"]["hasPreviousPage"] and not inside["pageInfo"]["hasNextPage"]
    tail = _page(store, connection, after=cursors[0], before=cursors[-1], last=2)
    assert [e["cursor"] for e in tail["edges"]] == cursors[-3:-1]
    assert tail["pageInfo"]["hasPreviousPage"] and tail["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize(("arguments", "message"), [
    ({"first": 2, "last": 2}, "first and last: give one of them, not both"),
    ({"last": 0}, "last: must be between 1 and 100, got 0"),
    ({"last": 2, "before": "bm90IGEgY3Vyc29y"}, "before: not a cursor c360 issued"),
    ({"first": 2, "after": "bm90IGEgY3Vyc29y"}, "after: not a cursor c360 issued"),
])
def test_pages_asked_wrongly_are_refused(store: Store, arguments: dict[str, Any], message: str) -> None:
    for connection in CONNECTIONS:
        body = store.ask("agent", PAGE % connection, id=store.odile, **arguments)
        [error] = body["errors"]
        assert (error["message"], error["extensions"]["code"]) == (message, "BAD_USER_INPUT")
    body = store.ask("agent", SEARCH, **arguments)
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [(message, "BAD_USER_INPUT")]


def test_a_cursor_of_one_list_is_refused_as_before_on_another(store: Store) -> None:
    cursor = _page(store, "tickets", first=1)["pageInfo"]["endCursor"]
    body = store.ask("agent", PAGE % "transactions", id=store.odile, last=1, before=cursor)
    assert body["errors"][0]["message"] == "before: a cursor of tickets, not of transactions"


def test_query_cost_counts_last_as_first() -> None:
    document = "query { customer(id: \"x\") { transactions(%s: 40) { edges { node { key at } } } } }"
    first, last = (operation_cost(schema._schema, parse(document % name)) for name in ("first", "last"))
    assert first == last > 40
    default = operation_cost(schema._schema, parse(document.replace("(%s: 40)", "")))
    assert default < first


def test_query_cost_counts_each_id_of_nodes() -> None:
    def cost(count: int) -> int:
        ids = ", ".join(f'"{n}"' for n in range(count))
        return operation_cost(schema._schema, parse(f"query {{ nodes(ids: [{ids}]) {{ id }} }}"))

    assert cost(1) < cost(10) < cost(MAX_NODES) == cost(MAX_NODES + 50)


# -- global ids and node ------------------------------------------------------------------------------------
def _objects(store: Store, role: str) -> dict[str, list[dict[str, Any]]]:
    """Every object of each Node type reached through the customer, as ``role`` sees it there."""
    customer = store.data(role, THROUGH_PARENT, id=store.odile)["customer"]
    scalars = {k: v for k, v in customer.items() if not isinstance(v, dict | list)}
    return {"Customer": [scalars], "SourceRecord": customer["records"],
            **{t: [e["node"] for e in customer[c]["edges"]] for t, c in (
                ("Transaction", "transactions"), ("Ticket", "tickets"), ("WebSession", "webSessions"))},
            "Store": [s["store"] for s in customer["stores"]], "Segment": [customer["segment"]]}


def test_every_type_round_trips_through_node_in_the_order_asked(store: Store) -> None:
    objects = _objects(store, "admin")
    assert all(objects.values()) and objects["Segment"] != [None], objects
    everything = [(t, o) for t, found in objects.items() for o in found]
    ids = [o["id"] for _, o in everything]
    assert len(set(ids)) == len(ids)
    for type_name, shown in everything:
        node = store.data("admin", NODE, id=shown["id"])["node"]
        assert node["__typename"] == type_name
    reversed_ids = [*ids[::-1], "not-an-id"]
    nodes = store.data("admin", NODES, ids=reversed_ids)["nodes"]
    assert [n and n["id"] for n in nodes] == [*ids[::-1], None]
    assert [n and n["__typename"] for n in nodes[:-1]] == [t for t, _ in everything[::-1]]


@pytest.mark.parametrize("role", ROLES)
def test_node_shows_each_object_exactly_as_its_parent_does(store: Store, role: str) -> None:
    objects = _objects(store, role)
    every = [o for found in objects.values() for o in found]
    by_node = store.data(role, NODES, ids=[o["id"] for o in every])["nodes"]
    for through_parent, through_node in zip(every, by_node, strict=True):
        assert through_node is not None
        assert {k: v for k, v in through_node.items() if k != "__typename"} == through_parent


def test_global_ids_are_the_same_for_every_role_and_tell_nothing(store: Store) -> None:
    by_role = {role: sorted(o["id"] for found in _objects(store, role).values() for o in found) for role in ROLES}
    assert len({tuple(ids) for ids in by_role.values()}) == 1
    for global_id in by_role["admin"]:
        if global_id == store.odile:
            continue
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).lower()
        # keys and values of four bytes or more: a shorter one turns up in the cipher text by chance (r0: 1 in 14)
        for secret in (COOKIE, COOKIE_2, CARD, "crm:R0", "tills:", "desk:", "weblog:", "crm:"):
            assert secret.lower().encode() not in raw


def test_forged_unknown_and_tampered_ids_answer_null(store: Store) -> None:
    transaction = _objects(store, "admin")["Transaction"][0]["id"]
    raw = bytearray(base64.urlsafe_b64decode(transaction + "=" * (-len(transaction) % 4)))
    raw[-1] ^= 1
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    forged = base64.urlsafe_b64encode(json.dumps(["Transaction", "tills:T1"]).encode()).decode()
    for global_id in (tampered, forged, "", "%%%", "Q1VTVE9NRVI6eA", transaction[:-4]):
        body = store.ask("analyst", NODE, id=global_id)
        assert body == {"data": {"node": None}}, global_id
    assert store.data("analyst", NODE, id=transaction)["node"]["key"] == "tills:T7"


def test_nodes_takes_at_most_a_page_of_ids(store: Store) -> None:
    body = store.ask("agent", "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=["x"] * (MAX_NODES + 1))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def _statements(store: Store, document: str, **variables: Any) -> int:
    before: int = store.client.app.state.graph.statements  # type: ignore[attr-defined]
    store.data("agent", document, **variables)
    return store.client.app.state.graph.statements - before  # type: ignore[attr-defined,no-any-return]


def test_nodes_are_fetched_in_one_batch_per_type(store: Store) -> None:
    """No N+1: every object of hers costs the store queries one of each type costs."""
    objects = _objects(store, "admin")
    one_each = [found[0]["id"] for found in objects.values()]
    every = [o["id"] for found in objects.values() for o in found]
    assert len(every) > len(one_each) + 10
    assert _statements(store, NODES, ids=every) == _statements(store, NODES, ids=one_each)


def test_backward_pages_of_many_customers_are_batched(store: Store) -> None:
    """No N+1 backward either: a search page of seven customers with their last purchases costs what two do."""
    document = ('query($last: Int!) { searchCustomers(name: "lenoir", last: $last) { edges { node { '
                'transactions(last: 2) { edges { node { key } } } tickets(last: 2) { edges { node { key } } } '
                'webSessions(last: 2) { edges { node { key } } } } } } }')
    assert _statements(store, document, last=2) == _statements(store, document, last=len(NAMESAKES))
