"""Request limits on the real app and server: a cap on bodies, a cost limit on GraphQL operations, and signing
keys long enough to be safe (issue 14, rows 8 and 9).

The body tests that need a real network (a chunked upload, ``/healthz`` while a big body comes in) run uvicorn
in a thread; the others go through the ASGI app with its lifespan. Costs are checked against an independent
count of the fields each test document asks for.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
import jwt
import pytest
from graphql import parse
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import MIN_KEY_BYTES, issue_token, signing_key, verify_token
from api.pagination import MAX_PAGE
from api.query_cost import operation_cost
from api.schema import MAX_ALIASES, schema
from bench.api import QUERY as BENCH_QUERY
from bench.api import SEARCH as BENCH_SEARCH
from graph import C360Error, Graph, Settings
from tests.api.test_api_360 import FULL_360, PAGE, SEARCH
from tests.api.test_schema_file import _documented_queries
from tests.geo.test_marketing import marketing  # noqa: F401  (the fixture: a located, scored graph)
from tests.helpers import api_client, bearer, c360, one_error_line, uvicorn_serving

pytestmark = pytest.mark.store

CAP = Settings().c360_max_body_bytes
LIMIT = Settings().c360_max_query_cost
#: the issue's attack: as many aliases as allowed, each of the longest invitation list with a page of purchases
ATTACK = "{ " + " ".join(
    f'a{i}: invitations(venue: "S1", radiusKm: 1000, limit: 10000) {{ customer {{ id '
    f'transactions(first: 100) {{ edges {{ node {{ key at amount {{ amount currency }} }} }} }} }} }}'
    for i in range(MAX_ALIASES)) + " }"


def _body(size: int) -> bytes:
    """A valid GraphQL request of about ``size`` bytes: a trivial query and a long unused variable."""
    return json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * size}}).encode()


@pytest.fixture
def client(marketing: Graph, embedded_settings: Settings) -> Iterator[TestClient]:  # noqa: F811
    with api_client(embedded_settings, "marketing") as test_client:
        yield test_client


@pytest.fixture
def served(embedded_graph: Graph, embedded_settings: Settings) -> Iterator[tuple[str, dict[str, str]]]:
    with uvicorn_serving(create_app(embedded_settings)) as url:
        yield url, bearer(embedded_settings, "agent")


def _statements(client: TestClient) -> int:
    return client.app.state.graph.statements  # type: ignore[attr-defined,no-any-return]


# -- row 8: the body cap ---------------------------------------------------------------------------------------


def test_a_body_over_the_cap_is_refused_before_it_is_read(client: TestClient) -> None:
    started = time.perf_counter()
    response = client.post("/graphql", content=_body(2 * CAP), headers={"Content-Type": "application/json"})
    assert time.perf_counter() - started < 1
    assert response.status_code == 413, response.text[:200]
    assert response.json() == {"error": "content_too_large",
                               "message": f"the request body is larger than the limit of {CAP:,} bytes"}
    # checked before the token: an anonymous upload is not read either
    anonymous = client.post("/graphql", content=_body(2 * CAP), headers={"Authorization": ""})
    assert anonymous.status_code == 413
    just_under = client.post("/graphql", content=_body(CAP - 100), headers={"Content-Type": "application/json"})
    assert just_under.status_code == 200 and just_under.json() == {"data": {"__typename": "Query"}}


def test_a_chunked_body_is_cut_off_at_the_cap(served: tuple[str, dict[str, str]]) -> None:
    """No Content-Length: the body is counted as it streams in and refused once past the cap, not read to its end."""
    url, headers = served
    sent = 0
    total = 8 * CAP

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        piece = b" " * 65_536  # JSON allows any amount of whitespace before the object
        while sent < total:
            sent += len(piece)
            yield piece
            time.sleep(0.001)

    response = httpx.post(f"{url}/graphql", content=chunks(), timeout=30,
                          headers=headers | {"Content-Type": "application/json"})
    assert response.status_code == 413, response.text[:200]
    assert response.json()["error"] == "content_too_large"
    assert sent < total / 2, f"the client could send {sent:,} bytes"


def test_healthz_answers_while_a_big_body_is_refused(served: tuple[str, dict[str, str]]) -> None:
    url, headers = served
    body = _body(100_000_000)
    latencies: list[float] = []
    answers: list[object] = []
    done = threading.Event()

    def probe() -> None:
        with httpx.Client(timeout=30) as health:
            while not done.is_set():
                started = time.perf_counter()
                answers.append(health.get(f"{url}/healthz").json())
                latencies.append(time.perf_counter() - started)
                time.sleep(0.01)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        time.sleep(0.1)
        started = time.perf_counter()
        response = httpx.post(f"{url}/graphql", content=body, timeout=60,
                              headers=headers | {"Content-Type": "application/json"})
        refused_in = time.perf_counter() - started
        time.sleep(0.1)
    finally:
        done.set()
        prober.join(30)
    assert response.status_code == 413
    assert refused_in < 1, f"100 MB refused after {refused_in:.2f} s"
    assert answers and all(answer == {"status": "ok"} for answer in answers)
    assert max(latencies) < 0.5, f"/healthz took up to {max(latencies):.2f} s"


# -- row 8: the query cost ---------------------------------------------------------------------------------------

def test_the_alias_attack_is_refused_before_anything_runs(client: TestClient) -> None:
    """Within the depth, alias and token limits, yet tens of millions of fields: refused, no store statement."""
    before = _statements(client)
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": ATTACK})
    took = time.perf_counter() - started
    assert response.status_code == 200
    [error] = response.json()["errors"]
    cost = operation_cost(schema._schema, parse(ATTACK))
    assert error["message"].startswith(f"the query costs {cost:,}, over the limit of {LIMIT:,}")
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED", "cost": cost, "maxCost": LIMIT}
    assert response.json()["data"] is None
    assert _statements(client) == before, "a store statement ran"
    assert took < 5, f"refused after {took:.2f} s"  # it ran for ~60 s before the limit; 0.15 s on a quiet machine
    # one alias of it, with a short list, is an ordinary marketing query and runs
    one = '{ invitations(venue: "S1", radiusKm: 1000, limit: 10) { customer { id transactions(first: 5) { ' \
          'edges { node { key } } } } } }'
    answer = client.post("/graphql", json={"query": one}).json()
    assert "errors" not in answer and answer["data"]["invitations"]
    assert _statements(client) > before


def test_the_limit_is_configurable_and_counts_variables(marketing: Graph, embedded_settings: Settings) -> None:  # noqa: F811
    strict = embedded_settings.model_copy(update={"c360_max_query_cost": 300})
    with api_client(strict, "agent") as client:
        def errors(first: int) -> list[str]:
            body = client.post("/graphql", json={"query": PAGE, "variables": {"id": "C0", "first": first}}).json()
            return [e["message"] for e in body.get("errors") or []]

        # customer, transactions, totalCount, edges, pageInfo { hasNextPage endCursor }, and 4 an edge
        assert errors(73) == []  # 7 + 4 x 73 = 299
        assert errors(74) == ["the query costs 303, over the limit of 300: ask for smaller pages (first, limit) "
                              "or fewer fields"]
        assert errors(10**6) == [errors(MAX_PAGE)[0]]  # past the largest page it counts as the largest


def test_cost_counts_fields_times_page_sizes() -> None:
    """Every field once per object it is resolved on; lists multiply what they hold, fragments included."""
    def cost(document: str, **variables: object) -> int:
        return operation_cost(schema._schema, parse(document), variables=variables)

    assert cost("{ segments { name customers } }") == 3  # a list the request cannot size counts once
    # the default page (10); a connection's size counts for its edges, not for totalCount or pageInfo
    assert cost('{ customer(id: "x") { transactions { totalCount edges { node { key } } } } }') == 4 + 10 * 2
    # nested pages multiply: 3 customers x 4 purchases
    assert cost('{ searchCustomers(postcode: "1", first: 3) { edges { node { transactions(first: 4) { '
                'edges { node { key } } } } } } }') == 1 + 1 + 3 * (1 + 1 + 1 + 4 * 2)
    fragments = ('query($n: Int!) { customer(id: "x") { ...Page } } fragment Page on Customer { '
                 'transactions(first: $n) { ...Edges } } fragment Edges on TransactionConnection { edges { node { '
                 '... on Transaction { key at } } } }')
    assert cost(fragments, n=7) == 1 + 1 + 1 + 7 * 3
    assert cost(fragments, n=-5) == cost(fragments, n=0) == cost(fragments, n=1)  # never room for other fields
    assert cost(fragments, n="many") == cost(fragments, n=MAX_PAGE) == cost(fragments, n=10**9)
    assert cost(fragments.replace("$n: Int!", "$n: Int! = 7")) == cost(fragments, n=7)
    assert cost(fragments) == cost(fragments, n=MAX_PAGE)  # a variable not sent counts at the worst
    assert cost('{ invitations(venue: "S1", radiusKm: 5) { reason } }') == 1 + 100  # the default limit
    assert cost("mutation { openTicket(customerId: \"x\", subject: \"s\") { customer { tickets(first: 50) { "
                "edges { node { key } } } } } }") == 1 + 1 + 1 + 1 + 50 * 2
    assert cost(ATTACK) > 1000 * LIMIT


def _sent_by_the_map() -> list[str]:
    script = Path(__file__).resolve().parents[2] / "api" / "static" / "map.js"
    return re.findall(r'query: "(.*?)"', script.read_text(encoding="utf-8"))


ADMITTED = [*_documented_queries(), *(("map.js", q) for q in _sent_by_the_map()),
            ("test_api_360 FULL_360", FULL_360), ("test_api_360 PAGE", PAGE), ("test_api_360 SEARCH", SEARCH),
            ("bench/api.py QUERY", BENCH_QUERY), ("bench/api.py SEARCH", BENCH_SEARCH)]


@pytest.mark.parametrize(("where", "document"), ADMITTED, ids=[where for where, _ in ADMITTED])
def test_every_query_the_docs_map_and_tests_send_is_admitted_with_headroom(where: str, document: str) -> None:
    """The largest the tests send is SEARCH with a page of 100 (2 705); the limit leaves 7 times that."""
    cost = operation_cost(schema._schema, parse(document), variables={"first": MAX_PAGE})
    assert cost * 7 <= LIMIT, f"{where} costs {cost}"


# -- row 9: signing keys ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("secret", ["a", "x" * (MIN_KEY_BYTES - 1), "é" * (MIN_KEY_BYTES // 2 - 1), ""])
def test_a_short_signing_key_is_refused_at_start(secret: str, tmp_path: Path) -> None:
    settings = Settings(neo4j_uri=None, c360_home=tmp_path, c360_jwt_secret=secret)
    with pytest.raises(C360Error) as refused:
        create_app(settings)
    # one line naming the setting and the minimum; the key itself is never shown
    assert str(refused.value) == (f"C360_JWT_SECRET is too short: a key signing API tokens needs at least 32 bytes, "
                                  f"it has {len(secret.encode())} (make one with `openssl rand -base64 48`)")
    # nor does any other path sign or accept tokens with such a key
    with pytest.raises(jwt.InvalidKeyError):
        issue_token(secret or "k", "agent", "someone", timedelta(minutes=1))
    with pytest.raises(jwt.InvalidKeyError):
        verify_token(secret or "k", issue_token("k" * MIN_KEY_BYTES, "agent", "someone", timedelta(minutes=1)))


def test_keys_of_32_bytes_and_the_generated_one_are_accepted(tmp_path: Path) -> None:
    for secret in ["x" * MIN_KEY_BYTES, "é" * (MIN_KEY_BYTES // 2)]:
        settings = Settings(neo4j_uri=None, c360_home=tmp_path, c360_jwt_secret=secret)
        create_app(settings)
        assert verify_token(secret, issue_token(secret, "agent", "a", timedelta(minutes=1))).subject == "a"
    generated = signing_key(Settings(neo4j_uri=None, c360_home=tmp_path / "new"))
    assert len(generated.encode()) >= MIN_KEY_BYTES
    assert (tmp_path / "new" / "jwt-secret").stat().st_mode & 0o777 == 0o600
    # a key file someone shortened by hand is refused too, naming the file
    (tmp_path / "new" / "jwt-secret").write_text("abc\n", encoding="utf-8")
    with pytest.raises(C360Error, match=r"jwt-secret is too short: .* it has 3"):
        signing_key(Settings(neo4j_uri=None, c360_home=tmp_path / "new"))


def test_token_and_serve_refuse_a_short_key_in_one_line(tmp_path: Path) -> None:
    weak = {"C360_JWT_SECRET": "a"}
    token = c360("token", "--role", "agent", home=tmp_path, env=weak)
    assert token.returncode == 1 and not token.stdout
    assert one_error_line(token) == ("error: C360_JWT_SECRET is too short: a key signing API tokens needs at least "
                                     "32 bytes, it has 1 (make one with `openssl rand -base64 48`)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for command in (["serve", "--port", str(port)], ["serve", "--port", str(port), "--workers", "2"]):
        served = c360(*command, home=tmp_path, env=weak, timeout=60)
        assert served.returncode == 1
        assert "C360_JWT_SECRET is too short" in one_error_line(served)
    assert not (tmp_path / "server.json").exists()  # refused before the store was started
