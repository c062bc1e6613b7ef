"""Who may send rows: a source's own token for its source only (and nothing else), admins; no other role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import pipeline
from api.app import create_app
from api.auth import issue_token, signing_key, verify_token
from graph import Graph, Settings
from graph.errors import InputError
from loaders.run import plan
from tests.api.test_ingest import source_token
from tests.helpers import bearer, c360, query, write_people

pytestmark = pytest.mark.store

ROW = {"id": "9", "first_name": "Ann", "email": "ann@x.fr"}


@pytest.fixture
def client(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    for name in ("crm", "loyalty"):
        write_people(tmp_path / "sources", name, [{"id": "1", "first_name": "Bo", "email": f"bo@{name}.fr"}])
    pipeline.load(embedded_graph, plan([tmp_path / "sources"]), embedded_settings.home)
    pipeline.resolve(embedded_graph)
    with TestClient(create_app(embedded_settings)) as opened:
        yield opened


def _records(graph: Graph) -> int:
    return int(query(graph, "MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"])


def test_a_source_token_posts_to_its_own_source_only(client: TestClient, embedded_settings: Settings,
                                                     embedded_graph: Graph) -> None:
    crm = source_token(embedded_settings, "crm")
    elsewhere = client.post("/ingest/loyalty", json={"rows": [ROW]}, headers=crm)
    assert elsewhere.status_code == 403
    assert "'crm' only" in elsewhere.json()["message"]
    assert _records(embedded_graph) == 2
    own = client.post("/ingest/crm", json={"rows": [ROW]}, headers=crm)
    assert own.status_code == 200 and own.json()["written"] == 1
    assert client.get("/ingest/status", headers=crm).status_code == 200


def test_a_source_token_reads_nothing(client: TestClient, embedded_settings: Settings) -> None:
    crm = source_token(embedded_settings, "crm")
    read = client.post("/graphql", json={"query": "{ searchCustomers(postcode: \"75001\") { totalCount } }"},
                       headers=crm)
    assert read.status_code == 403 and read.json()["error"] == "forbidden"
    for path in ("/geo/stores.geojson", "/geo/homes.geojson"):
        assert client.get(path, headers=crm).status_code == 403


@pytest.mark.parametrize("role", ["agent", "analyst", "marketing", "dpo"])
def test_other_roles_cannot_ingest(client: TestClient, embedded_settings: Settings, embedded_graph: Graph,
                                   role: str) -> None:
    headers = bearer(embedded_settings, role)
    answer = client.post("/ingest/crm", json={"rows": [ROW]}, headers=headers)
    assert answer.status_code == 403
    assert answer.json()["message"].startswith(f"the {role} role may not send source rows")
    assert client.get("/ingest/status", headers=headers).status_code == 403
    assert _records(embedded_graph) == 2


def test_admins_ingest_and_no_token_is_refused(client: TestClient, embedded_settings: Settings) -> None:
    assert client.post("/ingest/crm", json={"rows": [ROW]}).status_code == 401
    admin = client.post("/ingest/loyalty", json={"rows": [ROW]}, headers=bearer(embedded_settings, "admin"))
    assert admin.status_code == 200 and admin.json()["accepted"] == 1


def test_a_source_token_names_its_source(embedded_settings: Settings) -> None:
    key = signing_key(embedded_settings)
    from datetime import timedelta

    with pytest.raises(InputError):
        issue_token(key, "source", "s", timedelta(minutes=1))
    with pytest.raises(InputError):
        issue_token(key, "agent", "s", timedelta(minutes=1), source="crm")
    with pytest.raises(InputError):
        issue_token(key, "source", "s", timedelta(minutes=1), source="../etc")
    made = c360("token", "--role", "source", "--source", "crm", "--subject", "crm-system", home=embedded_settings.home)
    assert made.returncode == 0, made.stderr
    principal = verify_token(key, made.stdout.strip())
    assert (principal.role.value, principal.source, principal.subject) == ("source", "crm", "crm-system")
