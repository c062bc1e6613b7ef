"""Subject access over generated data on the real embedded store: the export holds all of a person and no one
else, checked against the graph by independent raw Cypher and against the generator's truth file.
"""

from __future__ import annotations

import csv
import json
import stat
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import pipeline
from desk.consents import record_consent
from desk.tickets import annotate_ticket, open_ticket
from graph import Graph, InputError, Settings, open_graph
from loaders.run import plan
from privacy.subject_access import FORMAT_VERSION, Requester, subject_access, write
from resolution.rules import default_rules
from scoring.score import score_customers
from synthetic import generate
from tests.conftest import clear
from tests.helpers import HEADER, c360, one_error_line, query, write_source

pytestmark = pytest.mark.store

HOSTILE = "<img src=x onerror=alert(1)>"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("sources")
    generate(300, directory, seed=23)
    return directory


@pytest.fixture(scope="module")
def graph(embedded_settings: Settings, data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    hostile = tmp_path_factory.mktemp("hostile")
    write_source(hostile, "hostile", [f"H1,{HOSTILE},\"O'Brien\"\" & <b>\",hostile@example.org,,FR,75001,,"
                                      f"{HOSTILE}"], header=HEADER + ",remark")
    with open_graph(embedded_settings) as opened:
        clear(opened)
        opened.apply_schema()
        pipeline.load(opened, plan([data, hostile]), embedded_settings.home)
        pipeline.resolve(opened)
        score_customers(opened)
        yield opened


def _truth(data: Path) -> dict[str, str]:
    with open(data / "truth.csv", encoding="utf-8") as handle:
        return {f"{row['source']}:{row['source_id']}": row["person_id"] for row in csv.DictReader(handle)}


def _export(graph: Graph, customer_id: str) -> dict[str, Any]:
    return subject_access(graph, customer_id, Requester("test-dpo", "Example Retail SA"), default_rules(), NOW)


def _plain(value: Any) -> Any:
    """A raw store value as the export spells it (instants and dates in ISO 8601)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, datetime | date) else value


def _attaching_keys(graph: Graph, customer_id: str) -> set[str]:
    """What events attach by, walked edge by edge: own usable identifiers, and the cookies logged in as them."""
    own = {row["k"] for row in query(
        graph, "MATCH (:Customer {id: $id})-[:HAS_RECORD]->()-[:HAS_IDENTIFIER]->(i) "
               "WHERE i.blocked IS NULL OR i.blocked = 'household' RETURN i.key AS k", id=customer_id)}
    cookies = {row["k"] for row in query(
        graph, "MATCH (i:Identifier)<-[:LOGGED_IN_AS]-(:WebSession)-[:FROM]->(k) WHERE i.key IN $own "
               "RETURN k.key AS k", own=sorted(own))}
    return own | cookies


def _events(graph: Graph, keys: set[str], pattern: str) -> set[str]:
    return {row["e"] for row in query(graph, f"MATCH {pattern} WHERE i.key IN $keys RETURN e.key AS e",
                                      keys=sorted(keys))}


@pytest.fixture(scope="module")
def chosen(graph: Graph) -> list[str]:
    """People with records from two sources or more, purchases, and a consent history longer than its state."""
    rows = query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) "
                        "WITH c, count(DISTINCT r.source) AS sources WHERE sources >= 2 RETURN c.id AS id ORDER BY id")
    picked = []
    for row in rows:
        keys = _attaching_keys(graph, row["id"])
        purchases = _events(graph, keys, "(e:Transaction)-[:BY]->(i)")
        consents = query(graph, "MATCH (p:Purpose)<-[:ABOUT]-(e:ConsentEvent)-[:FOR]->(i) WHERE i.key IN $keys "
                                "RETURN DISTINCT e.key AS e, p.name AS p, e.channel AS channel", keys=sorted(keys))
        if purchases and len(consents) > len({(c["p"], c["channel"]) for c in consents}):
            picked.append(row["id"])
        if len(picked) == 3:
            break
    assert picked, "the generated data holds people with records in two sources, purchases and consent history"
    return picked


def test_the_export_holds_every_record_of_the_cluster_and_no_other(graph: Graph, data: Path,
                                                                   chosen: list[str]) -> None:
    truth = _truth(data)
    cluster_of = {row["r"]: row["c"] for row in query(
        graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) RETURN r.key AS r, c.id AS c")}
    for customer_id in chosen:
        document = _export(graph, customer_id)
        exported = {r["key"] for r in document["records"]}
        in_graph = {key for key, customer in cluster_of.items() if customer == customer_id}
        assert exported == in_graph
        assert len({r["source"] for r in document["records"]}) >= 2
        # against the truth file: the person most of the cluster is; each of their records the cluster holds
        # is exported; any record of theirs resolution left elsewhere belongs to another customer's export
        person = Counter(truth[key] for key in exported).most_common(1)[0][0]
        theirs = {key for key, who in truth.items() if who == person and key in cluster_of}
        assert theirs & in_graph <= exported
        assert all(cluster_of[key] != customer_id for key in theirs - exported)
        raw = {row["key"]: row["props"] for row in query(
            graph, "MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r) RETURN r.key AS key, properties(r) AS props",
            id=customer_id)}
        for record in document["records"]:
            assert record["properties"] == _plain(raw[record["key"]])
            assert {"line", "load_run", "loaded_at", "source"} <= record["properties"].keys()


def test_the_export_holds_every_identifier_and_event(graph: Graph, chosen: list[str]) -> None:
    statements = set()
    for customer_id in chosen:
        before = graph.statements
        document = _export(graph, customer_id)
        statements.add(graph.statements - before)
        identifiers = {row["k"]: row for row in query(
            graph, "MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r)-[:HAS_IDENTIFIER]->(i) "
                   "RETURN i.key AS k, i.blocked AS blocked, collect(r.key) AS records", id=customer_id)}
        assert {i["key"] for i in document["identifiers"]} == identifiers.keys()
        for identifier in document["identifiers"]:
            assert sorted(identifier["records"]) == sorted(identifiers[identifier["key"]]["records"])
            assert identifier["blocked_reason"] == identifiers[identifier["key"]]["blocked"]
            assert identifier["first_seen"] and identifier["last_seen"]
        keys = _attaching_keys(graph, customer_id)
        events = document["events"]
        assert {t["key"] for t in events["transactions"]} == _events(graph, keys, "(e:Transaction)-[:BY]->(i)")
        stores = {row["t"]: row["s"] for row in query(
            graph, "MATCH (t:Transaction)-[:AT]->(s:Store) WHERE t.key IN $keys RETURN t.key AS t, s.key AS s",
            keys=[t["key"] for t in events["transactions"]])}
        assert {t["key"]: t["store"]["key"] for t in events["transactions"] if t["store"]["key"]} == stores
        assert {t["key"] for t in events["tickets"]} == _events(graph, keys, "(e:Ticket)-[:RAISED_BY]->(i)")
        assert {w["key"] for w in events["web_sessions"]} == _events(graph, keys, "(e:WebSession)-[:FROM]->(i)")
        history = document["consents"]["history"]
        assert {e["key"] for e in history} == _events(graph, keys, "(e:ConsentEvent)-[:FOR]->(i)")
        assert len(history) > len(document["consents"]["current"])  # every event, not only the newest
        assert document["counts"]["consent_events"] == len(history)
    assert len(statements) == 1  # as many queries for every person, whatever their number of events


def test_the_export_explains_the_profile_and_scores(graph: Graph, chosen: list[str]) -> None:
    document = _export(graph, chosen[0])
    assert document["format_version"] == FORMAT_VERSION
    assert document["metadata"]["generated_by"] == "test-dpo"
    assert document["metadata"]["controller"] == "Example Retail SA"
    assert document["metadata"]["generated_at"] == NOW.isoformat()
    record_keys = {r["key"] for r in document["records"]}
    for golden in document["customer"]["golden"]:
        assert golden["record"] in record_keys
        record = next(r for r in document["records"] if r["key"] == golden["record"])
        assert golden["source"] == record["source"]
    joined = {k for link in document["resolution"]["links"] for k in link["records"]}
    assert joined == record_keys  # a cluster of two records or more is joined by evidence touching each
    scores = document["scores"]
    raw = query(graph, "MATCH (c:Customer {id: $id}) RETURN c.segment AS segment, c.rfm AS rfm", id=chosen[0])[0]
    assert scores["segment"] == raw["segment"] and scores["segment_meaning"]
    assert f"{scores['recency_score']}{scores['frequency_score']}{scores['monetary_score']}" == raw["rfm"]
    bands = {(b["dimension"], b["score"]) for b in scores["bands"]}
    assert ("recency_days", raw["rfm"][0]) in bands and ("purchases", raw["rfm"][1]) in bands
    assert document["homes"] and document["homes"][0]["current"]
    assert document["synced_to"] == []
    json.dumps(document)  # JSON values only


def test_decisions_and_desk_changes_are_in_the_export(graph: Graph, chosen: list[str]) -> None:
    customer_id = chosen[-1]
    keys = sorted(r["r"] for r in query(graph, "MATCH (:Customer {id: $id})-[:HAS_RECORD]->(r) RETURN r.key AS r",
                                        id=customer_id))
    pipeline.decide(graph, keys[0], keys[1], same=True, by="agent-7", why="same person, checked by phone",
                    rules=default_rules())
    ticket = open_ticket(graph, customer_id, "What do you hold about me?", None, "agent-7")
    annotate_ticket(graph, ticket.key, "Export sent by post", "closed", "agent-7")
    withdrawal = record_consent(graph, customer_id, "marketing_email", False, None, "agent-7")
    document = _export(graph, customer_id)
    [decision] = [d for d in document["resolution"]["decisions"] if d["records"] == keys[:2]]
    assert decision["decision"] == "merge" and decision["by"] == "agent-7" and decision["both_in_profile"]
    audit = [e for e in document["resolution"]["decision_audit"] if e["kind"] == "merge"]
    assert audit and set(audit[0]["records"]) == set(keys[:2])
    [raised] = [t for t in document["events"]["tickets"] if t["key"] == ticket.key]
    assert [n["text"] for n in raised["notes"]] == ["Export sent by post"] and raised["status"] == "closed"
    [withdrawn] = [e for e in document["consents"]["history"] if e["key"] == withdrawal.key]
    assert withdrawn["granted"] is False and (withdrawn["purpose"], withdrawn["channel"]) == ("marketing", "email")
    changes = {e["id"]: e for e in document["service_desk_audit"]}
    assert {ticket.audit_id, withdrawal.audit_id} <= changes.keys()
    assert changes[withdrawal.audit_id]["after"] == {"granted": False}  # before and after as values, not text
    assert isinstance(changes[withdrawal.audit_id]["before"], dict)


def test_html_escapes_hostile_source_text(graph: Graph, tmp_path: Path) -> None:
    [row] = query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(:SourceRecord {key: 'hostile:H1'}) RETURN c.id AS id")
    document = _export(graph, row["id"])
    [record] = document["records"]
    assert record["properties"]["attr_remark"] == HOSTILE  # kept as loaded, escaped only on output
    assert "<b>" in document["customer"]["profile"]["last_name"]
    path = tmp_path / "access.html"
    write(document, path, "html")
    page = path.read_text(encoding="utf-8")
    assert HOSTILE not in page and "<b>" not in page and "<script" not in page.lower()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "O&#x27;Brien&quot; &amp; &lt;b&gt;" in page
    assert "attr_remark" in page  # an unmapped column, kept as loaded, shown too
    assert "http://" not in page and "https://" not in page  # self-contained: nothing to fetch


def test_files_are_owner_only_even_over_an_open_file(graph: Graph, chosen: list[str], tmp_path: Path) -> None:
    document = _export(graph, chosen[0])
    for name, fmt in (("a.json", "json"), ("a.html", "html")):
        path = tmp_path / "exports" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("old", encoding="utf-8")
        path.chmod(0o644)
        write(document, path, fmt)  # type: ignore[arg-type]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads((tmp_path / "exports" / "a.json").read_text(encoding="utf-8"))["customer"]["id"] == chosen[0]
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == ["a.html", "a.json"]  # no temporary left


def test_unknown_customer_is_an_input_error(graph: Graph) -> None:
    with pytest.raises(InputError, match="no customer"):
        _export(graph, "C-nobody")


def test_cli_writes_both_formats_and_refuses_an_unknown_customer(graph: Graph, chosen: list[str],
                                                                 embedded_settings: Settings,
                                                                 tmp_path: Path) -> None:
    json_file, html_file = tmp_path / "out" / "subject.json", tmp_path / "out" / "subject.html"
    result = c360("subject-access", "--customer", chosen[0], "--out", str(json_file), "--out", str(html_file),
                  "--by", "dpo", home=embedded_settings.home)
    assert result.returncode == 0, result.stderr
    assert json.loads(json_file.read_text(encoding="utf-8"))["metadata"]["generated_by"] == "dpo"
    page = html_file.read_text(encoding="utf-8")
    counts = json.loads(json_file.read_text(encoding="utf-8"))["counts"]
    assert page.startswith("<!DOCTYPE html>")
    assert f'Purchases <span class="count">({counts["transactions"]})</span>' in page
    assert f'Source records <span class="count">({counts["records"]})</span>' in page
    assert {stat.S_IMODE(p.stat().st_mode) for p in (json_file, html_file)} == {0o600}
    missing = c360("subject-access", "--customer", "C-nobody", "--out", str(tmp_path / "x.json"),
                   home=embedded_settings.home)
    assert missing.returncode == 1
    assert "no customer 'C-nobody'" in one_error_line(missing)
    assert not (tmp_path / "x.json").exists()
    unknown = c360("subject-access", "--customer", chosen[0], "--out", str(tmp_path / "x.txt"),
                   home=embedded_settings.home)
    assert unknown.returncode == 1 and "--format" in one_error_line(unknown)

