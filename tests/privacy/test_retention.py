"""Retention on generated sources: with ages chosen so that some but not all events expire, a dry run and an
apply count what an independent reading of the graph expects, the apply deletes exactly that and nothing
younger, a second apply deletes nothing, an inactive customer is erased for good, and the audit holds no
personal value. Bad rules are refused with the file, the rule and the field."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import pipeline
from graph import Graph, InputError, Settings
from loaders.run import plan
from privacy.retention import retention
from privacy.retention_rules import load_retention_rules, parse_age
from synthetic import generate
from tests.helpers import query

PEOPLE = 150
AS_OF = datetime(2025, 6, 1, tzinfo=UTC)
#: the generated events span 2023-2024: these ages cut through them
CUTOFFS = {"transactions": datetime(2023, 12, 1, tzinfo=UTC), "web_sessions": datetime(2024, 6, 1, tzinfo=UTC),
           "tickets": datetime(2023, 6, 1, tzinfo=UTC), "consents": datetime(2024, 6, 1, tzinfo=UTC)}
ONE_SOURCE_CUTOFF = datetime(2024, 6, 1, tzinfo=UTC)
INACTIVE_CUTOFF = datetime(2024, 9, 1, tzinfo=UTC)
LABELS = {"transactions": "Transaction", "web_sessions": "WebSession", "tickets": "Ticket",
          "consents": "ConsentEvent"}
#: each kind's own time, read raw
OWN_TIME = {"transactions": "e.at", "web_sessions": "e.started_at", "tickets": "coalesce(e.closed_at, e.opened_at)",
            "consents": "e.at"}


def _rules(path: Path, one_source: str) -> Path:
    path.write_text(f"""
[events.transactions]
max_age = "18 months"
[events.transactions.sources]
{one_source} = "12 months"
[events.web_sessions]
max_age = "12 months"
[events.tickets]
max_age = "2 years"
[events.consents]
max_age = 365
[customers]
inactive = "9 months"
""", encoding="utf-8")
    return path


def _events(graph: Graph) -> dict[str, dict[str, tuple[str, datetime]]]:
    """Every event by kind: key → (source, own time)."""
    return {kind: {r["key"]: (r["source"], r["at"]) for r in query(
        graph, f"MATCH (e:{LABELS[kind]}) RETURN e.key AS key, e.source AS source, {OWN_TIME[kind]} AS at")}
        for kind in LABELS}


def _expired_consents(graph: Graph) -> set[str]:
    """Consents replaced, before the cutoff, by a newer event for the same purpose and holder that covers
    their channel: about the same channel or the whole purpose (a purpose-wide one only by a purpose-wide)."""
    rows = query(graph, "MATCH (e:ConsentEvent)-[:ABOUT]->(p:Purpose) MATCH (e)-[:FOR]->(h) "
                        "RETURN e.key AS key, p.name AS purpose, e.channel AS channel, e.at AS at, "
                        "coalesce(h.key, h.id) AS holder")
    by_holder: dict[tuple[str, str], list[tuple[datetime, str | None]]] = defaultdict(list)
    for r in rows:
        by_holder[(r["purpose"], r["holder"])].append((r["at"], r["channel"]))
    ended: dict[str, datetime] = {}
    for r in rows:
        later = [at for at, channel in by_holder[(r["purpose"], r["holder"])]
                 if at > r["at"] and channel in (None, r["channel"])]
        if later:
            ended[r["key"]] = min(min(later), ended.get(r["key"], min(later)))
    return {key for key, at in ended.items() if at < CUTOFFS["consents"]}


def _inactive(graph: Graph) -> dict[str, list[str]]:
    """Customers whose every record, event and desk change is older than the cutoff: id → record keys."""
    records = query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) "
                           "OPTIONAL MATCH (r)-[:HAS_IDENTIFIER]->(i:Identifier) "
                           "RETURN c.id AS id, r.key AS key, r.loaded_at AS loaded, collect(i.key) AS identifiers")
    uses = query(graph, "MATCH (e)-[u:BY|RAISED_BY|LOGGED_IN_AS|FOR]->(i:Identifier) "
                        "RETURN i.key AS identifier, coalesce(e.at, e.closed_at, e.opened_at, e.started_at) AS at")
    newest: dict[str, datetime] = {}
    for u in uses:
        newest[u["identifier"]] = max(u["at"], newest.get(u["identifier"], u["at"]))
    last: dict[str, datetime] = {}
    keys: dict[str, list[str]] = defaultdict(list)
    for r in records:
        keys[r["id"]].append(r["key"])
        for at in [r["loaded"], *(newest[i] for i in r["identifiers"] if i in newest)]:
            last[r["id"]] = max(at, last.get(r["id"], at))
    return {c: sorted(keys[c]) for c, at in last.items() if at < INACTIVE_CUTOFF}


def _counts(graph: Graph) -> dict[str, int]:
    found = {kind: query(graph, f"MATCH (e:{label}) RETURN count(e) AS n")[0]["n"] for kind, label in LABELS.items()}
    for label in ("Customer", "Erased", "Identifier"):
        found[label] = query(graph, f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
    return found


def _orphans(graph: Graph) -> int:
    return int(query(graph, "MATCH (i:Identifier) WHERE NOT EXISTS { MATCH (i)<--() } RETURN count(i) AS n")[0]["n"])


@pytest.mark.store
def test_dry_run_and_apply_count_what_expired_and_delete_exactly_that(
        embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    graph, home = embedded_graph, embedded_settings.home
    sources = tmp_path / "sources"
    generate(PEOPLE, sources, seed=11)
    pipeline.load(graph, plan([sources]), home)
    pipeline.resolve(graph, cache_dir=home / "cache")
    # a store that has run since the sources' first day: records were loaded then, not today
    query(graph, "MATCH (r:SourceRecord) SET r.loaded_at = $at", at=datetime(2023, 1, 1, tzinfo=UTC))
    events = _events(graph)
    one_source = sorted({source for source, _ in events["transactions"].values()})[0]
    rules = load_retention_rules(_rules(tmp_path / "retention.toml", one_source))

    def cutoff(kind: str, source: str) -> datetime:
        return ONE_SOURCE_CUTOFF if kind == "transactions" and source == one_source else CUTOFFS[kind]

    expired = {kind: {k for k, (source, at) in found.items() if at < cutoff(kind, source)}
               for kind, found in events.items() if kind != "consents"}
    expired["consents"] = _expired_consents(graph)
    inactive = _inactive(graph)
    expected = {"transactions": len({k for k in expired["transactions"] if events["transactions"][k][0] != one_source}),
                f"transactions[{one_source}]": len({k for k in expired["transactions"]
                                                    if events["transactions"][k][0] == one_source}),
                "web_sessions": len(expired["web_sessions"]), "tickets": len(expired["tickets"]),
                "consents": len(expired["consents"]), "customers": len(inactive)}
    # some but not all of each kind expire, so both sides of every cut are tested
    for kind in LABELS:
        assert 0 < len(expired[kind]) < len(events[kind]), kind
    assert 0 < len(inactive) < _counts(graph)["Customer"]
    erased_values = {v["value"] for v in query(
        graph, "UNWIND $keys AS k MATCH (:SourceRecord {key: k})-[:HAS_IDENTIFIER]->(i) RETURN i.value AS value",
        keys=[k for ks in inactive.values() for k in ks])}
    before, orphans = _counts(graph), _orphans(graph)

    dry = retention(graph, home, rules, apply=False, by="dpo", as_of=AS_OF)
    assert dry.counts() == expected
    assert _counts(graph) == before

    applied = retention(graph, home, rules, apply=True, by="dpo", as_of=AS_OF)
    assert applied.counts() == dry.counts() == expected
    after = _counts(graph)
    for kind in LABELS:  # exactly the expired events went; every younger one is still there
        assert after[kind] == before[kind] - len(expired[kind])
        remaining = set(query(graph, f"MATCH (e:{LABELS[kind]}) RETURN collect(e.key) AS keys")[0]["keys"])
        assert remaining == set(events[kind]) - expired[kind] or kind == "web_sessions", kind
    # erased sessions were renamed by erasure (their key held the cookie): count those by their own time
    young = {k for k, (_, at) in events["web_sessions"].items() if at >= CUTOFFS["web_sessions"]}
    assert after["web_sessions"] == len(young)
    assert (after["Customer"], after["Erased"]) == (before["Customer"] - len(inactive), len(inactive))
    assert applied.identifiers > 0 and after["Identifier"] < before["Identifier"]
    # what the deleted events used and nothing else uses any more went with them and what erasure left unused too
    assert _orphans(graph) == orphans

    again = retention(graph, home, rules, apply=True, by="dpo", as_of=AS_OF)
    assert set(again.counts().values()) == {0} and again.identifiers == 0

    runs = query(graph, "MATCH (r:RetentionRun) RETURN properties(r) AS p ORDER BY r.started_at")
    assert [(r["p"]["mode"], r["p"]["status"]) for r in runs] == [("dry-run", "completed"), ("apply", "completed"),
                                                                   ("apply", "completed")]
    assert json.loads(runs[1]["p"]["counts"]) == expected
    assert json.loads(runs[1]["p"]["rules"]) == rules.described()
    text = json.dumps([r["p"] for r in runs], default=str).casefold()
    assert erased_values and not [v for v in erased_values if str(v).casefold() in text]

    # the inactive customers stay erased: a reload of the customer sources refuses their rows
    customers = [(path, mapping) for path, mapping in plan([sources]) if mapping.source.kind == "customers"]
    reloaded = pipeline.load(graph, customers, home).files
    records = [k for ks in inactive.values() for k in ks]
    assert sum(s.erased for s in reloaded) >= len(records)
    assert query(graph, "MATCH (r:SourceRecord) WHERE r.key IN $keys RETURN count(r) AS n", keys=records)[0]["n"] == 0


def _problem(tmp_path: Path, text: str) -> str:
    path = tmp_path / "retention.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_retention_rules(path)
    return str(raised.value)


def test_bad_rules_are_refused_naming_the_file_the_rule_and_the_field(tmp_path: Path) -> None:
    problem = _problem(tmp_path, '[events.tickets]\nmax_age = "3 yeers"\n')
    assert str(tmp_path / "retention.toml") in problem and "events.tickets.max_age" in problem
    assert "'3 yeers' is not an age" in problem
    assert "events.coupons" in _problem(tmp_path, "[events.coupons]\nmax_age = 30\n")
    assert "customers.action" in _problem(tmp_path, '[customers]\ninactive = "3 years"\naction = "anonymise"\n')
    assert "customers.inactive" in _problem(tmp_path, '[customers]\ninactive = "0 days"\n')
    assert "cannot read" in _problem(tmp_path, "[customers\n")


def test_ages_count_calendar_months_and_years() -> None:
    assert parse_age("13 months").before(datetime(2026, 3, 31, tzinfo=UTC)) == datetime(2025, 2, 28, tzinfo=UTC)
    assert parse_age("1 year").before(datetime(2024, 2, 29, tzinfo=UTC)) == datetime(2023, 2, 28, tzinfo=UTC)
    assert parse_age(90).before(datetime(2024, 4, 1, tzinfo=UTC)) == datetime(2024, 1, 2, tzinfo=UTC)
    assert str(parse_age("1 years")) == "1 year"


def _shipped() -> dict[str, Any]:
    return load_retention_rules(None).described()


def test_the_shipped_rules_are_the_documented_defaults() -> None:
    assert _shipped() == {"events": {"consents": {"max_age": "5 years", "sources": {}},
                                     "tickets": {"max_age": "3 years", "sources": {}},
                                     "transactions": {"max_age": "10 years", "sources": {}},
                                     "web_sessions": {"max_age": "13 months", "sources": {}}},
                          "customers": {"inactive": "3 years", "action": "erase"}}
