"""The GraphQL 360 through the real ASGI app on the real embedded store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from api.auth import issue_token, signing_key
from graph import Graph, Settings
from loaders.run import load_file, plan
from resolution import resolve
from tests.helpers import api_client, graphql, write_source

pytestmark = pytest.mark.store

CUSTOMER = """query($id: ID!) { customer(id: $id) { id firstName lastName email phone recordCount
  records { key source sourceId firstName email loadedAt identifiers { type value } }
  identifiers { type value } } }"""
BY_IDENTIFIER = """query($type: IdentifierType!, $value: String!) {
  customerByIdentifier(type: $type, value: $value) { id records { key } } }"""


@pytest.fixture
def client(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    write_source(tmp_path, "crm", [
        "1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
        "2,Marie,Dupont,marie@x.com,06 12 34 56 78,FR,75001,",
        "3,JEAN,DUPONT,Jean@X.com,,FR,75001,",
    ])
    for path, mapping in plan([tmp_path]):
        load_file(embedded_graph, path, mapping, tmp_path)
    resolve(embedded_graph)
    with api_client(embedded_settings, "admin") as test_client:
        yield test_client


def _id_of(client: TestClient, kind: str, value: str) -> list[str]:
    found = graphql(client, BY_IDENTIFIER, type=kind, value=value)["data"]["customerByIdentifier"]
    return [c["id"] for c in found]


def test_customer_360_by_identifier_then_id(client: TestClient) -> None:
    [customer_id] = _id_of(client, "EMAIL", " JEAN@x.com")
    customer = graphql(client, CUSTOMER, id=customer_id)["data"]["customer"]
    assert customer["recordCount"] == 2
    assert sorted(r["key"] for r in customer["records"]) == ["crm:1", "crm:3"]
    assert (customer["firstName"], customer["lastName"], customer["email"]) == ("Jean", "Dupont", "jean@x.com")
    assert {"type": "customer_number", "value": "CN1"} in customer["identifiers"]
    assert all(r["loadedAt"] for r in customer["records"])


def test_shared_household_phone_finds_both_people(client: TestClient) -> None:
    assert len(_id_of(client, "PHONE", "+33 6 12 34 56 78")) == 2
    assert _id_of(client, "CUSTOMER_NUMBER", " cn1 ") == _id_of(client, "EMAIL", "jean@x.com")


def test_unknown_customer_is_null_not_an_error(client: TestClient) -> None:
    body = graphql(client, CUSTOMER, id="C000")
    assert body == {"data": {"customer": None}}


def test_bad_identifier_value_names_the_field(client: TestClient) -> None:
    body = graphql(client, BY_IDENTIFIER, type="PHONE", value="12")
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith("value: not a")


def test_health_readiness_and_graphiql(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    page = client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


def test_unexpected_failures_are_masked_client_mistakes_are_not() -> None:
    from graphql import GraphQLError

    from api.errors import UserInputError, _unexpected

    assert _unexpected(GraphQLError("boom", original_error=RuntimeError("password=secret")))
    assert not _unexpected(GraphQLError("Cannot query field 'nope'"))
    assert not _unexpected(GraphQLError("value: bad", original_error=UserInputError("value: bad")))


def test_query_errors_are_reported_not_500(client: TestClient) -> None:
    response = client.post("/graphql", json={"query": "{ customer(id: 1) { nope } }"})
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert "nope" in error["message"] and error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


EXPLAIN = """query($id: ID!, $other: String!) { customer(id: $id) {
  valueSources { attribute recordKey }
  explainLink(otherRecordKey: $other) { recordKey together otherCustomerId reasons fuzzyScore
    hops { left right evidence rule score }
    pairWaterfall { priorWeight matchWeight probability weights { comparison level weight } } } } }"""


def test_explain_link_and_value_sources(client: TestClient) -> None:
    [jean] = _id_of(client, "EMAIL", "jean@x.com")
    together = graphql(client, EXPLAIN, id=jean, other="crm:3")["data"]["customer"]
    assert {"attribute": "first_name", "recordKey": "crm:1"} in together["valueSources"]  # same trust: newest/key
    link = together["explainLink"]
    assert link["together"] and link["reasons"] == []
    assert [h["evidence"] for h in link["hops"]] == ["email:jean@x.com"]
    apart = graphql(client, EXPLAIN, id=jean, other="crm:2")["data"]["customer"]["explainLink"]
    assert not apart["together"] and apart["otherCustomerId"] != jean
    assert any("phone:+33612345678" in reason for reason in apart["reasons"])  # a household phone
    waterfall = apart["pairWaterfall"]  # Jean and Marie Dupont: the weights say why they are two people
    levels = {w["comparison"]: w["level"] for w in waterfall["weights"]}
    assert levels["name"] == "same last name, another first name" and levels["contact"] == "same phone"
    assert waterfall["matchWeight"] == pytest.approx(
        waterfall["priorWeight"] + sum(w["weight"] for w in waterfall["weights"]), abs=1e-3)
    assert waterfall["probability"] == pytest.approx(apart["fuzzyScore"], abs=1e-4) and waterfall["probability"] < 0.5
    missing = graphql(client, EXPLAIN, id=jean, other="crm:99")
    assert missing["data"] is None or missing["data"]["customer"] is None
    assert "otherRecordKey: no source record 'crm:99'" in missing["errors"][0]["message"]


def test_graphql_needs_a_valid_token(client: TestClient, embedded_settings: Settings) -> None:
    query = {"query": "{ __typename }"}
    for headers, reason in [({}, "a token is required"), ({"Authorization": "Basic abc"}, "Bearer"),
                            ({"Authorization": "Bearer not-a-jwt"}, "invalid token")]:
        response = client.post("/graphql", json=query, headers={"Authorization": ""} | headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert reason in response.json()["message"]
    key = signing_key(embedded_settings)
    expired = issue_token(key, "agent", "someone", timedelta(seconds=-1))
    response = client.post("/graphql", json=query, headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and "expired" in response.json()["message"]
    forged = issue_token("another-key-of-at-least-32-bytes!", "admin", "mallory", timedelta(minutes=5))
    assert client.post("/graphql", json=query, headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    agent = issue_token(key, "agent", "agent-7", timedelta(minutes=5))
    ok = client.post("/graphql", json=query, headers={"Authorization": f"Bearer {agent}"})
    assert ok.status_code == 200 and ok.json()["data"] == {"__typename": "Query"}
    # health, readiness and the GraphiQL page itself need no token
    assert client.get("/healthz", headers={"Authorization": ""}).status_code == 200
    page = client.get("/graphql", headers={"Accept": "text/html", "Authorization": ""})
    assert page.status_code == 200


def test_token_command_issues_what_the_api_accepts(tmp_path: Path) -> None:
    from api.auth import Role, verify_token
    from tests.helpers import c360

    issued = c360("token", "--role", "marketing", "--subject", "campaigns", home=tmp_path)
    assert issued.returncode == 0, issued.stderr
    key = signing_key(Settings(neo4j_uri=None, c360_home=tmp_path))
    assert (tmp_path / "jwt-secret").stat().st_mode & 0o777 == 0o600
    principal = verify_token(key, issued.stdout.strip())
    assert (principal.subject, principal.role) == ("campaigns", Role.MARKETING)
    wrong = c360("token", "--role", "boss", home=tmp_path)
    assert wrong.returncode == 1 and "roles: agent, analyst, marketing, dpo, admin" in wrong.stderr
