"""The outbox: events written with the change they describe, numbered without gap under concurrent writers."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph import Graph, outbox
from graph.database import Transaction
from graph.outbox import ChangeEvent
from loaders.run import load_file, plan
from pipeline import correct_contact, decide
from resolution import resolve
from tests.helpers import deterministic, query, write_source

ROWS = ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
        "2,Marie,Curie,marie@x.com,06 98 76 54 32,FR,75005,CN2"]


def load(graph: Graph, directory: Path, name: str, rows: list[str], home: Path) -> None:
    write_source(directory, name, rows)
    for path, mapping in plan([directory]):
        load_file(graph, path, mapping, home)


def events(graph: Graph) -> list[ChangeEvent]:
    return outbox.after(graph, 0, limit=10_000)


@pytest.mark.store
def test_a_first_load_reports_each_new_customer_with_its_values_and_identifiers(embedded_graph: Graph,
                                                                              tmp_path: Path) -> None:
    load(embedded_graph, tmp_path / "s", "crm", ROWS, tmp_path / "home")
    resolve(embedded_graph, deterministic())
    found = events(embedded_graph)
    assert [e.seq for e in found] == list(range(1, len(found) + 1))
    golden = [e for e in found if e.kind == "golden_changed"]
    assert len(golden) == 2 and all(e.payload["created"] and e.origin == "crm" for e in golden)
    jean = next(e for e in golden if e.payload["changes"]["email"]["new"] == "jean@x.com")
    assert jean.payload["changes"]["first_name"] == {"old": None, "new": "Jean"}
    identifiers = [e for e in found if e.kind == "identifiers_changed" and e.customer_id == jean.customer_id]
    assert {(i["type"], i["value"]) for i in identifiers[0].payload["added"]} == {
        ("email", "jean@x.com"), ("phone", "+33612345678"), ("customer_number", "CN1")}
    assert outbox.head(embedded_graph) == len(found)

    resolve(embedded_graph, deterministic())  # nothing changed: nothing to say
    assert outbox.head(embedded_graph) == len(found)


@pytest.mark.store
def test_a_reload_reports_the_values_and_identifiers_that_changed_with_their_source(embedded_graph: Graph,
                                                                                   tmp_path: Path) -> None:
    load(embedded_graph, tmp_path / "s", "crm", ROWS, tmp_path / "home")
    resolve(embedded_graph, deterministic())
    head = outbox.head(embedded_graph)
    load(embedded_graph, tmp_path / "s", "crm", [ROWS[0].replace("jean@x.com", "jd@y.org"), ROWS[1]],
         tmp_path / "home")
    resolve(embedded_graph, deterministic())
    new = outbox.after(embedded_graph, head)
    assert [(e.kind, e.origin) for e in new] == [("golden_changed", "crm"), ("identifiers_changed", "crm")]
    assert new[0].payload == {"changes": {"email": {"old": "jean@x.com", "new": "jd@y.org"}}, "created": False}
    assert new[1].payload["added"] == [{"type": "email", "value": "jd@y.org"}]
    assert new[1].payload["removed"] == [{"type": "email", "value": "jean@x.com"}]


@pytest.mark.store
def test_a_merge_and_a_split_say_which_records_went_where(embedded_graph: Graph, tmp_path: Path) -> None:
    graph, rules = embedded_graph, deterministic()
    load(graph, tmp_path / "s", "crm", ROWS, tmp_path / "home")
    resolve(graph, rules)
    ids = {r["key"]: r["id"] for r in query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r) "
                                                   "RETURN r.key AS key, c.id AS id")}
    head = outbox.head(graph)
    decide(graph, "crm:1", "crm:2", same=True, by="steward", why="one person", rules=rules)
    merged = [e for e in outbox.after(graph, head) if e.kind == "merged"]
    assert len(merged) == 1 and merged[0].customer_id in ids.values()
    (survivor,) = {merged[0].customer_id}
    (gone,) = set(ids.values()) - {survivor}
    assert merged[0].previous_customer_ids == (gone,)
    assert merged[0].payload == {"from": {gone: [k for k, v in ids.items() if v == gone]}}

    head = outbox.head(graph)
    decide(graph, "crm:1", "crm:2", same=False, by="steward", why="two people", rules=rules)
    after = outbox.after(graph, head)
    (split,) = [e for e in after if e.kind == "split"]
    assert split.customer_id == survivor and split.previous_customer_ids == (survivor,)
    into = split.payload["into"]
    assert sorted(k for keys in into.values() for k in keys) == ["crm:1", "crm:2"] and len(into) == 2
    new_id = next(i for i in into if i != survivor)
    assert [e.payload["created"] for e in after if e.kind == "golden_changed" and e.customer_id == new_id] == [True]


@pytest.mark.store
def test_a_desk_correction_is_reported_once_with_the_desk_as_origin(embedded_graph: Graph, tmp_path: Path) -> None:
    graph, rules = embedded_graph, deterministic()
    load(graph, tmp_path / "s", "crm", ROWS, tmp_path / "home")
    resolve(graph, rules)
    jean = query(graph, "MATCH (c:Customer {email: 'jean@x.com'}) RETURN c.id AS id")[0]["id"]
    head = outbox.head(graph)
    correct_contact(graph, rules, jean, {"email": "jean.dupont@new.fr"}, by="agent-7")
    golden = [e for e in outbox.after(graph, head) if e.kind == "golden_changed"]
    assert [(e.customer_id, e.origin, e.payload["changes"]) for e in golden] == [
        (jean, "service-desk", {"email": {"old": "jean@x.com", "new": "jean.dupont@new.fr"}})]


@pytest.mark.store
def test_concurrent_writers_get_distinct_numbers_without_gaps(embedded_graph: Graph) -> None:
    writers, each = 4, 15
    errors: list[BaseException] = []
    # the store's first event made the counter: two first writers at once both MERGE it and one fails (docs)
    embedded_graph.transaction(lambda tx: outbox.append(tx, kind="segment_entered", customer_id="CFIRST"))

    def write(n: int) -> None:
        try:
            for i in range(each):
                embedded_graph.transaction(lambda tx, i=i: outbox.append_all(  # type: ignore[misc]
                    tx, [outbox.Event("golden_changed", f"C{n}", {"i": i}), outbox.Event("segment_left", f"C{n}")]))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    found = events(embedded_graph)
    assert [e.seq for e in found] == list(range(1, writers * each * 2 + 2))
    for n in range(writers):  # each transaction's two events are consecutive, and each writer's in its order
        mine = [e for e in found if e.customer_id == f"C{n}"]
        assert [e.payload.get("i") for e in mine if e.kind == "golden_changed"] == list(range(each))
        assert all(b.seq == a.seq + 1 for a, b in zip(mine[::2], mine[1::2], strict=True))


@pytest.mark.store
def test_an_event_exists_if_and_only_if_its_change_committed(embedded_graph: Graph) -> None:
    def change_then_fail(tx: Transaction) -> None:
        tx.write("resolve_create_customers", ids=["CGHOST"], now=datetime.now(UTC))
        outbox.append(tx, kind="golden_changed", customer_id="CGHOST", payload={"changes": {}})
        raise RuntimeError("the change fails after its event was appended")

    with pytest.raises(RuntimeError):
        embedded_graph.transaction(change_then_fail)
    assert outbox.head(embedded_graph) == 0 and events(embedded_graph) == []
    assert query(embedded_graph, "MATCH (c:Customer {id: 'CGHOST'}) RETURN c") == []

    embedded_graph.transaction(lambda tx: outbox.append(tx, kind="erased", customer_id="C1"))
    assert [(e.seq, e.kind) for e in events(embedded_graph)] == [(1, "erased")]


@pytest.mark.store
def test_redaction_leaves_numbers_and_kinds_and_no_value(embedded_graph: Graph, tmp_path: Path) -> None:
    graph = embedded_graph
    load(graph, tmp_path / "s", "crm", ROWS, tmp_path / "home")
    resolve(graph, deterministic())
    jean = query(graph, "MATCH (c:Customer {email: 'jean@x.com'}) RETURN c.id AS id")[0]["id"]
    before = events(graph)

    def erase(tx: Transaction) -> int:
        outbox.append(tx, kind="erased", customer_id=jean)
        return outbox.redact(tx, [jean], "erased-0001")

    assert graph.transaction(erase) == len([e for e in before if e.customer_id == jean])
    after = events(graph)
    assert [(e.seq, e.kind, e.at) for e in after[:-1]] == [(e.seq, e.kind, e.at) for e in before]
    text = json.dumps([e.payload for e in after[:-1]] + [e.customer_id for e in after[:-1]])
    assert "jean" not in text.casefold() and "612345678" not in text and jean not in text
    assert "marie@x.com" in text  # the others' events are untouched
    assert (after[-1].kind, after[-1].customer_id, after[-1].payload) == ("erased", jean, {})
