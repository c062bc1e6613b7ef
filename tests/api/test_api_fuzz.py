"""Generated queries and mutations against the real app and store: no 500, no unmasked error, no server fault.

Queries come from the schema itself (hypothesis-graphql): valid ones with arbitrary arguments, invalid ones,
and (``bench.fuzz_operations``) hostile ones by every role: each argument at any depth keeps its literal,
takes a value the graph holds, or a hostile one (lone surrogates, NUL, huge ints, NaN, very long strings,
injections, forged cursors) as a literal or a variable. Every answer must be a GraphQL response whose errors
carry one of the documented codes, and the server must log no error; an INTERNAL_SERVER_ERROR would be a
bug. ``bench/fuzz.py`` runs the long pass (10 000 operations); below it, what that pass found, as
regression tests.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path

import phonenumbers
import pytest
import strawberry
from graphql import build_schema
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema
from starlette.testclient import TestClient
from strawberry.extensions import SchemaExtension

from api.auth import signing_key
from api.errors import CodedErrors
from api.schema import schema
from bench.fuzz_operations import (
    SCALARS,
    Known,
    Operation,
    Tally,
    known_values,
    operations,
    role_headers,
    server_log,
    try_operation,
)
from graph import Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from tests.conftest import clear
from tests.helpers import api_client, graphql, write_source

pytestmark = pytest.mark.store

CODES = {"BAD_USER_INPUT", "FORBIDDEN", "GRAPHQL_VALIDATION_FAILED"}
FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def loaded(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data: Path = tmp_path_factory.mktemp("fuzz")
    write_source(data, "crm", ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
                               "2,Marie,Dupont,marie@x.com,06 12 34 56 78,FR,75001,"])
    with open_graph(embedded_settings) as graph:
        clear(graph)
        for path, mapping in plan([data]):
            load_file(graph, path, mapping, data)
        resolve(graph)
    return embedded_settings


@pytest.fixture(scope="module")
def client(loaded: Settings) -> Iterator[TestClient]:
    with api_client(loaded, "agent", "fuzz") as test_client:
        yield test_client


def _answer_is_clean(client: TestClient, query: str) -> None:
    response = client.post("/graphql", json={"query": query})
    assert response.status_code in (200, 400), (query, response.status_code, response.text[:500])
    body = response.json()
    for error in body.get("errors") or []:
        assert (error.get("extensions") or {}).get("code") in CODES, (query, error)
        assert "Traceback" not in error["message"] and "neo4j" not in error["message"].lower(), (query, error)


@FUZZ
@given(query=from_schema(schema.as_str(), custom_scalars=SCALARS))
def test_generated_operations_never_fail_the_server(client: TestClient, query: str) -> None:
    _answer_is_clean(client, query)


@settings(FUZZ, max_examples=200)
@given(query=from_schema(schema.as_str(), custom_scalars=SCALARS, mode=Mode.NEGATIVE))
def test_invalid_operations_are_refused_cleanly(client: TestClient, query: str) -> None:
    _answer_is_clean(client, query)


CORRECT = """mutation($id: ID!, $c: ContactCorrection!) { correctContact(customerId: $id, correction: $c) {
  auditId customer { id email phone street postcode city changes { id after } } } }"""
TEXT = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["jean@x.fr", "06 11 22 33 44", "75002", "FR"]))
# valid addresses and numbers as people type them (any case, blanks around, national or international form),
# so that most examples are applied and their normalisation is checked, not only refused
EMAIL = st.builds(lambda user, domain, tld, pad: f"{pad}{user}@{domain}.{tld}{pad}",
                  st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,9}(\.[A-Za-z0-9]{1,5})?", fullmatch=True),
                  st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,8}[A-Za-z0-9]", fullmatch=True),
                  st.sampled_from(["fr", "COM", "De", "org"]), st.sampled_from(["", " ", "  "]))
PHONE = st.builds(lambda lead, digits, form: form((lead + digits)[:9]), st.sampled_from(["6", "73", "78"]),
                  st.from_regex(r"[0-9]{8}", fullmatch=True),
                  st.sampled_from([lambda n: f"0{n}", lambda n: f"+33 {n[0]} {n[1:]}",
                                   lambda n: f"0{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:]}",
                                   lambda n: f" 0{n[0]}.{n[1:3]}.{n[3:]} "]))


def _expected_email(typed: str) -> str:
    """What an email correction must become, worked out here rather than by c360's normaliser: the address
    as typed, blanks around it dropped, in lower case (the generated ones are plain ASCII)."""
    return typed.strip().lower()


def _expected_phone(typed: str, country: str) -> str:
    """E.164 of the number as read in the customer's country, straight from phonenumbers."""
    return phonenumbers.format_number(phonenumbers.parse(typed, country), phonenumbers.PhoneNumberFormat.E164)


@settings(FUZZ, max_examples=100)
@given(correction=st.one_of(
    st.fixed_dictionaries({}, optional={"email": st.one_of(EMAIL, TEXT), "phone": st.one_of(PHONE, TEXT)}),
    st.fixed_dictionaries({}, optional={"email": st.one_of(TEXT, EMAIL), "phone": st.one_of(TEXT, PHONE), **{
        field: TEXT for field in ("street", "houseNumber", "postcode", "city", "country")}})))
def test_arbitrary_corrections_of_a_real_customer(client: TestClient, correction: dict[str, str | None]) -> None:
    """Whatever an agent types: applied and shown normalised (in the customer and in the audit), or refused
    naming a field, never a server error."""
    [found] = client.post("/graphql", json={"query": '{ customerByIdentifier(type: CUSTOMER_NUMBER, value: "CN1") '
                                                     '{ id } }'}).json()["data"]["customerByIdentifier"]
    response = client.post("/graphql", json={"query": CORRECT, "variables": {"id": found["id"], "c": correction}})
    assert response.status_code == 200, response.text
    body = response.json()
    if body.get("errors"):
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["message"].split(":")[0] in {*correction, "correction", "postcode", "street", "city"}, error
        return
    result = body["data"]["correctContact"]
    customer = result["customer"]
    assert customer["id"]
    [change] = [c for c in customer["changes"] if c["id"] == result["auditId"]]
    expected: dict[str, str] = {}
    if (email := correction.get("email")) is not None:
        expected["email"] = _expected_email(email)
    if (phone := correction.get("phone")) is not None:  # read in the corrected country, else the customer's
        expected["phone"] = _expected_phone(phone, (correction.get("country") or "FR").strip().upper())
    for field, value in expected.items():
        event(f"{field} applied")
        assert customer[field] == value, (field, correction)  # the golden value is the normalised one
        assert change["after"][field] == value, (field, correction)  # and so is what the audit says was written


@pytest.fixture(scope="module")
def hostile(loaded: Settings) -> Iterator[tuple[TestClient, dict[str | None, dict[str, str]], st.SearchStrategy[
        Operation]]]:
    """The app with every role's token (and none, and a forged one), and operations over this graph's values."""
    with open_graph(loaded) as graph:
        known: Known = known_values(graph)
    with api_client(loaded) as test_client:
        yield test_client, role_headers(signing_key(loaded)), operations(build_schema(schema.as_str()), known)


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_hostile_operations_by_every_role_never_fail_the_server(
        hostile: tuple[TestClient, dict[str | None, dict[str, str]], st.SearchStrategy[Operation]],
        data: st.DataObject) -> None:
    client, headers, strategy = hostile
    tally = Tally()
    with server_log() as log:
        try_operation(client, headers, data.draw(strategy), log, tally)
    assert not tally.errors, "\n--- operation:\n".join(tally.errors[0])


# What the fuzz pass found, each failing before its fix:


def test_an_enum_written_as_a_string_whose_lower_case_is_longer_is_refused(client: TestClient) -> None:
    """graphql-core's "did you mean" code raised IndexError on "İ" (two characters in lower case): the
    validation error came back as INTERNAL_SERVER_ERROR."""
    [error] = graphql(client, '{ customerByIdentifier(type: "İ", value: "x") { id } }')["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["message"] == "Enum 'IdentifierType' cannot represent non-enum value: \"İ\"."


@pytest.mark.parametrize("cursor", [["customers", "\ud800"], ["customers", "C\udfff1"]])
def test_a_forged_cursor_holding_a_lone_surrogate_is_refused(client: TestClient, cursor: list[str]) -> None:
    """Inside the base64 a cursor is JSON, which can spell a lone surrogate: the store's driver failed on it."""
    after = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()
    [error] = graphql(client, "query($a: String) { searchCustomers(name: \"dupont\", after: $a) { edges { cursor } } }",
                      a=after)["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == "after: not a cursor c360 issued"


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_times_whose_utc_instant_is_outside_the_calendar_are_refused(client: TestClient, at: str) -> None:
    """The driver sends a time in UTC, beyond year 1 or 9999 for these (OverflowError): a ``since`` or a
    forged cursor holding one was INTERNAL_SERVER_ERROR."""
    [found] = graphql(client, '{ customerByIdentifier(type: CUSTOMER_NUMBER, value: "CN1") { id } }'
                      )["data"]["customerByIdentifier"]
    page = "query($id: ID!, $s: DateTime, $a: String) { customer(id: $id) { %s(since: $s, after: $a) { totalCount } } }"
    for field, kind in (("transactions", "transactions"), ("tickets", "tickets"), ("webSessions", "web_sessions")):
        cursor = base64.urlsafe_b64encode(json.dumps([kind, at, "src:1"]).encode()).decode()
        [since] = graphql(client, page % field, id=found["id"], s=at, a=None)["errors"]
        assert (since["extensions"]["code"], since["message"]) == ("BAD_USER_INPUT", "since: out of range once in UTC")
        [after] = graphql(client, page % field, id=found["id"], s=None, a=cursor)["errors"]
        assert (after["extensions"]["code"], after["message"]) == ("BAD_USER_INPUT", "after: not a cursor c360 issued")


def test_a_store_with_a_latitude_and_no_longitude_is_no_venue(loaded: Settings, client: TestClient,
                                                              tmp_path: Path) -> None:
    """A source gave one coordinate (the other was dropped as invalid): invitations and the GeoJSON around it
    failed on the missing one (TypeError)."""
    (tmp_path / "shops.csv").write_text("id,name,lat,lon\nS77,Half,48.85,east\n")
    (tmp_path / "shops.toml").write_text('[source]\nname = "shops"\nkind = "stores"\nid = "id"\n[columns]\n'
                                         'name = "name"\nlatitude = "lat"\nlongitude = "lon"\n')
    with open_graph(loaded) as graph:
        [(path, mapping)] = plan([tmp_path])
        assert load_file(graph, path, mapping, tmp_path).values_dropped == 1
    with api_client(loaded, "marketing", "fuzz") as marketer:  # invitation lists are marketing's
        [error] = graphql(marketer, '{ invitations(venue: "S77", radiusKm: 5) { distanceKm } }')["errors"]
    assert (error["extensions"]["code"], error["message"]) == (
        "BAD_USER_INPUT", "venue: store 'S77' has no coordinates in its source")
    response = client.get("/geo/near.geojson?venue=S77&radiusKm=5")
    assert (response.status_code, response.json()["message"]) == (400, "venue: store 'S77' has no coordinates "
                                                                        "in its source")


def test_an_exception_escaping_an_extension_hook_is_masked_and_coded() -> None:
    """Probing deeply nested variables: a RecursionError in an extension's hook skipped strawberry's masking
    and reached the client as "maximum recursion depth exceeded in comparison", without a code."""

    class Failing(SchemaExtension):
        def on_execute(self) -> Iterator[None]:
            raise RecursionError("maximum recursion depth exceeded in comparison")
            yield

    @strawberry.type
    class Query:
        answer: int = 42

    result = asyncio.run(strawberry.Schema(query=Query, extensions=[CodedErrors, Failing]).execute("{ answer }"))
    [error] = result.errors or []
    assert (error.message, error.extensions) == ("Internal error; see the server log.",
                                                 {"code": "INTERNAL_SERVER_ERROR"})



def test_a_field_refused_beside_others_on_the_same_loader_does_not_cancel_them(loaded: Settings) -> None:
    """Marketing may not read ``changes``: graphql-core cancels the refused field's siblings, and with them
    the DataLoader futures they were awaiting, which other fields of the response shared; those died with
    CancelledError (INTERNAL_SERVER_ERROR) instead of answering."""
    with api_client(loaded, "marketing", "fuzz") as marketer:
        [found] = graphql(marketer, '{ customerByIdentifier(type: CUSTOMER_NUMBER, value: "CN1") { id } }'
                          )["data"]["customerByIdentifier"]
        lists = "consents { purpose } stores { visits } devices tickets { totalCount }"
        query = "query($id: ID!) { refused: customer(id: $id) { changes { at } LISTS } " \
                "answered: customer(id: $id) { LISTS } }"
        body = graphql(marketer, query.replace("LISTS", lists), id=found["id"])
    assert [(error["path"], error["extensions"]["code"]) for error in body["errors"]] == [
        (["refused", "changes"], "FORBIDDEN")]
    assert body["data"]["refused"] is None
    assert body["data"]["answered"]["tickets"]["totalCount"] >= 0
