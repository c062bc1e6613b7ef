"""Erasure that stays erased, end to end on generated sources: load, resolve, erase one person with records in
three sources, events, tickets and service-desk history; then nothing of theirs is left in the graph or in
``C360_HOME``, a reload of the same files refuses their rows, totals of non-personal facts do not change, and
``c360 resolve`` runs clean."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import pipeline
from desk.tickets import annotate_ticket
from graph import Graph, Settings
from loaders.run import plan
from resolution.rules import default_rules
from scoring.score import score_customers
from synthetic import generate
from tests.helpers import c360, query

pytestmark = pytest.mark.store

PEOPLE = 300
TOTALS = """
MATCH (t:Transaction) WITH sum(t.amount_minor) AS minor, count(t) AS transactions
MATCH (k:Ticket) WITH minor, transactions, count(k) AS tickets
MATCH (e:ConsentEvent) WITH minor, transactions, tickets, count(e) AS consents
MATCH (w:WebSession)
RETURN minor, transactions, tickets, consents, count(w) AS sessions, sum(w.page_views) AS page_views"""


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _person(graph: Graph, sources: Path) -> tuple[str, list[str]]:
    """A person with records in all three customer sources, transactions and tickets, resolved into one
    customer holding exactly those records, whose first and last names no one else shares."""
    records: dict[str, set[str]] = defaultdict(set)
    for row in _rows(sources / "truth.csv"):
        records[row["person_id"]].add(f"{row['source']}:{row['source_id']}")
    events: dict[str, set[str]] = defaultdict(set)
    for row in _rows(sources / "events_truth.csv"):
        events[row["person_id"]].add(row["kind"])
    names: dict[tuple[str, str], int] = defaultdict(int)
    for row in _rows(sources / "people.csv"):
        names[(row["first_name"].casefold(), row["last_name"].casefold())] += 1
    people = {row["person_id"]: row for row in _rows(sources / "people.csv")}
    for person, keys in sorted(records.items()):
        if {k.partition(":")[0] for k in keys} != {"crm", "webshop", "loyalty"}:
            continue
        if not {"transactions", "tickets"} <= events[person]:
            continue
        p = people[person]
        if names[(p["first_name"].casefold(), p["last_name"].casefold())] != 1:
            continue
        found = query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.key IN $keys "
                             "WITH c MATCH (c)-[:HAS_RECORD]->(all:SourceRecord) "
                             "RETURN DISTINCT c.id AS id, collect(DISTINCT all.key) AS keys", keys=sorted(keys))
        if len(found) == 1 and set(found[0]["keys"]) == keys:
            return found[0]["id"], sorted(keys)
    raise AssertionError("no person fits: the generator changed")


def _values(graph: Graph, keys: list[str], sources: Path, person_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What must not be found anywhere: identifier values (normalised and as sources wrote them), record keys,
    the name pairs."""
    props = query(graph, "UNWIND $keys AS k MATCH (r:SourceRecord {key: k}) RETURN properties(r) AS p", keys=keys)
    values: set[str] = set(keys)
    pairs: set[tuple[str, str]] = set()
    for row in props:
        p = row["p"]
        values |= {str(p[f]) for f in ("email", "phone", "customer_number", "loyalty_card", "national_id") if p.get(f)}
        if p.get("first_name") and p.get("last_name"):
            pairs.add((p["first_name"].casefold(), p["last_name"].casefold()))
    for raw in person_rows:  # raw forms, as the source files hold them
        values |= {str(v) for k, v in raw.items() if v and k in (
            "email", "phone", "mobile", "customer_number", "customer_no", "card_number", "national_number")}
    return {"values": {v.casefold() for v in values if len(v) >= 5}, "pairs": pairs}


def _source_rows(sources: Path, keys: list[str]) -> list[dict[str, Any]]:
    ids = {k.partition(":")[2] for k in keys}
    rows: list[dict[str, Any]] = []
    for name, column, delimiter in (("crm", "contact_id", ","), ("loyalty", "card_number", ";")):
        with open(sources / f"{name}.csv", newline="", encoding="utf-8") as handle:
            rows += [r for r in csv.DictReader(handle, delimiter=delimiter) if r[column] in ids]
    with open(sources / "webshop.jsonl", encoding="utf-8") as handle:
        rows += [r for line in handle if (r := json.loads(line))["account_id"] in ids]
    return rows


def _found_in(text: str, needles: dict[str, Any]) -> list[str]:
    folded = text.casefold()
    hits = [v for v in needles["values"] if v in folded]
    hits += [f"{a} {b}" for a, b in needles["pairs"] if a in folded and b in folded and _same_item(folded, a, b)]
    return hits


def _same_item(text: str, first: str, last: str) -> bool:
    """Both names within one line (a file) or one value (a property)."""
    return any(first in line and last in line for line in text.splitlines())


def _graph_hits(graph: Graph, needles: dict[str, Any]) -> list[str]:
    hits = []
    for row in query(graph, "MATCH (n) RETURN labels(n) AS labels, properties(n) AS p"):
        for value in row["p"].values():
            hits += [f"{row['labels']}: {h}" for h in _found_in(str(value), needles)]
        hits += [f"{row['labels']}: {a} {b}" for a, b in needles["pairs"]
                 if a in {str(v).casefold() for v in row["p"].values()}
                 and b in {str(v).casefold() for v in row["p"].values()}]
    for row in query(graph, "MATCH ()-[r]->() RETURN type(r) AS type, properties(r) AS p"):
        for value in row["p"].values():
            hits += [f"{row['type']}: {h}" for h in _found_in(str(value), needles)]
    return hits


def _file_hits(home: Path, needles: dict[str, Any], store_files: bool) -> list[str]:
    hits = []
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        if not store_files and "arcadedb" in path.relative_to(home).parts:
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", errors="ignore")
        if "\0" in text:  # binary: values are stored as UTF-8 runs
            text = text.replace("\0", "\n")
        hits += [f"{path.relative_to(home)}: {h}" for h in _found_in(text, needles)]
    return hits


def test_erased_person_stays_erased(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    graph, home = embedded_graph, embedded_settings.home
    sources = tmp_path / "sources"
    generate(PEOPLE, sources, seed=5)
    pipeline.load(graph, plan([sources]), home)
    pipeline.resolve(graph, cache_dir=home / "cache")
    score_customers(graph)
    customer, keys = _person(graph, sources)
    needles = _values(graph, keys, sources, _source_rows(sources, keys))
    # their history at the service desk: a correction, a note on one of their tickets, a merge decision
    pipeline.correct_contact(graph, default_rules(), customer, {"phone": "+33 6 11 22 33 44"}, by="agent-7",
                             why="asked by phone")
    needles["values"].add("+33611223344")
    ticket = query(graph, "MATCH (:Customer {id: $id})-[:HAS_RECORD]->()-[:HAS_IDENTIFIER]->()<-[:RAISED_BY]-(t) "
                          "RETURN t.key AS key LIMIT 1", id=customer)[0]["key"]
    annotate_ticket(graph, ticket, "called back: their parcel went to Lyon", "closed", by="agent-7")
    needles["values"].add("their parcel went to lyon")
    pipeline.decide(graph, keys[0], keys[1], same=True, by="agent-7", why="same person", rules=default_rules(),
                    cache_dir=home / "cache")
    assert _graph_hits(graph, needles) and _file_hits(home, needles, store_files=False)  # the scan sees them
    before = query(graph, TOTALS)[0]
    customers = query(graph, "MATCH (c:Customer) RETURN count(c) AS n")[0]["n"]

    done = c360("erase", "--customer", customer, "--why", "request 2026-117", "--by", "dpo", home=home)
    assert done.returncode == 0, done.stderr
    assert "erased one customer" in done.stdout and "transactions" in done.stdout
    assert not _found_in(done.stdout + done.stderr, needles) and customer not in done.stdout

    assert _graph_hits(graph, needles) == []
    assert _file_hits(home, needles, store_files=False) == []
    assert query(graph, TOTALS)[0] == before
    assert query(graph, "MATCH (c:Customer) RETURN count(c) AS n")[0]["n"] == customers - 1
    assert not query(graph, "MATCH (n:TicketNote) RETURN n")
    assert query(graph, "MATCH (t:Ticket {key: $k})-[:RAISED_BY]->(:Erased) RETURN t.subject AS s", k=ticket
                 ) == [{"s": None}]
    tombstone = query(graph, "MATCH (e:Erased) RETURN properties(e) AS p")[0]["p"]
    assert len(tombstone["records"]) >= 4 and all(len(h) == 64 for h in tombstone["records"] + tombstone["identifiers"])

    reloaded = pipeline.load(graph, plan([sources]), home).files
    refused = {s.source: s.erased for s in reloaded}
    assert refused["crm"] == refused["webshop"] == refused["loyalty"] == 1
    assert refused["transactions"] >= 1 and refused["tickets"] >= 1
    assert all(s.read == s.accepted + s.rejected + s.erased for s in reloaded)
    assert query(graph, "MATCH (r:LoadRun {source: 'crm'}) WHERE r.erased > 0 RETURN count(r) AS n")[0]["n"] == 1
    assert query(graph, TOTALS)[0] == before
    assert _graph_hits(graph, needles) == []
    assert _file_hits(home, needles, store_files=False) == []

    resolved = c360("resolve", home=home)
    assert resolved.returncode == 0, resolved.stderr
    assert query(graph, "MATCH (c:Customer) RETURN count(c) AS n")[0]["n"] == customers - 1
    assert _graph_hits(graph, needles) == []
    assert _file_hits(home, needles, store_files=False) == []
    # The store's own files: no live record holds a value (the scan above of every node and relationship),
    # and neither do the record pages; index pages and transaction logs keep deleted entries until the store
    # compacts or recycles them (docs/privacy.md, "the store's own files").
    store_hits = [h for h in _file_hits(home, needles, store_files=True) if h.startswith("arcadedb")]
    assert all(h.split(":")[0].endswith(("idx", ".wal")) for h in store_hits), store_hits
