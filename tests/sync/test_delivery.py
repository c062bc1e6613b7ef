"""Delivery to a real second HTTP server playing a CRM: signed, retried, dead-lettered, replayed, re-keyed, and
never sent its own changes back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desk.contact import correct_contact
from graph import Graph, outbox
from resolution import resolve
from resolution.decisions import decide as record_decision
from sync import state
from sync.delivery import deliver, deliver_to, replay, sink_for, status
from sync.destinations import Destination, Destinations
from tests.helpers import deterministic, query
from tests.sync.conftest import ROWS, holders, load
from tests.sync.receiver import SECRET, Crm, free_port, serving

ENVIRON = {"CRM_SECRET": SECRET}
FAST = {"attempts": 3, "backoff_seconds": 0.01, "max_backoff_seconds": 0.05, "timeout_seconds": 5}


def crm_destination(url: str, **extra: Any) -> Destination:
    return Destination.model_validate({"name": "crm", "kind": "webhook", "url": url, "secret_env": "CRM_SECRET",
                                       "retry": FAST, **extra})


def send(graph: Graph, destination: Destination) -> Any:
    return deliver_to(graph, destination, "urn:c360:test", sink_for(destination, ENVIRON))


@pytest.mark.store
def test_a_desk_correction_reaches_the_crm_once_signed_with_the_fields_it_wants(loaded: Graph) -> None:
    crm = Crm()
    jean = query(loaded, "MATCH (c:Customer {email: 'jean@x.com'}) RETURN c.id AS id")[0]["id"]
    with serving(crm) as url:
        destination = crm_destination(url, kinds=["golden_changed"], fields=["email", "phone"],
                                      rename={"email": "EmailAddress"})
        first = send(loaded, destination)
        assert first.sent == 2 and first.dead == 0 and first.cursor == outbox.head(loaded)
        assert crm.customers[jean] == {"EmailAddress": "jean@x.com", "phone": "+33612345678"}

        correct_contact(loaded, deterministic(), jean, {"email": "jean.dupont@new.fr"}, by="agent-7")
        second = send(loaded, destination)
    assert second.sent == 1 and crm.bad_signatures == 0
    event = crm.applied[-1]
    assert (event["specversion"], event["type"], event["subject"], event["source"]) == (
        "1.0", "c360.customer.golden_changed", jean, "urn:c360:test")
    changed = [e.seq for e in outbox.after(loaded, first.cursor) if e.kind == "golden_changed"]
    assert [event["id"]] == [str(seq) for seq in changed]
    assert event["data"]["changes"] == {"EmailAddress": {"old": "jean@x.com", "new": "jean.dupont@new.fr"}}
    assert event["data"]["origin"] == "service-desk" and event["datacontenttype"] == "application/json"
    assert crm.customers[jean]["EmailAddress"] == "jean.dupont@new.fr"
    assert status(loaded, Destinations(destinations=(destination,)))[0].lag == 0


@pytest.mark.store
def test_two_failures_then_success_is_applied_exactly_once(loaded: Graph) -> None:
    crm = Crm(fail=2)
    with serving(crm) as url:
        destination = crm_destination(url, kinds=["golden_changed"])
        done = send(loaded, destination)
    assert (done.sent, done.dead, done.failures) == (2, 0, 2)
    assert crm.requests == 4  # the first event three times, the second once
    assert len(crm.applied) == 2 and len({e["id"] for e in crm.applied}) == 2
    assert state.cursor(loaded, "crm").failures == 2 and state.cursor(loaded, "crm").last_error == "HTTP 500"


@pytest.mark.store
def test_a_receiver_down_gets_dead_letters_in_order_and_a_replay_delivers_them(loaded: Graph) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/events"
    destination = crm_destination(url, kinds=["golden_changed", "identifiers_changed"])
    down = send(loaded, destination)  # nothing listens
    head = outbox.head(loaded)
    assert down.sent == 0 and down.cursor == head
    letters = state.dead_letters(loaded, "crm")
    assert [letter.seq for letter in letters] == [e.seq for e in outbox.after(loaded, 0)
                                                  if e.kind in destination.kinds]
    first_of_each: dict[str, state.DeadLetter] = {}
    for letter in letters:
        first_of_each.setdefault(letter.customer_id, letter)
    assert all(letter.attempts == 3 and "cannot reach" in letter.error for letter in first_of_each.values())
    assert all(letter.error.startswith("held") for letter in letters if letter not in first_of_each.values())
    found = status(loaded, Destinations(destinations=(destination,)))[0]
    assert (found.lag, found.dead_letters, found.failures) == (0, len(letters), 6)

    crm = Crm()
    with serving(crm, port):
        again = replay(loaded, destination, "urn:c360:test", sink_for(destination, ENVIRON), 1)
    assert again.revived == len(letters) and state.dead_letters(loaded, "crm") == []
    assert [int(e["id"]) for e in crm.applied] == [letter.seq for letter in letters]


@pytest.mark.store
def test_a_merge_and_a_split_let_the_crm_rekey_its_contacts(loaded: Graph) -> None:
    crm = Crm(records=holders(loaded))
    rules = deterministic()
    with serving(crm) as url:
        destination = crm_destination(url, kinds=["merged", "split", "golden_changed"])
        send(loaded, destination)
        record_decision(loaded, "shop:1", "shop:2", same=True, by="steward", why="one person", rules=rules)
        send(loaded, destination)
        merged = holders(loaded)
        assert len(set(merged.values())) == 1 and crm.records == merged
        assert set(crm.customers) == set(merged.values())

        record_decision(loaded, "shop:1", "shop:2", same=False, by="steward", why="two people", rules=rules)
        send(loaded, destination)
    split = holders(loaded)
    assert len(set(split.values())) == 2 and crm.records == split
    assert set(crm.customers) >= set(split.values())
    kinds = [e["type"] for e in crm.applied]
    assert kinds.count("c360.customer.merged") == 1 and kinds.count("c360.customer.split") == 1


@pytest.mark.store
def test_a_destination_is_not_sent_its_own_changes_back(loaded: Graph, tmp_path: Path) -> None:
    crm = Crm()
    warehouse = Destination.model_validate({"name": "warehouse", "kind": "jsonl", "directory": str(tmp_path / "wh"),
                                            "kinds": ["golden_changed"]})
    with serving(crm) as url:
        destination = crm_destination(url, kinds=["golden_changed"])
        destinations = Destinations(source="urn:c360:test", destinations=(destination, warehouse))
        deliver(loaded, destinations, ENVIRON)
        before = len(crm.applied)
        load(loaded, tmp_path / "crm", "crm", [ROWS[0].replace("06 12 34 56 78", "06 00 00 00 01")])
        resolve(loaded, deterministic())
        passes = deliver(loaded, destinations, ENVIRON)
    assert passes[0].skipped["echo"] >= 1 and len(crm.applied) == before
    lines = [json.loads(line) for f in sorted((tmp_path / "wh").iterdir()) for line in f.read_text().splitlines()]
    echoed = [e for e in lines if e["data"]["origin"] == "crm"]
    assert echoed and all(e["type"] == "c360.customer.golden_changed" for e in lines)
    assert [int(e["id"]) for e in lines] == sorted({int(e["id"]) for e in lines})
    assert all(p.stat().st_mode & 0o077 == 0 for p in (tmp_path / "wh", *(tmp_path / "wh").iterdir()))


@pytest.mark.store
def test_gates_send_only_customers_with_the_consent_but_every_erasure(loaded: Graph) -> None:
    from desk.consents import record_consent

    ids = {r["email"]: r["id"] for r in query(loaded, "MATCH (c:Customer) RETURN c.email AS email, c.id AS id")}
    jean, marie = ids["jean@x.com"], ids["marie@x.com"]
    record_consent(loaded, jean, "marketing", True, None, by="agent-7")
    crm = Crm()
    with serving(crm) as url:
        destination = crm_destination(url, kinds=["golden_changed", "erased"], gates={"consent": "marketing"})
        first = send(loaded, destination)
        loaded.transaction(lambda tx: outbox.append(tx, kind="erased", customer_id=marie))
        second = send(loaded, destination)
    assert first.skipped["gate"] == 1 and first.sent == 1
    assert second.sent == 1
    assert [(e["type"], e["subject"]) for e in crm.applied] == [
        ("c360.customer.golden_changed", jean), ("c360.customer.erased", marie)]


@pytest.mark.store
def test_a_customer_who_restricted_sync_is_not_sent_but_the_restriction_is(loaded: Graph) -> None:
    from privacy.restrictions import restrict

    jean = query(loaded, "MATCH (c:Customer {email: 'jean@x.com'}) RETURN c.id AS id")[0]["id"]
    restrict(loaded, jean, "sync", by="dpo", why="request 2026-118")
    loaded.transaction(lambda tx: outbox.append(tx, kind="restricted", customer_id=jean,
                                                payload={"restricted": True}))
    crm = Crm()
    with serving(crm) as url:
        done = send(loaded, crm_destination(url))
    assert done.skipped["restricted"] >= 2  # jean's values and identifiers
    sent = {(e["type"], e["subject"]) for e in crm.applied}
    assert ("c360.customer.restricted", jean) in sent
    assert not [t for t, s in sent if s == jean and t != "c360.customer.restricted"]
    assert len({s for _, s in sent}) == 2  # Marie's changes go as before
