"""``POST /ingest/<source>`` through the real app and store: rows validated as a file's, idempotent, resolved."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

import pipeline
from api.app import create_app
from api.auth import issue_token, signing_key
from api.ingest import escaped
from graph import Graph, Settings
from loaders.run import plan
from tests.helpers import bearer, query, write_people

pytestmark = pytest.mark.store

CRM = [{"id": "1", "first_name": "Ann", "last_name": "Lee", "email": "ann@x.fr", "phone": "+33611111111",
        "postcode": "75001", "city": "Paris", "country": "FR"},
       {"id": "2", "first_name": "Bob", "last_name": "Ray", "email": "bob@x.fr", "phone": "+33622222222",
        "postcode": "69002", "city": "Lyon", "country": "FR"}]
# the web shop names its columns its own way: rows are sent by these names, as its files are
WEBSHOP_MAPPING = """[source]
name = "webshop"
kind = "customers"
id = "account"
default_region = "FR"

[columns]
first_name = "vorname"
last_name = "nachname"
email = "mail"
country = "land"
"""
RESOLVED_WITHIN_S = 15.0


def source_token(settings: Settings, source: str) -> dict[str, str]:
    token = issue_token(signing_key(settings), "source", f"system-{source}", timedelta(minutes=10), source=source)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def sources(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:
    """A CRM of two people, resolved, and a web shop loaded once by file (which registers its mapping)."""
    directory = tmp_path / "sources"
    write_people(directory, "crm", CRM)
    (directory / "webshop.toml").write_text(WEBSHOP_MAPPING, encoding="utf-8")
    (directory / "webshop.csv").write_text("account,vorname,nachname,mail,land\nw0,Cy,Poe,cy@x.fr,FR\n",
                                           encoding="utf-8")
    pipeline.load(embedded_graph, plan([directory]), embedded_settings.home)
    pipeline.resolve(embedded_graph)
    return embedded_graph


@pytest.fixture
def client(embedded_settings: Settings, sources: Graph) -> Iterator[TestClient]:
    with TestClient(create_app(embedded_settings)) as opened:
        yield opened


def _post(client: TestClient, headers: dict[str, str], rows: list[Any], source: str = "webshop") -> Any:
    return client.post(f"/ingest/{source}", json={"rows": rows}, headers=headers)


def _resolved(client: TestClient, headers: dict[str, str], sequence: int) -> None:
    deadline = time.monotonic() + RESOLVED_WITHIN_S
    while client.get("/ingest/status", headers=headers).json()["resolved"] < sequence:
        assert time.monotonic() < deadline, "not resolved in time"
        time.sleep(0.05)


def test_accepted_and_refused_rows_each_say_why(client: TestClient, embedded_settings: Settings,
                                               sources: Graph) -> None:
    rows = [{"account": "w1", "vorname": "Dee", "nachname": "Kay", "mail": "dee@x.fr", "land": "FR"},
            {"source_id": "w2", "first_name": "Eve", "email": "eve@x.fr"},  # canonical field names
            {"account": "w3", "vorname": "Fay", "mail": "not-an-email"},    # kept without its email
            {"vorname": "Gus", "mail": "gus@x.fr"},                         # no id: refused
            ["w5", "Hal"],                                                  # not an object: refused
            {"account": "w1", "vorname": "Dee"}]                            # the same id twice: refused
    answer = _post(client, source_token(embedded_settings, "webshop"), rows)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["received"], body["accepted"], body["rejected"], body["values_dropped"]) == (6, 3, 3, 1)
    assert (body["written"], body["unchanged"]) == (3, 0)
    by_row = {r["row"]: r for r in body["rejects"]}
    assert by_row[2]["field"] == "email" and by_row[2]["action"] == "value_dropped"
    assert "not-an-email" not in str(body["rejects"])  # a refusal shows no value
    assert by_row[3] == {"row": 3, "field": "source_id", "reason": "source_id: required",
                         "action": "record_rejected"}
    assert by_row[4]["field"] is None and "JSON object" in by_row[4]["reason"]
    assert by_row[5]["field"] == "source_id" and "first seen at row 0" in by_row[5]["reason"]
    assert body["resolution"]["state"] == "queued" and body["resolution"]["sequence"] >= 1
    stored = query(sources, "MATCH (r:SourceRecord {source: 'webshop'}) WHERE r.key <> 'webshop:w0' "
                            "RETURN r.key AS key, r.email AS email, r.first_name AS first ORDER BY key")
    assert stored == [{"key": "webshop:w1", "email": "dee@x.fr", "first": "Dee"},
                      {"key": "webshop:w2", "email": "eve@x.fr", "first": "Eve"},
                      {"key": "webshop:w3", "email": None, "first": "Fay"}]


def test_a_re_post_changes_nothing_and_says_so(client: TestClient, embedded_settings: Settings,
                                               sources: Graph) -> None:
    headers = source_token(embedded_settings, "webshop")
    rows = [{"account": "w1", "vorname": "Dee", "mail": "dee@x.fr"}, {"account": "w2", "vorname": "Eve"}]
    first = _post(client, headers, rows).json()
    _resolved(client, headers, first["resolution"]["sequence"])
    runs = query(sources, "MATCH (r:ResolutionRun) RETURN count(r) AS n")
    again = _post(client, headers, rows).json()
    assert (again["accepted"], again["written"], again["unchanged"]) == (2, 0, 2)
    assert again["resolution"]["state"] == "not_needed"
    lineage = query(sources, "MATCH (r:SourceRecord) WHERE r.key IN ['webshop:w1', 'webshop:w2'] "
                             "RETURN DISTINCT r.load_run AS run")
    assert lineage == [{"run": first["run_id"]}]  # the records still carry the first post's run
    time.sleep(0.5)
    assert query(sources, "MATCH (r:ResolutionRun) RETURN count(r) AS n") == runs
    changed = _post(client, headers, [{"account": "w1", "vorname": "Dee", "mail": "dee@y.fr"}, rows[1]]).json()
    assert (changed["written"], changed["unchanged"]) == (1, 1)


def test_a_new_account_joins_the_crm_customer(client: TestClient, embedded_settings: Settings,
                                              sources: Graph) -> None:
    headers = bearer(embedded_settings, "admin")  # admins may send any source's rows
    posted = time.monotonic()
    answer = _post(client, headers, [{"account": "w9", "vorname": "Ann", "nachname": "Lee", "mail": "ann@x.fr"}])
    assert answer.status_code == 200, answer.text
    _resolved(client, headers, answer.json()["resolution"]["sequence"])
    took = time.monotonic() - posted
    together = query(sources, "MATCH (c:Customer)-[:HAS_RECORD]->(:SourceRecord {key: 'webshop:w9'}) "
                              "MATCH (c)-[:HAS_RECORD]->(r:SourceRecord) RETURN collect(r.key) AS keys")
    assert sorted(together[0]["keys"]) == ["crm:1", "webshop:w9"]
    assert took < RESOLVED_WITHIN_S
    status = client.get("/ingest/status", headers=headers).json()
    assert status["runs"] >= 1 and status["failures"] == 0 and status["last_run_id"]


def test_the_body_must_be_rows(client: TestClient, embedded_settings: Settings) -> None:
    headers = source_token(embedded_settings, "webshop")
    for body in ({"rows": {"account": "w1"}}, [{"account": "w1"}], {"rows": [], "more": 1}):
        answer = client.post("/ingest/webshop", json=body, headers=headers)
        assert answer.status_code == 400 and "rows" in answer.json()["message"]
    answer = client.post("/ingest/webshop", content=b"\xff{", headers=headers)
    assert answer.status_code == 400 and "UTF-8" in answer.json()["message"]
    unknown = client.post("/ingest/nosuch", json={"rows": []}, headers=bearer(embedded_settings, "admin"))
    assert unknown.status_code == 404 and "webshop" in unknown.json()["message"]


def test_the_body_cap_holds(embedded_settings: Settings, sources: Graph) -> None:
    capped = embedded_settings.model_copy(update={"c360_max_body_bytes": 2_000})
    with TestClient(create_app(capped)) as client:
        rows = [{"account": f"w{i}", "vorname": "Zed"} for i in range(200)]
        answer = _post(client, source_token(capped, "webshop"), rows)
    assert answer.status_code == 413
    assert query(sources, "MATCH (r:SourceRecord {source: 'webshop'}) RETURN count(r) AS n") == [{"n": 1}]


def test_reasons_are_escaped_before_they_are_shown_or_logged() -> None:
    assert escaped("bad\nline\x1b[31m") == "bad\\nline\\x1b[31m"
    assert escaped("\ud800") == "\\ud800"
    assert escaped("x" * 400).endswith("…") and len(escaped("x" * 400)) == 301
