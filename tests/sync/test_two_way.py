"""Two-way sync, end to end: a real c360 server and a real CRM server editing the same customers.

c360 runs as ``uvicorn`` serving ``api.app.create_app`` on the embedded store; the CRM is the stdlib server of
``tests.sync.receiver``, keeping its own table of contacts. Agents correct contacts through GraphQL; the CRM
edits its table and posts the rows to ``POST /ingest/crm`` with its source token; the change feed is delivered
to the CRM by ``sync.delivery``. The CRM is killed mid-run and restarted with the same table. At the end both
hold the same email and phone for everyone, every change the CRM should get was applied exactly once, and
none whose origin was the CRM was ever sent to it.

The conflict rule is checked on its own: a CRM edit and a desk edit of one email, in either order — the desk
(more trusted) wins, and a newer CRM value that lost is recorded in the change feed with its source.
"""

from __future__ import annotations

import json
import random
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import pipeline
from api.app import create_app
from api.auth import issue_token, signing_key
from desk.contact import RESOLVING, correct_contact
from graph import Graph, Settings, outbox
from loaders.batch import load_rows
from loaders.run import plan
from loaders.sources import mapping_of
from resolution import feed, resolve
from resolution.golden import ATTRIBUTES
from sync import state
from sync.delivery import deliver_to, replay, sink_for
from sync.destinations import Destination
from sync.messages import skip_reason
from tests.helpers import bearer, deterministic, query, uvicorn_serving, write_people
from tests.sync.receiver import SECRET, Crm, free_port, serving

pytestmark = pytest.mark.store

PEOPLE = [{"id": str(n), "first_name": first, "last_name": last, "email": f"{first.lower()}@crm.example",
           "phone": f"+336100000{n:02d}", "postcode": "75001", "city": "Paris", "country": "FR"}
          for n, (first, last) in enumerate([("Ann", "Lee"), ("Bruno", "Marchetti"), ("Chloe", "Dubois"),
                                             ("Dmitri", "Volkov"), ("Emma", "Schmidt")], start=1)]
SYNCED = ("email", "phone")
EDITS = 24
SOURCE = "urn:c360:two-way"
ENVIRON = {"CRM_SECRET": SECRET}
FAST = {"attempts": 2, "backoff_seconds": 0.01, "max_backoff_seconds": 0.02, "timeout_seconds": 5}
RESOLVED_WITHIN_S = 60.0
CORRECT = """mutation($id: ID!, $c: ContactCorrection!) {
  correctContact(customerId: $id, correction: $c) { customer { id email phone } } }"""


@pytest.fixture
def crm_loaded(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:
    """Five people loaded from the CRM's file (which registers the ``crm`` source) and resolved."""
    write_people(tmp_path / "sources", "crm", PEOPLE)
    pipeline.load(embedded_graph, plan([tmp_path / "sources"]), embedded_settings.home)
    pipeline.resolve(embedded_graph)
    return embedded_graph


def call(url: str, headers: dict[str, str], body: Any = None) -> Any:
    """A JSON request over real HTTP (GET without a body); the decoded answer. Anything but 200 fails."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={**headers, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status == 200
        return json.loads(answer.read())


def source_token(settings: Settings, source: str) -> dict[str, str]:
    token = issue_token(signing_key(settings), "source", f"system-{source}", timedelta(minutes=30), source=source)
    return {"Authorization": f"Bearer {token}"}


def holder(graph: Graph, key: str) -> str:
    return str(query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(:SourceRecord {key: $key}) RETURN c.id AS id",
                     key=key)[0]["id"])


def golden_of(graph: Graph, key: str) -> dict[str, Any]:
    [found] = query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(:SourceRecord {key: $key}) "
                           "RETURN c.email AS email, c.phone AS phone", key=key)
    return found


class TwoWay:
    """The two applications and what drives them: edits on either side, delivery, waiting for resolution."""

    def __init__(self, graph: Graph, settings: Settings, base: str, crm: Crm, port: int) -> None:
        self.graph, self.base, self.crm = graph, base, crm
        self.destination = Destination.model_validate({
            "name": "crm", "kind": "webhook", "url": f"http://127.0.0.1:{port}/events",
            "secret_env": "CRM_SECRET", "kinds": ["golden_changed", "merged", "split"], "fields": list(SYNCED),
            "retry": FAST})
        self.agent = bearer(settings, "agent", "agent-7")
        self.sender = source_token(settings, "crm")
        self.submitted = 0
        self.serial = 0

    def value(self, field: str, who: str, side: str) -> str:
        """A value never seen before: no two people ever share one, so nobody merges."""
        self.serial += 1
        return f"{who}.{side}{self.serial}@x.example" if field == "email" else f"+3362{self.serial:07d}"

    def desk_edit(self, record: str, field: str) -> None:
        value = self.value(field, record, "desk")
        answer = call(f"{self.base}/graphql", self.agent, {"query": CORRECT, "variables": {
            "id": holder(self.graph, f"crm:{record}"), "c": {field: value}}})
        assert not answer.get("errors"), answer
        assert answer["data"]["correctContact"]["customer"][field] == value

    def crm_edit(self, record: str, field: str) -> None:
        self.crm.contacts[record][field] = self.value(field, record, "crm")
        answer = call(f"{self.base}/ingest/crm", self.sender, {"rows": [self.crm.contacts[record]]})
        assert (answer["accepted"], answer["rejected"], answer["written"]) == (1, 0, 1), answer
        self.submitted = max(self.submitted, answer["resolution"]["sequence"])

    def resolved(self) -> None:
        deadline = time.monotonic() + RESOLVED_WITHIN_S
        while (now := call(f"{self.base}/ingest/status", self.sender))["resolved"] < self.submitted:
            assert time.monotonic() < deadline, f"not resolved in time: {now}"
            time.sleep(0.05)
        assert now["failures"] == 0

    def deliver(self) -> Any:
        return deliver_to(self.graph, self.destination, SOURCE, sink_for(self.destination, ENVIRON))

    def expected(self) -> set[str]:
        """The ids of every event in the outbox the CRM should get (no gates or restrictions here)."""
        return {str(e.seq) for e in outbox.after(self.graph, 0) if skip_reason(self.destination, e) is None}


def test_both_sides_edit_at_random_and_end_holding_the_same_values(crm_loaded: Graph,
                                                                   embedded_settings: Settings) -> None:
    graph, picks = crm_loaded, random.Random(2026)
    ids = [p["id"] for p in PEOPLE]
    crm = Crm(contacts={p["id"]: dict(p) for p in PEOPLE},
              records={f"crm:{p['id']}": holder(graph, f"crm:{p['id']}") for p in PEOPLE})
    port = free_port()
    with uvicorn_serving(create_app(embedded_settings)) as base:  # its micro-batches included
        two = TwoWay(graph, embedded_settings, base, crm, port)
        with serving(crm, port):
            for step in range(EDITS):
                side = picks.choice([two.desk_edit, two.crm_edit])
                side(picks.choice(ids), picks.choice(SYNCED))
                if step == EDITS // 3:
                    crm.fail = 1  # applied, but the answer is lost: it comes again and is not applied twice
                if picks.random() < 0.4:
                    two.resolved()
                    two.deliver()
            two.resolved()
            two.deliver()
        # the CRM is down: c360 goes on changing, and what it cannot send becomes dead letters
        for record in ids[:3]:
            two.desk_edit(record, "email")
        down = two.deliver()
        assert down.sent == 0 and down.dead >= 3
        with serving(crm, port):  # back, with the table it had
            for record in ids[2:]:
                two.crm_edit(record, picks.choice(SYNCED))
                two.desk_edit(record, picks.choice(SYNCED))
            two.resolved()
            after = two.deliver()
            letters = state.dead_letters(graph, "crm")
            again = replay(graph, two.destination, SOURCE, sink_for(two.destination, ENVIRON), letters[0].seq)
            assert crm.contacts[ids[0]]["email"] == golden_of(graph, f"crm:{ids[0]}")["email"]
            # the CRM edits a field whose value came from the desk: newer, but it loses on trust, and is told
            two.crm_edit(ids[0], "email")
            two.resolved()
            two.deliver()
    assert after.dead >= 1  # the customers with dead letters were held behind them
    assert again.revived == len(letters) and state.dead_letters(graph, "crm") == []
    assert state.cursor(graph, "crm").seq == outbox.head(graph)

    for record in ids:  # both applications hold the same values
        assert {f: crm.contacts[record][f] for f in SYNCED} == golden_of(graph, f"crm:{record}"), record
    expected = two.expected()
    assert set(crm.applications) == expected  # none missing, none extra
    assert set(crm.applications.values()) == {1}  # none applied twice...
    assert max(crm.received.values()) >= 2  # ...though some arrived more than once
    assert crm.echoes == 0 and crm.bad_signatures == 0
    crm_origin = [e for e in outbox.after(graph, 0) if e.origin == "crm" and e.kind == "golden_changed"]
    assert crm_origin and not {str(e.seq) for e in crm_origin} & set(crm.received)
    told = [e for e in crm.applied if any("lost" in c for c in e["data"].get("changes", {}).values())]
    assert told and all(e["data"]["origin"] == "service-desk" for e in told)


def _golden_changes(graph: Graph, start: int, customer_id: str) -> list[outbox.ChangeEvent]:
    return [e for e in outbox.after(graph, start) if e.kind == "golden_changed" and e.customer_id == customer_id]


@pytest.mark.parametrize("crm_last", [True, False], ids=["crm-after-desk", "desk-after-crm"])
def test_a_crm_edit_and_a_desk_edit_of_one_email_race_and_trust_decides(crm_loaded: Graph,
                                                                       embedded_settings: Settings,
                                                                       crm_last: bool) -> None:
    """The documented rule, source trust then time: the desk's value wins whichever came last; a newer CRM
    value that lost is recorded (value, source, time) in the ``golden_changed`` event, kept value restated."""
    graph, rules = crm_loaded, deterministic()
    mapping = mapping_of(embedded_settings.home, "crm")
    assert mapping is not None
    customer = holder(graph, "crm:1")
    start = outbox.head(graph)

    def crm_edit() -> None:
        load_rows(graph, [{**PEOPLE[0], "email": "ann.crm@crm.example"}], mapping, embedded_settings.home,
                  "POST /ingest/crm")
        resolve(graph, rules, seeds=["crm:1"])

    def desk_edit() -> None:
        correct_contact(graph, rules, customer, {"email": "ann.desk@desk.example"}, by="agent-7")

    for edit in ([desk_edit, crm_edit] if crm_last else [crm_edit, desk_edit]):
        edit()
    assert golden_of(graph, "crm:1")["email"] == "ann.desk@desk.example"
    changes = [e.payload["changes"]["email"] for e in _golden_changes(graph, start, customer)
               if "email" in e.payload["changes"]]
    lost = [entry for change in changes for entry in change.get("lost", [])]
    if crm_last:  # the CRM's value is newer and lost on trust alone: recorded, and the desk's value restated
        assert changes[-1]["old"] == changes[-1]["new"] == "ann.desk@desk.example"
        assert [(entry["value"], entry["source"]) for entry in lost] == [("ann.crm@crm.example", "crm")]
        loaded = query(graph, "MATCH (r:SourceRecord {key: 'crm:1'}) RETURN r.loaded_at AS at")[0]["at"]
        assert lost[0]["at"] == loaded.isoformat()
        [told] = [e for e in _golden_changes(graph, start, customer) if "lost" in e.payload["changes"]["email"]]
        assert told.origin == "service-desk"  # so the CRM, whose value lost, is sent it (no-echo aside)
    else:  # the desk came last: it wins on time as well, nothing lost on trust; the CRM's value is the old one
        assert changes[-1] == {"old": "ann.crm@crm.example", "new": "ann.desk@desk.example"}
        assert lost == []
    told_until = outbox.head(graph)
    resolve(graph, rules, seeds=["crm:1"])  # a loss is told once, not at every later resolution
    assert _golden_changes(graph, told_until, customer) == []


def test_simultaneous_edits_of_one_email_leave_the_desk_s_value_and_record_a_newer_loser(
        crm_loaded: Graph, embedded_settings: Settings) -> None:
    """Both edits at once, in threads (a CRM post resolving as the server's micro-batches do, under the same
    lock as the desk): whatever the interleaving, the desk's value stands, and the CRM's is recorded as lost
    exactly when its record is the newer one. The CRM's post starts a little later each round, so both
    orders of the records' times occur while the two resolutions overlap."""
    graph, rules = crm_loaded, deterministic()
    mapping = mapping_of(embedded_settings.home, "crm")
    assert mapping is not None
    for person, delay in zip(PEOPLE[:3], (0.0, 0.3, 0.8), strict=True):
        key, customer, start = f"crm:{person['id']}", holder(graph, f"crm:{person['id']}"), outbox.head(graph)
        crm_value, desk_value = f"{person['id']}.crm@crm.example", f"{person['id']}.desk@desk.example"

        def crm_edit(person: dict[str, str] = person, key: str = key, crm_value: str = crm_value,
                     delay: float = delay) -> None:
            time.sleep(delay)
            load_rows(graph, [{**person, "email": crm_value}], mapping, embedded_settings.home, "POST /ingest/crm")
            with RESOLVING:
                resolve(graph, rules, seeds=[key])

        def desk_edit(customer: str = customer, desk_value: str = desk_value) -> None:
            correct_contact(graph, rules, customer, {"email": desk_value}, by="agent-7")

        with ThreadPoolExecutor(2) as both:
            for done in [both.submit(crm_edit), both.submit(desk_edit)]:
                done.result()
        assert golden_of(graph, key)["email"] == desk_value
        at = {r["source"]: r["at"] for r in query(
            graph, "MATCH (:Customer)-[:HAS_RECORD]->(r:SourceRecord) WHERE r.key IN $keys "
                   "RETURN r.source AS source, r.loaded_at AS at", keys=[key, f"service-desk:{customer}"])}
        lost = [entry for e in _golden_changes(graph, start, customer)
                for entry in e.payload["changes"].get("email", {}).get("lost", [])]
        newer = at["crm"] > at["service-desk"]
        assert lost == ([{"value": crm_value, "source": "crm", "at": at["crm"].isoformat()}] if newer else [])


def _at(minute: int) -> datetime:
    return datetime(2026, 12, 2, 10, minute, tzinfo=UTC)


def _states(*records: tuple[str, int, str], created: bool = False) -> tuple[feed.State, feed.State]:
    """Customer C1 kept its desk email (the desk's record loaded at minute 1) over ``records`` (key, minute
    loaded, email), before and after a resolution at minute 9 that last decided its values at minute 5."""
    rows: list[dict[str, Any]] = [
        {**dict.fromkeys(ATTRIBUTES), "id": "C1", "key": key, "source": key.partition(":")[0],
         "loaded_at": _at(minute), "email": email}
        for key, minute, email in [("service-desk:C1", 1, "d@x.fr"), *records]]
    golden = {"email": "d@x.fr", "value_sources": ["email=service-desk:C1"]}
    before = feed.State(golden={} if created else {"C1": {**golden, "updated_at": _at(5)}})
    after = feed.State(golden={"C1": {**golden, "updated_at": _at(9)}}, records={"C1": rows},
                       source={str(r["key"]): str(r["source"]) for r in rows})
    return before, after


def test_only_a_newer_value_loaded_since_the_last_decision_is_recorded_as_lost() -> None:
    [told] = feed.events(*_states(("crm:1", 6, "c@x.fr"), ("crm:2", 3, "old@x.fr"), ("webshop:3", 7, "d@x.fr")))
    assert (told.kind, told.origin) == ("golden_changed", "service-desk")
    assert told.payload["changes"] == {"email": {"old": "d@x.fr", "new": "d@x.fr", "lost": [
        {"value": "c@x.fr", "source": "crm", "at": _at(6).isoformat()}]}}  # not the older one, nor the same value
    assert feed.events(*_states(("crm:1", 4, "c@x.fr"))) == []  # told by the resolution that first saw it
    created = feed.events(*_states(("crm:1", 6, "c@x.fr"), created=True))
    assert [e.payload["changes"]["email"] for e in created] == [{"old": None, "new": "d@x.fr"}]
