"""The quality check on a real store, on a small graph whose every number is known in advance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analysis.quality import check_quality, failures, history
from analysis.quality_expectations import expectations_in_use, parse_expectations
from graph import Graph
from loaders.run import load_file, plan
from resolution import resolve
from tests.helpers import deterministic, query, write_field_sources, write_source

pytestmark = pytest.mark.store

CRM = ["1,Jean,Dupont,jean@x.com,0612345678,FR,75001,CN1",
       "2,Ann,Lee,ann@x.com,,,,",
       "3,Bob,Martin,not-an-email,,,,",  # the email is dropped: a value refused, the record kept
       "4,Eve,Durand,test@test.com,,,,",  # a blocklisted value: present, valid, kept from linking
       ",No,Id,no@id.com,,,,"]  # no id: the row is refused whole
SHOP = ["S1,Jean,Dupont,jean@x.com,,,,"]


def build(graph: Graph, directory: Path) -> None:
    """crm (5 rows read, 4 kept), shop (Jean again), a purchase by Jean's email, one by a card nobody holds, and
    Ann's consent; resolved by identifiers: Jean (2 records), Ann, Bob and Eve."""
    graph.apply_schema()
    write_source(directory, "crm", CRM)
    write_source(directory, "shop", SHOP)
    write_field_sources(directory, {
        "tills": ("transactions", ["id", "at", "amount", "currency", "email", "loyalty_card"],
                  [["T1", "2024-03-01T10:00:00", "10.00", "EUR", "jean@x.com", ""],
                   ["T2", "2024-03-02T10:00:00", "12.50", "EUR", "", "L999"]]),
        "optins": ("consents", ["id", "at", "purpose", "granted", "email"],
                   [["K1", "2024-03-01T10:00:00", "marketing_email", "yes", "ann@x.com"]]),
    })
    for path, mapping in plan([directory]):
        load_file(graph, path, mapping, directory / "home")
    resolve(graph, deterministic())


def measured(report: dict[str, Any], measure: str, **on: str) -> float:
    [row] = [m for m in report["measurements"]
             if m["measure"] == measure and all(m.get(k) == v for k, v in on.items())]
    return float(row["value"])


@pytest.fixture
def report(graph: Graph, tmp_path: Path) -> dict[str, Any]:
    build(graph, tmp_path / "sources")
    return check_quality(graph, [], "none", now=datetime.now(UTC) + timedelta(hours=5))


def test_completeness_is_the_share_of_records_holding_each_field(report: dict[str, Any]) -> None:
    assert measured(report, "completeness", source="crm", field="email") == 0.75
    assert measured(report, "completeness", source="crm", field="phone") == 0.25
    assert measured(report, "completeness", source="crm", field="first_name") == 1.0
    assert measured(report, "completeness", source="crm", field="birth_date") == 0.0
    assert measured(report, "completeness", source="shop", field="email") == 1.0


def test_validity_and_rejects_come_from_the_latest_load_and_its_reject_file(report: dict[str, Any]) -> None:
    assert measured(report, "rejected", source="crm") == 0.2  # 1 of 5 rows read
    assert measured(report, "validity", source="crm", field="email") == 0.8  # 1 of 5 values refused
    assert measured(report, "validity", source="crm", field="source_id") == 0.8
    assert measured(report, "validity", source="crm", field="phone") == 1.0
    assert measured(report, "rejected", source="shop") == 0.0
    assert 4.99 <= measured(report, "freshness", source="crm") <= 5.01  # hours since the load


def test_profiles_blocked_values_consents_and_constraints(report: dict[str, Any]) -> None:
    assert {b["bucket"]: b["customers"] for b in report["profile_sizes"]}["1"] == 3
    assert {b["bucket"]: b["customers"] for b in report["profile_sizes"]}["2"] == 1
    assert measured(report, "profile_size", stat="max") == 2
    assert measured(report, "profile_size", stat="mean") == 1.25
    assert measured(report, "blocked", type="email", reason="blocklist") == 1
    assert report["blocked_largest"] == [{"key": "email:test@test.com", "type": "email", "reason": "blocklist",
                                          "records": 1}]
    assert measured(report, "consent", purpose="marketing_email") == 0.25  # Ann, of 4 customers
    assert {m["check"]: m["value"] for m in report["measurements"] if m["measure"] == "constraint"} == {
        "unique_source_record_key": 0, "unique_identifier_key": 0, "unique_customer_id": 0, "unique_store_key": 0,
        "unique_transaction_key": 0, "unique_ticket_key": 0, "unique_web_session_key": 0,
        "unique_consent_event_key": 0, "record_without_customer": 0, "record_in_several_customers": 0,
        "customer_without_record": 0}


def test_the_orphans_made_are_found(report: dict[str, Any]) -> None:
    assert measured(report, "orphans", kind="transaction") == 1  # T2, by a card no record carries
    assert measured(report, "orphan_share", kind="transaction") == 0.5
    assert measured(report, "orphans", kind="identifier", type="loyalty_card") == 1
    assert measured(report, "orphans", kind="identifier", type="email") == 0
    assert measured(report, "orphans", kind="consent_event") == 0


def test_broken_constraints_are_counted(graph: Graph, tmp_path: Path) -> None:
    build(graph, tmp_path / "sources")
    query(graph, "CREATE (:SourceRecord {key: 'crm:99', source: 'crm', source_id: '99'})")
    query(graph, "CREATE (:Customer {id: 'EMPTY'})")
    report = check_quality(graph, parse_expectations('[[expect]]\nmeasure = "constraint"\nmax = 0\n', "t"), "t")
    assert measured(report, "constraint", check="record_without_customer") == 1
    assert measured(report, "constraint", check="customer_without_record") == 1
    assert measured(report, "constraint", check="record_in_several_customers") == 0
    assert failures(report) == ["FAILED constraint check=record_without_customer: 1 (expected max 0)",
                                "FAILED constraint check=customer_without_record: 1 (expected max 0)"]
    assert not report["passed"] and report["failed"] == 2 and report["checks"] == 11


def test_each_check_is_kept_as_a_quality_run(graph: Graph, tmp_path: Path) -> None:
    build(graph, tmp_path / "sources")
    failing = parse_expectations('[[expect]]\nmeasure = "completeness"\nsource = "crm"\nfield = "email"\n'
                                 'min = 0.8\n', "t")
    first = check_quality(graph, [], "none")
    second = check_quality(graph, failing, "t")
    runs = history(graph)
    assert [r.id for r in runs] == [first["id"], second["id"]]  # oldest first
    assert [(r.passed, r.checks, r.failed) for r in runs] == [(True, 0, 0), (False, 1, 1)]
    assert runs[1].report["results"][0]["value"] == 0.75
    [stored] = query(graph, "MATCH (q:QualityRun {id: $id}) RETURN keys(q) AS keys", id=second["id"])
    assert sorted(stored["keys"]) == ["at", "checks", "failed", "id", "passed", "report"]


def test_an_empty_graph_passes_the_shipped_expectations(graph: Graph, tmp_path: Path) -> None:
    expectations, name = expectations_in_use(tmp_path)
    report = check_quality(graph, expectations, name)
    assert report["passed"], failures(report)
    assert measured(report, "profile_size", stat="max") == 0
    assert not [m for m in report["measurements"] if m["measure"] in ("completeness", "validity", "freshness")]
