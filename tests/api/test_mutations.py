"""Service-desk mutations through the real app and store: validated, written as a source, re-resolved, audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from graph import Graph, Settings
from loaders.run import load_file, plan
from resolution import resolve
from tests.helpers import api_client, graphql, graphql_data, write_source

pytestmark = pytest.mark.store

CORRECT = """mutation($id: ID!, $c: ContactCorrection!, $why: String) {
  correctContact(customerId: $id, correction: $c, why: $why) { key auditId
    customer { id email phone street postcode city valueSources { attribute recordKey } records { key source } } } }"""
CONSENT = """mutation($id: ID!, $purpose: String!, $granted: Boolean!) {
  recordConsent(customerId: $id, purpose: $purpose, granted: $granted) {
    key customer { consents { purpose granted source } } } }"""
OPEN = """mutation($id: ID!, $subject: String!) { openTicket(customerId: $id, subject: $subject) { key auditId } }"""
ANNOTATE = """mutation($key: String!, $note: String!, $status: String) {
  annotateTicket(ticketKey: $key, note: $note, status: $status) { key customer { id } } }"""
READ = """query($id: ID!) { customer(id: $id) { id email phone
  tickets { totalCount edges { node { key status closedAt subject notes { by text } } } }
  changes { kind by target fields before after why } } }"""
BY_EMAIL = """query($v: String!) { customerByIdentifier(type: EMAIL, value: $v) { id } }"""


@pytest.fixture
def client(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    write_source(tmp_path, "crm", ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
                                   "2,Marie,Curie,marie@x.com,06 98 76 54 32,FR,75005,CN2"])
    (tmp_path / "consents.toml").write_text('[source]\nname = "consents"\nkind = "consents"\nid = "id"\n'
                                            '[columns]\nat = "at"\npurpose = "purpose"\ngranted = "granted"\n'
                                            'email = "email"\ncaptured_via = "where"\n', encoding="utf-8")
    (tmp_path / "consents.csv").write_text("id,at,purpose,granted,email,where\n"
                                           "K1,2024-01-01T10:00:00Z,marketing_email,yes,jean@x.com,Web\n",
                                           encoding="utf-8")
    for path, mapping in plan([tmp_path]):
        load_file(embedded_graph, path, mapping, tmp_path)
    resolve(embedded_graph)
    with api_client(embedded_settings, "agent", "agent-007") as test_client:
        yield test_client


def _jean(client: TestClient) -> str:
    return str(graphql_data(client, BY_EMAIL, v="jean@x.com")["customerByIdentifier"][0]["id"])


def _counts(graph: Graph) -> dict[str, int]:
    records, _, _ = graph.driver.execute_query(
        "MATCH (n) WITH labels(n) AS l, count(*) AS n RETURN l[0] AS label, n", database_=graph.database)
    return {r["label"]: r["n"] for r in records}


def test_contact_correction_is_a_service_desk_record_read_back_at_once(client: TestClient,
                                                                       embedded_graph: Graph) -> None:
    jean = _jean(client)
    result = graphql_data(client, CORRECT, id=jean, c={"email": " Jean.Dupont@NEW.fr", "street": "1 rue Neuve",
                                                "postcode": "69001", "city": "Lyon"}, why="moved")["correctContact"]
    customer = result["customer"]
    assert customer["id"] == jean
    assert (customer["email"], customer["street"], customer["postcode"], customer["city"]) == \
        ("jean.dupont@new.fr", "1 rue Neuve", "69001", "Lyon")
    assert customer["phone"] == "+33612345678"  # untouched fields keep their source
    sources = {v["attribute"]: v["recordKey"] for v in customer["valueSources"]}
    assert sources["email"] == sources["postcode"] == result["key"] == f"service-desk:{jean}"
    assert sources["phone"] == "crm:1"
    assert {r["key"] for r in customer["records"]} == {"crm:1", f"service-desk:{jean}"}
    # the new email finds the customer; so does the old one (the CRM still has it)
    assert graphql_data(client, BY_EMAIL, v="jean.dupont@new.fr")["customerByIdentifier"] == [{"id": jean}]
    [change] = graphql_data(client, READ, id=jean)["customer"]["changes"]
    assert (change["kind"], change["by"], change["why"]) == ("correct_contact", "agent-007", "moved")
    assert change["before"]["email"] == "jean@x.com" and change["after"]["email"] == "jean.dupont@new.fr"
    assert change["before"]["city"] is None and change["after"]["city"] == "Lyon"
    # a second correction updates the same record, and a full re-run keeps the decision
    graphql_data(client, CORRECT, id=jean, c={"phone": "07 81 22 33 44"})
    resolve(embedded_graph, full=True)
    again = graphql_data(client, READ, id=jean)["customer"]
    assert (again["email"], again["phone"]) == ("jean.dupont@new.fr", "+33781223344")
    assert len(again["changes"]) == 2


@pytest.mark.parametrize(("correction", "message"), [
    ({"email": "not-an-email"}, "email: "),
    ({"phone": "12"}, "phone: "),
    ({"street": "1 rue Neuve"}, "postcode: an address is corrected whole"),
    ({"street": "1 rue Neuve", "postcode": "ABC", "city": "Lyon"}, "postcode: "),
    ({"houseNumber": "x" * 30, "street": "s", "postcode": "69001", "city": "Lyon"}, "houseNumber: "),
    ({}, "correction: give at least one of"),
])
def test_invalid_correction_names_the_field_and_writes_nothing(client: TestClient, embedded_graph: Graph,
                                                               correction: dict[str, str], message: str) -> None:
    jean = _jean(client)
    before = _counts(embedded_graph)
    body = graphql(client, CORRECT, id=jean, c=correction)
    [error] = body["errors"]
    assert error["message"].startswith(message), error
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert _counts(embedded_graph) == before


def test_unknown_customer_is_a_clear_error(client: TestClient) -> None:
    error = graphql(client, CORRECT, id="C404", c={"email": "a@b.fr"})["errors"][0]
    assert error["message"] == "customerId: no customer 'C404'"
    error = graphql(client, ANNOTATE, key="tickets:nope", note="hello")["errors"][0]
    assert error["message"] == "ticketKey: no ticket 'tickets:nope'"


def test_consent_withdrawal_wins_and_is_audited(client: TestClient) -> None:
    jean = _jean(client)
    read = "query($id: ID!) { customer(id: $id) { consents { purpose channel granted source } } }"
    assert graphql_data(client, read, id=jean)["customer"]["consents"] == [
        {"purpose": "marketing", "channel": "email", "granted": True, "source": "consents"}]
    result = graphql_data(client, CONSENT, id=jean, purpose="Marketing_Email", granted=False)["recordConsent"]
    assert result["customer"]["consents"] == [{"purpose": "marketing", "granted": False, "source": "service-desk"}]
    [change] = graphql_data(client, READ, id=jean)["customer"]["changes"]
    assert (change["kind"], change["why"], change["before"], change["after"]) == \
        ("record_consent", "marketing by email", {"granted": True}, {"granted": False})


LEDGER = """query($id: ID!) { customer(id: $id) {
  consents { purpose channel granted capturedVia proof event }
  consentHistory { purpose channel granted capturedVia proof event } } }"""
CHOICE = """mutation($id: ID!, $purpose: String!, $granted: Boolean!, $channel: String, $proof: String) {
  recordConsent(customerId: $id, purpose: $purpose, granted: $granted, channel: $channel, proof: $proof) { key } }"""


def test_the_consent_ledger_decides_per_channel_and_keeps_every_choice(client: TestClient) -> None:
    """An SMS grant, then "no marketing at all", then email again: SMS stays refused, email is allowed,
    and the history holds all four choices, each with where it was made and what proves it."""
    jean = _jean(client)
    sms = graphql_data(client, CHOICE, id=jean, purpose="marketing", granted=True, channel="SMS",
                       proof="call ref 4411")["recordConsent"]["key"]
    refusal = graphql_data(client, CHOICE, id=jean, purpose="marketing", granted=False, channel=None,
                           proof="letter of 3 May")["recordConsent"]["key"]
    email = graphql_data(client, CHOICE, id=jean, purpose="marketing", granted=True, channel="e-mail",
                         proof=None)["recordConsent"]["key"]
    customer = graphql_data(client, LEDGER, id=jean)["customer"]
    state = {(c["purpose"], c["channel"]): (c["granted"], c["event"]) for c in customer["consents"]}
    assert state == {("marketing", None): (False, refusal), ("marketing", "sms"): (False, refusal),
                     ("marketing", "email"): (True, email)}
    history = customer["consentHistory"]
    assert [(c["channel"], c["granted"], c["event"]) for c in history[1:]] == \
        [("sms", True, sms), (None, False, refusal), ("email", True, email)]
    assert history[0]["capturedVia"] == "web" and history[0]["channel"] == "email"
    assert [c["capturedVia"] for c in history[1:]] == ["service_desk"] * 3
    assert [c["proof"] for c in history[1:]] == ["call ref 4411 (taken by agent-007)",
                                                 "letter of 3 May (taken by agent-007)", "taken by agent-007"]


def test_a_channel_that_is_not_one_is_refused_by_name(client: TestClient) -> None:
    error = graphql(client, CHOICE, id=_jean(client), purpose="marketing", granted=True, channel="pigeon",
                    proof=None)["errors"][0]
    assert error["message"] == "channel: expected a contact channel: email, sms, post, phone"


def test_open_and_annotate_a_ticket(client: TestClient) -> None:
    jean = _jean(client)
    opened = graphql_data(client, OPEN, id=jean, subject="Parcel never arrived")["openTicket"]
    graphql_data(client, ANNOTATE, key=opened["key"], note="Carrier contacted")
    closed = graphql_data(client, ANNOTATE, key=opened["key"], note="Refunded", status="Closed")["annotateTicket"]
    assert closed["customer"]["id"] == jean
    customer = graphql_data(client, READ, id=jean)["customer"]
    [ticket] = [e["node"] for e in customer["tickets"]["edges"]]
    assert (ticket["key"], ticket["subject"], ticket["status"]) == (opened["key"], "Parcel never arrived", "closed")
    assert ticket["closedAt"] is not None
    assert [n["text"] for n in ticket["notes"]] == ["Carrier contacted", "Refunded"]
    assert {n["by"] for n in ticket["notes"]} == {"agent-007"}
    assert [c["kind"] for c in customer["changes"]] == ["annotate_ticket", "annotate_ticket", "open_ticket"]
    error = graphql(client, ANNOTATE, key=opened["key"], note="   ")["errors"][0]
    assert error["message"].startswith("note: ")


def test_audit_event_is_in_the_graph_for_analysts(client: TestClient, embedded_graph: Graph) -> None:
    jean = _jean(client)
    graphql_data(client, CORRECT, id=jean, c={"email": "j@d.fr"})
    records, _, _ = embedded_graph.driver.execute_query(
        "MATCH (e:AuditEvent {customer: $id}) RETURN e.by AS by, e.before AS before, e.at AS at", id=jean,
        database_=embedded_graph.database)
    [event] = records
    assert event["by"] == "agent-007" and json.loads(event["before"]) == {"email": "jean@x.com"}
    assert event["at"] is not None
