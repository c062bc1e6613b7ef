"""The delivery log: which destination was sent changes about whom. A subject access lists it under every id
the person had; an erasure forgets it, and the erasure's own delivery is logged afresh."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from graph import Graph, outbox
from privacy.erase import erase
from privacy.subject_access import Requester, subject_access
from resolution.decisions import decide as record_decision
from sync import state
from sync.delivery import replay, sink_for
from sync.destinations import Destination
from tests.helpers import deterministic, query
from tests.sync.conftest import holders, send_each

pytestmark = pytest.mark.store


def _destinations(tmp_path: Path) -> tuple[Destination, Destination]:
    """A warehouse taking everything, and a CRM taking only customers who granted marketing (nobody here):
    it is sent erasures and nothing else."""
    warehouse = Destination.model_validate({"name": "warehouse", "kind": "jsonl", "directory": str(tmp_path / "wh")})
    crm = Destination.model_validate({"name": "crm", "kind": "jsonl", "directory": str(tmp_path / "crm"),
                                      "gates": {"consent": "marketing"}})
    return warehouse, crm


def _expected(graph: Graph, ids: set[str]) -> dict[str, tuple[int, list[str]]]:
    """Per id, how many outbox events the warehouse was sent about it and of which kinds: read from the outbox
    itself."""
    kinds: defaultdict[str, list[str]] = defaultdict(list)
    for event in outbox.after(graph, 0, limit=100_000):
        if event.customer_id in ids:
            kinds[event.customer_id].append(event.kind)
    return {customer: (len(found), sorted(set(found))) for customer, found in kinds.items()}


def _logged(document: dict[str, Any]) -> dict[tuple[str, str], tuple[int, list[str]]]:
    return {(row["destination"], row["customer_id"]): (row["events"], row["kinds"]) for row in document["synced_to"]}


def test_a_subject_access_names_every_destination_sent_the_persons_changes(loaded: Graph, tmp_path: Path) -> None:
    warehouse, crm = _destinations(tmp_path)
    people = sorted(set(holders(loaded).values()))
    before = datetime.now(UTC)
    send_each(loaded, warehouse, crm)
    for person in people:
        document = subject_access(loaded, person, Requester("dpo"), deterministic(), datetime.now(UTC))
        count, kinds = _expected(loaded, {person})[person]
        assert _logged(document) == {("warehouse", person): (count, kinds)}  # the gated CRM got nothing of theirs
        [row] = document["synced_to"]
        assert before.isoformat() <= row["first_sent"] <= row["last_sent"] <= datetime.now(UTC).isoformat()

    record_decision(loaded, "shop:1", "shop:2", same=True, by="steward", why="one person", rules=deterministic())
    send_each(loaded, warehouse, crm)
    [merged] = set(holders(loaded).values())
    document = subject_access(loaded, merged, Requester("dpo"), deterministic(), datetime.now(UTC))
    ids = {merged, *people}
    assert {customer for _, customer in _logged(document)} == ids  # the ids the warehouse knew them by, too
    assert _logged(document) == {("warehouse", customer): sent for customer, sent in _expected(loaded, ids).items()}

    state.bury(loaded, "crm", 1, merged, "HTTP 500", 3)
    erase(loaded, tmp_path / "home", by="dpo", why="request 7", customer_id=merged)
    assert query(loaded, "MATCH (d:Delivery) RETURN d.customer_id AS id") == []
    assert query(loaded, "MATCH (d:DeadLetter), (t:Erased) RETURN d.customer_id = t.id AS tombstone") == [
        {"tombstone": True}]  # a dead letter names the erasure's tombstone, not the person
    send_each(loaded, warehouse, crm)
    logged = query(loaded, "MATCH (d:Delivery) RETURN d.destination AS destination, d.customer_id AS id, "
                           "d.events AS events, d.kinds AS kinds ORDER BY destination")
    assert logged == [{"destination": d, "id": merged, "events": 1, "kinds": ["erased"]} for d in ("crm", "warehouse")]


def test_a_replay_logs_what_it_delivers_once_per_event(loaded: Graph, tmp_path: Path) -> None:
    warehouse, _ = _destinations(tmp_path)
    send_each(loaded, warehouse)
    first = {r["id"]: r["events"] for r in query(loaded, "MATCH (d:Delivery) RETURN d.customer_id AS id, "
                                                         "d.events AS events")}
    replay(loaded, warehouse, "urn:c360:test", sink_for(warehouse, {}), 1)
    again = {r["id"]: r["events"] for r in query(loaded, "MATCH (d:Delivery) RETURN d.customer_id AS id, "
                                                         "d.events AS events")}
    assert again == {customer: 2 * n for customer, n in first.items()}  # sent twice, counted twice
    assert sum(first.values()) == sum(Counter(e.customer_id for e in outbox.after(loaded, 0)).values())
