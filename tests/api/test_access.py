"""Every role against every personal field and guarded operation, through the real app and store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import issue_token, signing_key
from graph import Graph, Settings
from loaders.run import load_file, plan
from resolution import resolve
from tests.helpers import bearer, graphql, write_people

pytestmark = pytest.mark.store

PERSON = {"first_name": "Hélène", "last_name": "Martin", "birth_date": "1980-02-29", "email": "helene@x.fr",
          "phone": "+33612345678", "street": "Rue des Lilas", "house_number": "12", "postcode": "75011",
          "city": "Paris", "country": "FR", "customer_number": "CN77", "national_id": "1800275123456"}
FIELDS = {"firstName": "first_name", "lastName": "last_name", "birthDate": "birth_date", "email": "email",
          "phone": "phone", "street": "street", "houseNumber": "house_number", "postcode": "postcode",
          "city": "city", "country": "country", "customerNumber": "customer_number"}
CLEAR, PSEUDONYM, HIDDEN, ABSENT = "clear", "pseudonym", "hidden", "absent"
# The specification, written out: role → field or identifier type → what the role sees.
EXPECTED: dict[str, dict[str, str]] = {
    "agent": {**dict.fromkeys(FIELDS, CLEAR), **dict.fromkeys(("email#", "phone#", "customer_number#",
                                                                 "national_id#"), CLEAR)},
    "admin": {**dict.fromkeys(FIELDS, CLEAR), **dict.fromkeys(("email#", "phone#", "customer_number#",
                                                                 "national_id#"), CLEAR)},
    "analyst": {"firstName": HIDDEN, "lastName": HIDDEN, "birthDate": HIDDEN, "street": HIDDEN,
                "houseNumber": HIDDEN, "email": PSEUDONYM, "phone": PSEUDONYM, "customerNumber": PSEUDONYM,
                "postcode": CLEAR, "city": CLEAR, "country": CLEAR, "email#": PSEUDONYM, "phone#": PSEUDONYM,
                "customer_number#": PSEUDONYM, "national_id#": PSEUDONYM},
    "marketing": {**dict.fromkeys(FIELDS, CLEAR), "email#": CLEAR, "phone#": CLEAR, "customer_number#": CLEAR,
                  "national_id#": ABSENT},
    "dpo": {**dict.fromkeys(FIELDS, CLEAR), **dict.fromkeys(("email#", "phone#", "customer_number#",
                                                               "national_id#"), CLEAR)},
}
QUERY = "query($id: ID!) { customer(id: $id) { " + " ".join(FIELDS) + \
        " records { " + " ".join(FIELDS) + " identifiers { type value } } } }"
EXPLAIN = 'query($id: ID!) { customer(id: $id) { explainLink(otherRecordKey: "crm:1") { together } } }'
BY_NATIONAL_ID = '{ customerByIdentifier(type: NATIONAL_ID, value: "1800275123456") { id } }'


@pytest.fixture
def app(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    write_people(tmp_path, "crm", [{"id": "1", **PERSON}])
    for path, mapping in plan([tmp_path]):
        load_file(embedded_graph, path, mapping, tmp_path)
    resolve(embedded_graph)
    [customer_id] = [r["customer_id"] for r in embedded_graph.read("export_clusters")]
    with TestClient(create_app(embedded_settings)) as client:
        yield client, customer_id


def _as(client: TestClient, settings: Settings, role: str, query: str, **variables: Any) -> dict[str, Any]:
    return graphql(client, query, bearer(settings, role), **variables)


def _seen(shown: Any, original: str) -> str:
    if shown is None:
        return HIDDEN
    if shown == original:
        return CLEAR
    assert str(shown).startswith("psn:") and original not in str(shown)
    return PSEUDONYM


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_role_field_matrix(app: tuple[TestClient, str], embedded_settings: Settings, role: str) -> None:
    client, customer_id = app
    customer = _as(client, embedded_settings, role, QUERY, id=customer_id)["data"]["customer"]
    [record] = customer.pop("records")
    identifiers = {i["type"]: i["value"] for i in record.pop("identifiers")}
    for shown in (customer, record):
        seen = {name: _seen(shown[name], PERSON[FIELDS[name]]) for name in FIELDS}
        assert seen == {name: EXPECTED[role][name] for name in FIELDS}
    for kind in ("email", "phone", "customer_number", "national_id"):
        original = "CN77" if kind == "customer_number" else PERSON[kind]
        seen_as = _seen(identifiers[kind], original) if kind in identifiers else ABSENT
        assert seen_as == EXPECTED[role][f"{kind}#"], kind
    again = _as(client, embedded_settings, role, QUERY, id=customer_id)["data"]["customer"]
    assert again["email"] == customer["email"]  # pseudonyms are stable: analysts can still count and join


def _nodes(graph: Graph) -> int:
    """Nodes of data: the access log records the reads a refused request still made, which is not a change."""
    records, _, _ = graph.driver.execute_query("MATCH (n) WHERE NOT n:AccessLog RETURN count(n) AS n",
                                               database_=graph.database)
    return int(records[0]["n"])


STAFF, EVERYONE = {"agent", "admin"}, set(EXPECTED)
ONE_PERSON = STAFF | {"dpo"}  # who may see how one person's profile was made and changed
# The specification of guarded operations, written out: operation → the roles that may run it.
OPERATIONS: dict[str, tuple[str, set[str]]] = {
    "explainLink": (EXPLAIN, ONE_PERSON),
    "customerByIdentifier(NATIONAL_ID)": (BY_NATIONAL_ID, ONE_PERSON),  # analysts see it pseudonymised only
    "searchCustomers(name)": ('{ searchCustomers(name: "martin") { edges { node { id } } } }',
                              ONE_PERSON | {"marketing"}),
    "searchCustomers(emailPrefix)": ('{ searchCustomers(emailPrefix: "hel") { edges { node { id } } } }',
                                     ONE_PERSON | {"marketing"}),
    "searchCustomers(postcode)": ('{ searchCustomers(postcode: "75011") { edges { node { id } } } }', EVERYONE),
    "changes": ("query($id: ID!) { customer(id: $id) { changes { kind } } }", ONE_PERSON),
    "correctContact": ('mutation($id: ID!) { correctContact(customerId: $id, correction: {email: "h@y.fr"}) '
                       '{ key } }', STAFF),
    "recordConsent": ('mutation($id: ID!) { recordConsent(customerId: $id, purpose: "sms", granted: true) '
                      '{ key } }', STAFF),
    "openTicket": ('mutation($id: ID!) { openTicket(customerId: $id, subject: "Hello") { key } }', STAFF),
    "annotateTicket": ('mutation { annotateTicket(ticketKey: "tickets:none", note: "Hi") { key } }', STAFF),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_role_operations(app: tuple[TestClient, str], embedded_settings: Settings, embedded_graph: Graph,
                         role: str) -> None:
    client, customer_id = app
    for name, (query, allowed) in OPERATIONS.items():
        before = _nodes(embedded_graph)
        body = _as(client, embedded_settings, role, query, **({"id": customer_id} if "$id" in query else {}))
        codes = [e["extensions"]["code"] for e in body.get("errors", [])]
        if role in allowed:
            assert "FORBIDDEN" not in codes, (name, body)
        else:
            assert codes == ["FORBIDDEN"], (name, body)
            assert _nodes(embedded_graph) == before, name  # a refusal writes nothing
    looked_up = _as(client, embedded_settings, "agent", BY_NATIONAL_ID)
    assert [c["id"] for c in looked_up["data"]["customerByIdentifier"]] == [customer_id]


def test_a_source_token_runs_no_operation(app: tuple[TestClient, str], embedded_settings: Settings,
                                          embedded_graph: Graph) -> None:
    """The ``source`` role is a sending system's (``/ingest`` only): every field and operation above is
    refused with 403 before GraphQL runs, and nothing is written."""
    client, customer_id = app
    token = issue_token(signing_key(embedded_settings), "source", "crm-system", timedelta(minutes=5), source="crm")
    before = _nodes(embedded_graph)
    for query in (QUERY, *(q for q, _ in OPERATIONS.values())):
        answer = client.post("/graphql", json={"query": query, "variables": {"id": customer_id}},
                             headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 403, answer.text
        assert answer.json()["error"] == "forbidden" and customer_id not in answer.text
    assert _nodes(embedded_graph) == before
