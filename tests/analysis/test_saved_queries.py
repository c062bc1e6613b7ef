"""Every saved query answers right on the embedded store, checked against the same question asked in Python
of a plain dump of the graph's nodes and edges (never through the saved query's own Cypher)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import cypher
from analysis.adhoc import run
from analysis.pitfalls import find_pitfalls
from analysis.saved_queries import CatalogueError, SavedQuery, catalogue, parse, saved_query
from graph import Graph, InputError, Settings, open_graph
from tests.analysis.analyst_graph import build
from tests.helpers import c360, one_error_line, query

pytestmark = pytest.mark.store

ATTACHING = (None, "household")  # identifiers whose events count for the customers carrying them


class Dump:
    """The graph's raw facts, edge by edge."""

    def __init__(self, graph: Graph) -> None:
        self.customers = {r["id"]: r for r in query(
            graph, "MATCH (c:Customer) OPTIONAL MATCH (c)-[:IN_SEGMENT]->(s:Segment) RETURN c.id AS id, "
                   "c.first_name AS first_name, c.last_name AS last_name, c.purchases AS purchases, "
                   "c.ltv_minor AS ltv, c.predicted_value_minor AS predicted, s.name AS segment")}
        self.records: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in query(graph, "MATCH (c:Customer)-[h:HAS_RECORD]->(r:SourceRecord) "
                              "RETURN c.id AS c, r.key AS r, r.source AS source, h.run AS run"):
            self.records[r["c"]].append(r)
        self.carried: dict[str, set[str]] = defaultdict(set)    # record -> identifiers
        self.identifiers: dict[str, dict[str, Any]] = {}
        for r in query(graph, "MATCH (r:SourceRecord)-[:HAS_IDENTIFIER]->(i:Identifier) "
                              "RETURN r.key AS r, i.key AS i, i.type AS type, i.blocked AS blocked"):
            self.carried[r["r"]].add(r["i"])
            self.identifiers[r["i"]] = r
        self.blocked = {r["key"]: r for r in query(
            graph, "MATCH (i:Identifier) WHERE i.blocked IS NOT NULL "
                   "RETURN i.key AS key, i.type AS type, i.blocked AS blocked")}
        self.purchases = query(graph, "MATCH (t:Transaction)-[:BY]->(i:Identifier) OPTIONAL MATCH (t)-[:AT]->(s) "
                                      "RETURN t.key AS key, i.key AS i, t.channel AS channel, t.at AS at, "
                                      "t.amount AS amount, t.currency AS currency, s.name AS store")
        self.logins = query(graph, "MATCH (w:WebSession)-[:LOGGED_IN_AS]->(i:Identifier) "
                                   "RETURN w.key AS w, i.key AS i")
        self.cookies = query(graph, "MATCH (w:WebSession)-[:FROM]->(k:Identifier) "
                                    "RETURN w.key AS w, k.key AS k, w.started_at AS at, w.page_views AS views")
        self.tickets = query(graph, "MATCH (t:Ticket)-[:RAISED_BY]->(i:Identifier) RETURN t.key AS key, i.key AS i, "
                                    "t.status AS status, t.subject AS subject, t.closed_at AS closed, "
                                    "t.opened_at AS opened")
        self.consents = query(graph, "MATCH (p:Purpose)<-[:ABOUT]-(e:ConsentEvent)-[:FOR]->(i:Identifier) "
                                     "RETURN p.name AS purpose, e.key AS key, e.at AS at, e.granted AS granted, "
                                     "i.key AS i")
        self.purposes = sorted(r["name"] for r in query(graph, "MATCH (p:Purpose) RETURN p.name AS name"))
        self.shops = query(graph, "MATCH (c:Customer)-[x:SHOPS_AT]->(s:Store) RETURN c.id AS c, s.key AS store, "
                                  "s.name AS name, x.visits AS visits, x.usual AS usual")
        self.segments = [r["name"] for r in query(graph, "MATCH (s:Segment) RETURN s.name AS name")]
        self.runs = query(graph, "MATCH (r:ResolutionRun) WHERE r.status = 'completed' "
                                 "RETURN r.run_id AS id, r.mode AS mode, r.started_at AS at ORDER BY at DESC")

    def identifiers_of(self, customer: str, attaching_only: bool = False) -> set[str]:
        keys = {i for r in self.records[customer] for i in self.carried[r["r"]]}
        if attaching_only:
            keys = {i for i in keys if self.identifiers[i]["blocked"] in ATTACHING}
        return keys

    def sources_of(self, customer: str) -> list[str]:
        return sorted({r["source"] for r in self.records[customer]})

    def sessions_of(self, customer: str) -> dict[str, dict[str, Any]]:
        """Sessions from a cookie of any session logged in as one of the customer's identifiers."""
        mine = self.identifiers_of(customer, attaching_only=True)
        logged = {r["w"] for r in self.logins if r["i"] in mine}
        cookies = {r["k"] for r in self.cookies if r["w"] in logged}
        return {r["w"]: r for r in self.cookies if r["k"] in cookies}


@pytest.fixture(scope="module")
def graph(embedded_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    with open_graph(embedded_settings) as opened:
        build(opened, tmp_path_factory.mktemp("sources"), embedded_settings.home)
        yield opened


@pytest.fixture(scope="module")
def dump(graph: Graph) -> Dump:
    return Dump(graph)


def answer(graph: Graph, name: str, **params: Any) -> list[dict[str, Any]]:
    saved = saved_query(name)
    return run(graph, saved.text, saved.parameters(params)).rows


def test_the_catalogue_holds_every_file_described_with_its_parameters() -> None:
    names = [n.removeprefix("queries/") for n in cypher.names() if n.startswith("queries/")]
    assert sorted(catalogue()) == sorted(names) and len(names) >= 10
    for saved in catalogue().values():
        assert saved.description and not saved.description.startswith("//")
        assert not find_pitfalls(saved.text), f"{saved.name} aggregates inside a map"
    assert catalogue()["largest_profiles"].defaults == {"limit": 20}
    assert catalogue()["blocked_identifiers"].defaults == {"reason": None, "limit": 100}


def test_a_malformed_header_is_refused() -> None:
    with pytest.raises(CatalogueError, match="description"):
        parse("x", "MATCH (n) RETURN n LIMIT $limit")
    with pytest.raises(CatalogueError, match=r"used \['limit'\] but declared \[\]"):
        parse("x", "// description: d\nMATCH (n) RETURN n LIMIT $limit")
    with pytest.raises(CatalogueError, match="not JSON"):
        parse("x", "// description: d\n// param limit: ten\nMATCH (n) RETURN n LIMIT $limit")
    assert parse("x", "// description: d\n// param limit: 3\nRETURN $limit").defaults == {"limit": 3}


def test_parameters_are_the_defaults_overridden_and_unknown_ones_refused() -> None:
    saved: SavedQuery = catalogue()["shared_identifiers"]
    assert saved.parameters({"limit": 5}) == {"limit": 5, "min_records": 2}
    with pytest.raises(InputError, match="no parameter nope"):
        saved.parameters({"nope": 1})
    with pytest.raises(InputError, match="no saved query 'nope'"):
        saved_query("nope")


def test_largest_profiles(graph: Graph, dump: Dump) -> None:
    expected = sorted(({"customer": c, "first_name": dump.customers[c]["first_name"],
                        "last_name": dump.customers[c]["last_name"], "records": len(rs),
                        "sources": dump.sources_of(c)} for c, rs in dump.records.items()),
                      key=lambda r: (-r["records"], r["customer"]))
    got = answer(graph, "largest_profiles", limit=15)
    assert [r | {"sources": sorted(r["sources"])} for r in got] == expected[:15]
    assert got[0]["records"] > 1


def test_shared_identifiers(graph: Graph, dump: Dump) -> None:
    holders: dict[str, set[str]] = defaultdict(set)
    customers: dict[str, set[str]] = defaultdict(set)
    for customer, records in dump.records.items():
        for r in records:
            for i in dump.carried[r["r"]]:
                holders[i].add(r["r"])
                customers[i].add(customer)
    for record, keys in dump.carried.items():
        for i in keys:
            holders[i].add(record)
    expected = sorted(({"identifier": i, "type": dump.identifiers[i]["type"], "records": len(rs),
                        "customers": len(customers[i]), "blocked": dump.identifiers[i]["blocked"]}
                       for i, rs in holders.items() if len(rs) >= 3), key=lambda r: (-r["records"], r["identifier"]))
    assert answer(graph, "shared_identifiers", limit=1000, min_records=3) == expected
    assert expected, "the generated sources share identifiers between records"


def test_profiles_spanning_sources(graph: Graph, dump: Dump) -> None:
    expected: list[dict[str, Any]] = sorted(({"customer": c, "source_count": len(dump.sources_of(c)),
                                              "sources": dump.sources_of(c),
                        "records": len(rs)} for c, rs in dump.records.items() if len(dump.sources_of(c)) >= 2),
                      key=lambda r: (-r["source_count"], -r["records"], r["customer"]))
    got = answer(graph, "profiles_spanning_sources", limit=1000)
    assert [r | {"sources": sorted(r["sources"])} for r in got] == expected
    assert got[0]["source_count"] == 3


def test_segment_store_customers(graph: Graph, dump: Dump) -> None:
    for usual_only in (False, True):
        groups: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        visits: dict[tuple[str, str, str], int] = defaultdict(int)
        for r in dump.shops:
            if usual_only and not r["usual"]:
                continue
            key = (r["store"], r["name"], dump.customers[r["c"]]["segment"] or "not scored")
            groups[key].add(r["c"])
            visits[key] += r["visits"]
        expected: list[dict[str, Any]] = sorted(
            ({"store": s, "store_name": n, "segment": g, "customers": len(cs), "visits": visits[s, n, g]}
             for (s, n, g), cs in groups.items()), key=lambda r: (r["store"], -r["customers"], r["segment"]))
        assert answer(graph, "segment_store_customers", usual_only=usual_only) == expected
        assert expected


def test_cross_channel_journeys(graph: Graph, dump: Dump) -> None:
    expected = []
    for customer in dump.customers:
        mine = dump.identifiers_of(customer, attaching_only=True)
        bought = {p["key"]: p for p in dump.purchases if p["i"] in mine}.values()
        online = [p["at"] for p in bought if p["channel"] == "online"]
        in_store = [p["at"] for p in bought if p["channel"] == "store"]
        sessions = dump.sessions_of(customer)
        if sessions and online and in_store:
            expected.append({"customer": customer, "sessions": len(sessions), "online": len(online),
                             "in_store": len(in_store), "first_visit": min(s["at"] for s in sessions.values()),
                             "first_online": min(online), "first_in_store": min(in_store)})
    expected.sort(key=lambda r: (-(r["sessions"] + r["online"] + r["in_store"]), r["customer"]))
    assert answer(graph, "cross_channel_journeys", limit=1000) == expected
    assert expected, "some generated people browse, buy online and in stores"


def test_last_run_merges(graph: Graph, dump: Dump) -> None:
    last = dump.runs[0]
    expected = []
    for customer, records in dump.records.items():
        joined = [r for r in records if r["run"] == last["id"]]
        if joined and len(records) > 1:
            expected.append({"run": last["id"], "mode": last["mode"], "customer": customer,
                             "records_joined": len(joined), "records": len(records),
                             "sources": dump.sources_of(customer)})
    expected.sort(key=lambda r: (-r["records"], r["customer"]))
    got = answer(graph, "last_run_merges", limit=1000)
    assert [r | {"sources": sorted(r["sources"])} for r in got] == expected
    assert expected


def test_consent_coverage(graph: Graph, dump: Dump) -> None:
    expected = []
    for purpose in dump.purposes:
        granted = withdrawn = 0
        for customer in dump.customers:
            mine = dump.identifiers_of(customer)
            events = {e["key"]: e for e in dump.consents if e["purpose"] == purpose and e["i"] in mine}
            if events:
                latest = max(events.values(), key=lambda e: (e["at"], e["key"]))
                granted += latest["granted"]
                withdrawn += not latest["granted"]
        total = len(dump.customers)
        expected.append({"purpose": purpose, "granted": granted, "withdrawn": withdrawn,
                         "never_said": total - granted - withdrawn, "customers": total,
                         "granted_pct": round(1000 * granted / total) / 10})
    assert answer(graph, "consent_coverage") == expected
    assert any(r["granted"] and r["withdrawn"] for r in expected)


def test_blocked_identifiers(graph: Graph, dump: Dump) -> None:
    def expected_for(reason: str | None) -> list[dict[str, Any]]:
        rows = []
        for key, i in dump.blocked.items():
            if reason is not None and i["blocked"] != reason:
                continue
            records = {r for r, keys in dump.carried.items() if key in keys}
            customers = {c for c, rs in dump.records.items() if any(r["r"] in records for r in rs)}
            rows.append({"identifier": key, "type": i["type"], "reason": i["blocked"], "records": len(records),
                         "customers": len(customers)})
        return sorted(rows, key=lambda r: (-r["records"], r["identifier"]))

    assert answer(graph, "blocked_identifiers") == expected_for(None)
    assert answer(graph, "blocked_identifiers", reason="household") == expected_for("household")
    assert expected_for("household") and len(expected_for("household")) < len(expected_for(None))


def test_tickets_per_customer(graph: Graph, dump: Dump) -> None:
    for status in (None, "closed"):
        expected = []
        for customer, c in dump.customers.items():
            mine = dump.identifiers_of(customer, attaching_only=True)
            raised = {t["key"]: t for t in dump.tickets
                      if t["i"] in mine and (status is None or t["status"] == status)}.values()
            if raised:
                expected.append({"customer": customer, "first_name": c["first_name"], "last_name": c["last_name"],
                                 "tickets": len(raised), "open": sum(t["closed"] is None for t in raised),
                                 "last_opened": max(t["opened"] for t in raised)})
        expected.sort(key=lambda r: (-r["tickets"], r["customer"]))
        assert answer(graph, "tickets_per_customer", limit=1000, status=status) == expected
        assert expected


def test_source_overlap(graph: Graph, dump: Dump) -> None:
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for customer in dump.records:
        sources = dump.sources_of(customer)
        for a in sources:
            for b in sources:
                if a < b:
                    pairs[a, b] += 1
    expected: list[dict[str, Any]] = sorted(
        ({"source": a, "other_source": b, "customers": n} for (a, b), n in pairs.items()),
        key=lambda r: (-r["customers"], r["source"], r["other_source"]))
    assert answer(graph, "source_overlap") == expected
    assert len(expected) == 3


def test_segment_value(graph: Graph, dump: Dump) -> None:
    expected = []
    for segment in dump.segments:
        members = [c for c in dump.customers.values() if c["segment"] == segment]
        ltv = sum(c["ltv"] or 0 for c in members)
        expected.append({"segment": segment, "customers": len(members),
                         "buyers": sum(1 for c in members if (c["purchases"] or 0) > 0), "ltv_minor": ltv,
                         "predicted_minor": sum(c["predicted"] or 0 for c in members),
                         "ltv_minor_per_customer": ltv // len(members) if members else 0})
    expected.sort(key=lambda r: (-r["ltv_minor"], r["segment"]))
    assert answer(graph, "segment_value") == expected
    assert sum(r["customers"] for r in expected) == len(dump.customers)


def test_customer_timeline(graph: Graph, dump: Dump) -> None:
    def events(customer: str) -> list[tuple[datetime, str, str]]:
        mine = dump.identifiers_of(customer, attaching_only=True)
        found = {(p["at"], "purchase", p["key"]) for p in dump.purchases if p["i"] in mine}
        found |= {(s["at"], "web session", key) for key, s in dump.sessions_of(customer).items()}
        found |= {(t["opened"], "ticket", t["key"]) for t in dump.tickets if t["i"] in mine}
        return sorted(found, key=lambda e: (-e[0].timestamp(), e[2]))

    busiest = max(dump.customers, key=lambda c: (len({e[1] for e in events(c)}), len(events(c)), c))
    got = answer(graph, "customer_timeline", customer=busiest)
    assert [(r["at"], r["event"], r["key"]) for r in got] == events(busiest)
    assert {r["event"] for r in got} >= {"purchase", "web session"}
    assert answer(graph, "customer_timeline") == []  # no customer given: nothing, not everything


def test_the_command_runs_a_saved_query_with_parameters(graph: Graph, dump: Dump, embedded_settings: Settings
                                                        ) -> None:
    result = c360("query", "largest_profiles", "--param", "limit=2", "--format", "json", home=embedded_settings.home)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["customer"] for r in rows] == [r["customer"] for r in answer(graph, "largest_profiles", limit=2)]
    listed = c360("query", "--list", "--format", "csv", home=embedded_settings.home)
    assert listed.stdout.splitlines()[0] == "name,description,parameters"
    assert {line.split(",")[0] for line in listed.stdout.splitlines()[1:]} == set(catalogue())
    wrong = c360("query", "largest_profiles", "--param", "top=3", home=embedded_settings.home)
    assert wrong.returncode == 1
    assert one_error_line(wrong) == "error: --param: largest_profiles has no parameter top (its parameters: limit)"


def test_the_library_is_shipped_where_the_package_data_finds_it() -> None:
    root = Path(cypher.__file__).parent / "queries"
    assert sorted(p.stem for p in root.glob("*.cypher")) == sorted(catalogue())
