"""A person's rights through the API on the real app and store: who may ask for a subject-access export or an
erasure, that the export is the command line's document, and that an erasure through the API stays erased."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.auth import Role
from graph import Graph, Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from tests.conftest import clear
from tests.helpers import api_client, c360, deterministic, graphql, query, write_source

pytestmark = pytest.mark.store

ROWS = ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
        "2,Marie,Curie,marie@x.com,06 98 76 54 32,FR,75005,CN2",
        "3,Paul,Martin,paul@x.com,06 11 22 33 44,FR,69002,CN3"]
SUBJECT_ACCESS = "query($id: ID!) { subjectAccess(customerId: $id) }"
ERASE = ("mutation($id: ID!, $why: String!) { eraseCustomer(id: $id, why: $why) { tombstone auditId "
         "counts { kind count } } }")
MAY = {Role.DPO, Role.ADMIN}


def _id(graph: Graph, email: str) -> str:
    return str(query(graph, "MATCH (c:Customer {email: $email}) RETURN c.id AS id", email=email)[0]["id"])


@pytest.fixture(scope="module")
def people(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Three people loaded and resolved; the folder of their source."""
    sources = tmp_path_factory.mktemp("rights-sources")
    write_source(sources, "crm", ROWS)
    with open_graph(embedded_settings) as graph:
        clear(graph)
        for path, mapping in plan([sources]):
            load_file(graph, path, mapping, embedded_settings.home)
        resolve(graph, deterministic())
        yield sources
        clear(graph)


@pytest.fixture
def graph(embedded_settings: Settings, people: Path) -> Iterator[Graph]:
    with open_graph(embedded_settings) as opened:
        yield opened


#: a source token reads nothing: it is refused before GraphQL runs (tests/api/test_ingest_access.py)
PEOPLE_ROLES = [role for role in Role if role is not Role.SOURCE]


@pytest.mark.parametrize("role", PEOPLE_ROLES)
def test_only_officers_and_admins_may_export_or_erase(embedded_settings: Settings, graph: Graph,
                                                      role: Role) -> None:
    marie = _id(graph, "marie@x.com")
    with api_client(embedded_settings, role.value) as client:
        exported = graphql(client, SUBJECT_ACCESS, id=marie)
        erased = graphql(client, ERASE, id="no-such-customer", why="request 7")
    if role in MAY:
        assert "errors" not in exported, exported
        assert exported["data"]["subjectAccess"]["customer"]["id"] == marie
        # past the permission: the erasure is refused for what it was given, nothing is erased
        assert [e["extensions"]["code"] for e in erased["errors"]] == ["BAD_USER_INPUT"]
        assert erased["errors"][0]["message"] == "id: no customer with this id"
    else:
        assert [e["extensions"]["code"] for e in exported["errors"]] == ["FORBIDDEN"]
        assert [e["extensions"]["code"] for e in erased["errors"]] == ["FORBIDDEN"]
        assert exported["data"] is None and erased["data"] is None
    assert query(graph, "MATCH (c:Customer) RETURN count(c) AS n") == [{"n": 3}]


def test_the_export_is_the_command_lines_document(embedded_settings: Settings, graph: Graph,
                                                  tmp_path: Path) -> None:
    marie = _id(graph, "marie@x.com")
    with api_client(embedded_settings, "agent", "agent-3") as client:  # a read that shows in seen_by
        graphql(client, "query($id: ID!) { customer(id: $id) { email } }", id=marie)
    out = tmp_path / "marie.json"
    done = c360("subject-access", "--customer", marie, "--out", str(out), "--by", "cli-user",
                home=embedded_settings.home)
    assert done.returncode == 0, done.stderr
    with api_client(embedded_settings, "dpo", "dpo-1") as client:
        answer = graphql(client, SUBJECT_ACCESS, id=marie)
    from_api, from_cli = answer["data"]["subjectAccess"], json.loads(out.read_text(encoding="utf-8"))
    assert from_api["metadata"].pop("generated_by") == "dpo-1"
    assert from_cli["metadata"].pop("generated_by") == "cli-user"
    del from_api["metadata"]["generated_at"], from_cli["metadata"]["generated_at"]
    assert from_api == from_cli
    assert [(e["subject"], e["role"], e["fields"]) for e in from_api["seen_by"]][-1:] == [
        ("agent-3", "agent", ["email"])]
    assert from_api["records"][0]["properties"]["email"] == "marie@x.com"


def test_an_erasure_through_the_api_stays_erased(embedded_settings: Settings, graph: Graph, people: Path) -> None:
    paul = _id(graph, "paul@x.com")
    with api_client(embedded_settings, "dpo", "dpo-1") as client:
        answer = graphql(client, ERASE, id=paul, why="request 12")
        after = graphql(client, "query($id: ID!) { customer(id: $id) { id } }", id=paul)
    assert "errors" not in answer, answer
    erased = answer["data"]["eraseCustomer"]
    counts = {c["kind"]: c["count"] for c in erased["counts"]}
    assert (counts["customers"], counts["records"]) == (1, 1)
    assert "paul" not in json.dumps(answer).casefold()
    assert after["data"]["customer"] is None
    audit = query(graph, "MATCH (e:AuditEvent {id: $id}) RETURN e.by AS by, e.why AS why, e.tombstone AS tombstone",
                  id=erased["auditId"])
    assert audit == [{"by": "dpo-1", "why": "request 12", "tombstone": erased["tombstone"]}]
    # the same rows loaded again: Paul's is refused, the others are loaded as before
    (path, mapping), = plan([people])
    summary = load_file(graph, path, mapping, embedded_settings.home)
    assert (summary.read, summary.erased) == (3, 1)
    assert query(graph, "MATCH (r:SourceRecord {key: 'crm:3'}) RETURN count(r) AS n") == [{"n": 0}]
