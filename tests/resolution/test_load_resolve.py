"""Loading and resolving on a real store: idempotence, updates, guards, stable ids, networkx reference."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph import Graph
from loaders.run import load_file, plan
from resolution import resolve
from tests.helpers import deterministic, rules_with, write_source

pytestmark = pytest.mark.store

NODES = "MATCH (n) WHERE NOT n:LoadRun AND NOT n:ResolutionRun RETURN labels(n) AS labels, properties(n) AS p"
RELS = "MATCH (a)-[r]->(b) RETURN a.key AS a, type(r) AS t, b.key AS b, properties(r) AS p"
CLUSTERS = "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) RETURN r.key AS key, c.id AS customer"


def _load(graph: Graph, directory: Path) -> list[Any]:
    return [load_file(graph, path, mapping, directory / "home") for path, mapping in plan([directory])]


def _snapshot(graph: Graph) -> tuple[list[str], list[str]]:
    nodes, _, _ = graph.driver.execute_query(NODES, database_=graph.database)
    rels, _, _ = graph.driver.execute_query(RELS, database_=graph.database)
    return sorted(repr(sorted(r.data().items())) for r in nodes), sorted(repr(r.data()) for r in rels)


def _clusters(graph: Graph) -> dict[str, str]:
    records, _, _ = graph.driver.execute_query(CLUSTERS, database_=graph.database)
    return {r["key"]: r["customer"] for r in records}


def _partition(clusters: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for key, customer in clusters.items():
        groups.setdefault(customer, set()).add(key)
    return {frozenset(g) for g in groups.values()}


def test_loading_twice_changes_nothing(graph: Graph, tmp_path: Path) -> None:
    write_source(tmp_path, "crm", ["1,Jean,Dupont,j@x.com,0612345678,FR,75001,CN1", "2,Ann,Lee,a@x.com,,,,"])
    first = _load(graph, tmp_path)
    before = _snapshot(graph)
    second = _load(graph, tmp_path)
    assert _snapshot(graph) == before
    assert first[0].accepted == second[0].accepted == 2
    assert len(before[0]) == 2 + 4  # two records, four identifiers


def test_changed_record_is_updated_and_loses_old_identifiers(graph: Graph, tmp_path: Path) -> None:
    write_source(tmp_path, "crm", ["1,Jean,Dupont,old@x.com,,,,"])
    _load(graph, tmp_path)
    write_source(tmp_path, "crm", ["1,Jean,Dupont,new@x.com,,,,"])
    _load(graph, tmp_path)
    nodes, rels = _snapshot(graph)
    assert any("new@x.com" in r for r in rels) and not any("old@x.com" in r for r in rels)
    assert sum("SourceRecord" in n for n in nodes) == 1


def test_shared_email_and_customer_number_merge_phone_does_not(graph: Graph, tmp_path: Path) -> None:
    write_source(tmp_path, "crm", [
        "1,Jean,Dupont,jean@x.com,0612345678,FR,,",
        "2,Marie,Dupont,marie@x.com,0612345678,FR,,CN9",  # same household phone only
        "3,Jean,Dupont,JEAN@X.COM,,,,",  # same email, other case
        "4,M,Dupont,,,,,cn9",  # same customer number as 2
    ])
    _load(graph, tmp_path)
    resolve(graph)
    assert _partition(_clusters(graph)) == {frozenset({"crm:1", "crm:3"}), frozenset({"crm:2", "crm:4"})}


def test_junk_and_hub_values_do_not_merge(graph: Graph, tmp_path: Path) -> None:
    rules = rules_with(email={"max_records": 3}, customer_number={"max_records": 3})
    lines = [f"{i},P{i},Q,test@test.com,,,," for i in range(1, 4)]  # blocklisted placeholder
    lines += [f"{i},P{i},Q,shop@store.com,,,," for i in range(4, 8)]  # a hub: 4 records > 3 allowed
    lines += ["8,A,B,ok@x.com,,,,", "9,A,B,ok@x.com,,,,"]
    write_source(tmp_path, "crm", lines)
    _load(graph, tmp_path)
    summary = resolve(graph, rules)
    assert _partition(_clusters(graph)) == {frozenset({"crm:8", "crm:9"})} | {
        frozenset({f"crm:{i}"}) for i in range(1, 8)}
    assert summary.customers == 8 and summary.merged_records == 2


def test_ids_are_stable_across_runs_and_follow_the_larger_part(graph: Graph, tmp_path: Path) -> None:
    write_source(tmp_path, "crm", ["1,A,B,a@x.com,,,,", "2,A,B,a@x.com,,,,", "3,A,B,a@x.com,,,,",
                                   "4,C,D,c@x.com,,,,"])
    _load(graph, tmp_path)
    resolve(graph)
    before = _clusters(graph)
    rerun = resolve(graph)
    assert _clusters(graph) == before and rerun.records_moved == 0 and rerun.customers_created == 0
    # record 5 bridges the two profiles: the merged profile keeps the id of the larger one
    write_source(tmp_path, "crm", ["1,A,B,a@x.com,,,,", "2,A,B,a@x.com,,,,", "3,A,B,a@x.com,,,,",
                                   "4,C,D,c@x.com,,,,CN5", "5,A,D,a@x.com,,,,CN5"])
    _load(graph, tmp_path)
    merged = resolve(graph)
    after = _clusters(graph)
    assert len(set(after.values())) == 1 and after["crm:4"] == before["crm:1"]
    assert merged.customers_removed == 1


def test_components_match_networkx(graph: Graph, tmp_path: Path) -> None:
    """The database's components equal networkx's on the same record-identifier graph."""
    rng = random.Random(7)
    lines: list[str] = []
    reference: nx.Graph[str] = nx.Graph()
    for i in range(300):
        email = f"e{rng.randrange(220)}@x.com" if rng.random() < 0.8 else ""
        number = f"CN{rng.randrange(150)}" if rng.random() < 0.5 else ""
        lines.append(f"{i},A,B,{email},,,,{number}")
        reference.add_node(f"crm:{i}")
        for identifier in (f"email:{email}" if email else None, f"customer_number:{number}" if number else None):
            if identifier:
                reference.add_edge(f"crm:{i}", identifier)
    write_source(tmp_path, "crm", lines)
    _load(graph, tmp_path)
    resolve(graph, deterministic(rules_with(customer_number={"exclusive": None})))  # everyone is "A B"
    expected = {frozenset(n for n in component if n.startswith("crm:"))
                for component in nx.connected_components(reference)}
    assert _partition(_clusters(graph)) == expected
    assert len(expected) < 300  # the data really has merges


def test_profile_ids_cannot_be_checked_against_a_guessed_value(graph: Graph, tmp_path: Path) -> None:
    """An id is keyed by the store: hashing a guessed record key (``crm:4``, a card number in a loyalty
    source) gives nothing to compare with, while a full rebuild of the same store gives the same ids."""
    import hashlib

    write_source(tmp_path, "crm", ["1,A,B,a@x.com,,,,", "4,C,D,c@x.com,,,,"])
    _load(graph, tmp_path)
    resolve(graph)
    ids = _clusters(graph)
    unkeyed = {key: "C" + hashlib.sha1(f"{key}#0".encode()).hexdigest()[:11].upper() for key in ids}
    assert all(ids[key] != unkeyed[key] for key in ids)
    assert all(ids[key] != "C" + hashlib.sha256(f"{key}#0".encode()).hexdigest()[:11].upper() for key in ids)
    graph.driver.execute_query("MATCH (c:Customer) DETACH DELETE c", database_=graph.database)
    resolve(graph, full=True)
    assert _clusters(graph) == ids
