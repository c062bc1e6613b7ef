"""Issue 14 row 10: what is not text is refused where it enters, as the client's mistake, never a 500.

A lone surrogate (JSON ``"\\ud800"``) in any string argument used to reach the store's driver, which cannot
encode it (INTERNAL_SERVER_ERROR); a body that is not UTF-8 used to be a plain-text 500. Through the real app.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from graph import Graph, Settings
from tests.helpers import api_client

pytestmark = pytest.mark.store

LONE = "\ud800"
#: (document, variables, the argument the refusal must name): every root field with a string argument, a
#: nested field's argument and an input object's field, each through a variable
ARGUMENTS = [
    ("query($v: ID!) { customer(id: $v) { id } }", {"v": LONE}, "id"),
    ("query($v: String!) { customerByIdentifier(type: EMAIL, value: $v) { id } }", {"v": f"a{LONE}@x.fr"}, "value"),
    ("query($v: String) { searchCustomers(name: $v) { edges { cursor } } }", {"v": LONE}, "name"),
    ("query($v: String) { searchCustomers(postcode: $v) { edges { cursor } } }", {"v": LONE}, "postcode"),
    ("query($v: String) { searchCustomers(emailPrefix: $v) { edges { cursor } } }", {"v": LONE}, "emailPrefix"),
    ("query($v: String) { searchCustomers(name: \"x\", after: $v) { edges { cursor } } }", {"v": LONE}, "after"),
    ("query($v: String!) { storeCatchment(storeKey: $v) { visits } }", {"v": LONE}, "storeKey"),
    ("query($v: String!) { invitations(venue: $v, radiusKm: 5) { via } }", {"v": LONE}, "venue"),
    ("query($v: String) { invitations(venue: \"S1\", radiusKm: 5, segment: $v) { via } }", {"v": LONE}, "segment"),
    ("query($v: String!) { invitations(venue: \"S1\", radiusKm: 5, purpose: $v) { via } }", {"v": LONE}, "purpose"),
    ("query($v: String!) { customer(id: \"C1\") { explainLink(otherRecordKey: $v) { together } } }", {"v": LONE},
     "otherRecordKey"),
    ("query($v: String) { customer(id: \"C1\") { tickets(after: $v) { totalCount } } }", {"v": LONE}, "after"),
    ("mutation($v: ID!) { openTicket(customerId: $v, subject: \"s\") { key } }", {"v": LONE}, "customerId"),
    ("mutation($v: String!) { openTicket(customerId: \"C1\", subject: $v) { key } }", {"v": LONE}, "subject"),
    ("mutation($v: String!) { recordConsent(customerId: \"C1\", purpose: $v, granted: true) { key } }",
     {"v": LONE}, "purpose"),
    ("mutation($v: String!) { annotateTicket(ticketKey: $v, note: \"n\") { key } }", {"v": LONE}, "ticketKey"),
    ("mutation($v: String) { annotateTicket(ticketKey: \"t\", note: \"n\", status: $v) { key } }", {"v": LONE},
     "status"),
    ("mutation($c: ContactCorrection!) { correctContact(customerId: \"C1\", correction: $c) { key } }",
     {"c": {"city": f"Paris{LONE}"}}, "city"),
    ("mutation($e: String) { correctContact(customerId: \"C1\", correction: {email: $e}) { key } }",
     {"e": LONE}, "email"),
    ("mutation($v: String) { correctContact(customerId: \"C1\", correction: {}, why: $v) { key } }", {"v": LONE},
     "why"),
    ("query Q($v: ID!) { ...F } fragment F on Query { customer(id: $v) { id } }", {"v": LONE}, "id"),
]


@pytest.fixture(scope="module")
def client(embedded_settings: Settings) -> Iterator[TestClient]:
    with api_client(embedded_settings, "admin") as test_client:
        yield test_client


def _post(client: TestClient, body: bytes, content_type: str = "application/json") -> Any:
    return client.post("/graphql", content=body, headers={"content-type": content_type})


def _json(value: object) -> bytes:
    """JSON as a client writes it: a lone surrogate becomes the escape ``\\ud800`` (ASCII)."""
    return json.dumps(value).encode("ascii")


@pytest.mark.parametrize(("document", "variables", "argument"), ARGUMENTS)
def test_lone_surrogate_in_an_argument_is_bad_user_input_naming_it(
        embedded_graph: Graph, client: TestClient, document: str, variables: dict[str, Any], argument: str) -> None:
    response = _post(client, _json({"query": document, "variables": variables}))
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["message"] == f"{argument}: not valid text (lone surrogate)"


def test_a_valid_surrogate_pair_is_text(embedded_graph: Graph, client: TestClient) -> None:
    """An emoji written as a JSON escape pair is one character, not a refusal."""
    body = b'{"query": "query($v: String) { searchCustomers(name: $v) { edges { cursor } } }", ' \
           b'"variables": {"v": "\\ud83d\\ude00"}}'
    answer = _post(client, body).json()
    assert "errors" not in answer, answer
    assert answer["data"]["searchCustomers"]["edges"] == []


@pytest.mark.parametrize(("literal", "reason"), [
    ("\\ud800", "Invalid Unicode escape sequence: '\\ud800'"),  # GraphQL's own escape in the document
    (LONE, "Invalid character within String: U+D800"),  # the character itself, as JSON sends it
])
def test_lone_surrogate_in_a_literal_is_refused_by_the_parser(client: TestClient, literal: str, reason: str) -> None:
    answer = _post(client, _json({"query": f'{{ customer(id: "{literal}") {{ id }} }}'})).json()
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert reason in error["message"]


@pytest.mark.parametrize(("body", "reason"), [
    (b'{"query": "{ segments { name } }\xff"}', "not UTF-8 text (byte 0xff at offset 32)"),
    (b"\xff\xfe{\x00}\x00", "not UTF-8 text (byte 0xff at offset 0)"),
    ('{"query": "{ segments { name } }", "variables": {"x": "é"}}'.encode("latin-1"), "not UTF-8 text"),
    (b'{"query": ', "not JSON"),
    (b'{"query": "query($f: Float!) { farShoppers(minKm: $f) { storeKey } }", "variables": {"f": NaN}}',
     "NaN is not a JSON number"),
    (b"[" * 100_000, "not JSON"),
    (b'{"query": "{ segments { name } }", "variables": {"x": ' + b"9" * 5000 + b"}}", "not JSON"),
])
def test_a_body_that_is_not_utf8_json_is_400_in_json(client: TestClient, body: bytes, reason: str) -> None:
    response = _post(client, body)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert reason in error["message"]


def test_every_refusal_before_graphql_runs_is_json(client: TestClient) -> None:
    """Refusals strawberry answers in plain text (and failed to write with a surrogate in them) are JSON."""
    unknown = _post(client, _json({"query": "query A { segments { name } }", "operationName": LONE}))
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["message"] == 'Unknown operation named "\\ud800".'
    for response in (_post(client, b"query=x", "text/plain"), _post(client, _json({"variables": {}}))):
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_get_query_string_that_is_not_utf8_is_refused(embedded_graph: Graph, client: TestClient) -> None:
    response = client.get("/graphql?query=%7B%20segments%20%7B%20name%20%7D%20%7D%ff")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "query: not valid text (not UTF-8)"
    variables = client.get("/graphql", params={"query": "query($v: ID!) { customer(id: $v) { id } }",
                                               "variables": '{"v": "\\ud800"}'})
    assert variables.json()["errors"][0]["message"] == "id: not valid text (lone surrogate)"


@pytest.mark.parametrize(("path", "parameter"), [
    ("/geo/near.geojson?venue=%ed%a0%80&radiusKm=5", "venue"),  # a surrogate in UTF-8 form is not UTF-8
    ("/geo/near.geojson?venue=S1&radiusKm=5%ff", "radiusKm"),
    ("/geo/catchment.geojson?storeKey=%ff", "storeKey"),
    ("/geo/invitations.csv?venue=S1&radiusKm=5&segment=Champions%c3", "segment"),
    ("/geo/far.geojson?minKm%ff=3", "minKm\ufffd"),
])
def test_geojson_parameters_that_are_not_text_are_refused_naming_them(client: TestClient, path: str,
                                                                      parameter: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "bad_request", "message": f"{parameter}: not valid text (not UTF-8)"}


def test_a_lone_surrogate_deep_in_a_variable_is_found_without_recursion(client: TestClient) -> None:
    """The check walked nested JSON recursively: 900 levels deep it raised RecursionError, which reached the
    client as a bare "maximum recursion depth exceeded" without a code."""
    deep = "[" * 900 + '"\\ud800"' + "]" * 900
    body = '{"query": "query($v: ID!) { customer(id: $v) { id } }", "variables": {"v": ' + deep + "}}"
    [error] = _post(client, body.encode("ascii")).json()["errors"]
    assert (error["extensions"]["code"], error["message"]) == ("BAD_USER_INPUT", "id: not valid text (lone surrogate)")
