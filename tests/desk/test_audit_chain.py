"""Concurrent service-desk changes of one customer keep an audit trail that is a chain.

Each event's ``before`` is the previous event's ``after`` and the newest event's ``after`` is what the store
holds, whatever the interleaving: two server processes, a resolution run beside them, threads in one process.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from desk.changes import golden_values, lock_customer
from desk.consents import record_consent
from desk.contact import correct_contact as desk_correct_contact
from desk.tickets import annotate_ticket, open_ticket
from graph import Graph, Settings
from graph.database import Transaction
from loaders.run import load_file, plan
from pipeline import correct_contact
from resolution import resolve
from resolution.rules import default_rules
from tests.helpers import bearer, c360, query, write_source

pytestmark = pytest.mark.store

CORRECTIONS = 20
CORRECT = """mutation($id: ID!, $c: ContactCorrection!) {
  correctContact(customerId: $id, correction: $c) { key auditId } }"""
HISTORY = """query($id: ID!) { customer(id: $id) { email phone changes { id kind at before after } } }"""


@pytest.fixture
def jean(embedded_graph: Graph, tmp_path: Path) -> str:
    """A few customers loaded and resolved; the id of the one whose contact is corrected."""
    write_source(tmp_path / "sources", "crm", ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
                                               "2,Marie,Curie,marie@x.com,06 98 76 54 32,FR,75005,CN2",
                                               "3,Paul,Martin,paul@x.com,07 11 22 33 44,FR,69001,CN3"])
    for path, mapping in plan([tmp_path / "sources"]):
        load_file(embedded_graph, path, mapping, tmp_path)
    resolve(embedded_graph)
    found = query(embedded_graph, "MATCH (c:Customer {email: 'jean@x.com'}) RETURN c.id AS id")
    return str(found[0]["id"])


def correction(n: int) -> dict[str, str]:
    """Distinct new values: an email, a phone, or both, in turn."""
    email, phone = f"jean.{n}@new.fr", f"06 11 22 {n // 100:02d} {n % 100:02d}"
    return [{"email": email}, {"phone": phone}, {"email": email, "phone": phone}][n % 3]


def assert_chain(events: list[dict[str, Any]], field: str, first: Any, stored: Any) -> None:
    """Oldest first, the events changing ``field``: a chain from ``first`` whose last ``after`` is ``stored``."""
    changing = [e for e in events if field in e["after"]]
    assert changing, f"no event changes {field}"
    values = [first] + [e["after"][field] for e in changing]
    assert [e["before"][field] for e in changing] == values[:-1], f"{field}: not a chain"
    assert values[-1] == stored, f"{field}: the newest event's after is not the stored value"


def oldest_first(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    times = [e["at"] for e in events]
    assert len(set(times)) == len(times), "two events at one instant: no order"
    return sorted(events, key=lambda e: e["at"])


# -- two server processes and a resolution run ------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _post(url: str, headers: dict[str, str], document: str, **variables: Any) -> dict[str, Any]:
    body = json.dumps({"query": document, "variables": variables}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())  # type: ignore[no-any-return]


def _environment(settings: Settings) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | {"C360_HOME": str(settings.home)}


@contextmanager
def serving(settings: Settings, workers: int, log: Path) -> Iterator[str]:
    """``c360 serve --workers N`` in its own process group on the test's store; the GraphQL URL once ready."""
    port = _free_port()
    with open(log, "wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "cli", "serve", "--workers", str(workers), "--port",
                                   str(port)], env=_environment(settings), stdout=output, stderr=output,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError):
                pass
            assert time.monotonic() < deadline, "the server did not get ready"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)


def test_concurrent_corrections_through_two_workers_and_a_resolution_run_are_a_chain(
        jean: str, embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    headers = bearer(embedded_settings, "agent", "agent-7")
    done = threading.Event()
    runs: list[subprocess.CompletedProcess[str]] = []

    def resolving() -> None:  # `c360 resolve` runs beside the corrections, again and again until they end
        while not done.is_set() or not runs:
            runs.append(c360("resolve", home=embedded_settings.home))

    with serving(embedded_settings, workers=2, log=tmp_path / "serve.log") as url:
        start = threading.Barrier(CORRECTIONS)

        def correct(n: int) -> dict[str, Any]:
            start.wait()
            return _post(url, headers, CORRECT, id=jean, c=correction(n))

        resolver = threading.Thread(target=resolving)
        resolver.start()
        try:
            with ThreadPoolExecutor(CORRECTIONS) as pool:
                answers = list(pool.map(correct, range(CORRECTIONS)))
        finally:
            done.set()
            resolver.join()
        assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
        assert [a.get("errors") for a in answers] == [None] * CORRECTIONS, (tmp_path / "serve.log").read_text()
        history = _post(url, headers, HISTORY, id=jean)["data"]["customer"]

    audit_ids = {a["data"]["correctContact"]["auditId"] for a in answers}
    newest_first = history["changes"]
    assert {e["id"] for e in newest_first} == audit_ids and len(newest_first) == CORRECTIONS  # none lost, none twice
    events = oldest_first([{**e, "at": datetime.fromisoformat(e["at"])} for e in newest_first])
    assert [e["id"] for e in events] == [e["id"] for e in newest_first[::-1]], "the history is not newest first"
    [desk] = query(embedded_graph, "MATCH (r:SourceRecord {source: 'service-desk'}) "
                   "RETURN r.key AS key, r.email AS email, r.phone AS phone, COUNT { (r)-[:SAME_AS]-() } AS ties")
    assert (desk["key"], desk["ties"]) == (f"service-desk:{jean}", 1)  # one desk record, tied once
    for field, first in (("email", "jean@x.com"), ("phone", "+33612345678")):
        assert_chain(events, field, first, desk[field])
        assert history[field] == desk[field], f"{field}: the profile does not show the newest correction"


# -- threads in one process ------------------------------------------------------------------------------
def _events(graph: Graph, customer_id: str, kind: str) -> list[dict[str, Any]]:
    rows = query(graph, "MATCH (e:AuditEvent {customer: $id, kind: $kind}) RETURN properties(e) AS e",
                 id=customer_id, kind=kind)
    return oldest_first([{**r["e"], "before": json.loads(r["e"]["before"]), "after": json.loads(r["e"]["after"])}
                         for r in rows])


def _together(count: int, change: Callable[[int], object]) -> None:
    """``count`` changes from as many threads, released at once."""
    start = threading.Barrier(count)

    def one(n: int) -> object:
        start.wait()
        return change(n)

    with ThreadPoolExecutor(count) as pool:
        list(pool.map(one, range(count)))


def test_concurrent_corrections_in_one_process_are_a_chain(jean: str, embedded_graph: Graph) -> None:
    rules = default_rules()
    _together(8, lambda n: correct_contact(embedded_graph, rules, jean, correction(n), "agent-7"))
    events = _events(embedded_graph, jean, "correct_contact")
    assert len(events) == 8
    stored = query(embedded_graph, "MATCH (c:Customer {id: $id})-[:HAS_RECORD]->(r:SourceRecord {source: "
                   "'service-desk'}) RETURN r.email AS email, r.phone AS phone, c.email AS golden_email, "
                   "c.phone AS golden_phone", id=jean)[0]
    for field, first in (("email", "jean@x.com"), ("phone", "+33612345678")):
        assert_chain(events, field, first, stored[field])
        assert stored[f"golden_{field}"] == stored[field]


def test_concurrent_consent_changes_are_a_chain(jean: str, embedded_graph: Graph) -> None:
    _together(8, lambda n: record_consent(embedded_graph, jean, "marketing_email", n % 2 == 0, None, "agent-7"))
    events = _events(embedded_graph, jean, "record_consent")
    assert len(events) == 8
    [current] = embedded_graph.read("desk_consent", id=jean, purpose="marketing", channel="email")
    assert_chain(events, "granted", None, current["granted"])


def test_concurrent_notes_on_a_ticket_are_a_chain(jean: str, embedded_graph: Graph) -> None:
    ticket = open_ticket(embedded_graph, jean, "Parcel never arrived", None, "agent-7").key
    statuses = ["pending", "open", "closed", "open"]
    _together(8, lambda n: annotate_ticket(embedded_graph, ticket, f"note {n}", statuses[n % 4], "agent-7"))
    events = _events(embedded_graph, jean, "annotate_ticket")
    assert len(events) == 8
    stored = query(embedded_graph, "MATCH (t:Ticket {key: $key}) RETURN t.status AS status", key=ticket)[0]["status"]
    assert_chain(events, "status", "open", stored)


def test_on_the_embedded_store_a_change_overtaken_by_another_is_replayed_and_reads_again(
        jean: str, embedded_graph: Graph) -> None:
    """The embedded store is optimistic: the lock does not make the other change wait, it makes the later
    commit fail (a transient error), and the driver replays the whole unit, which reads ``before`` again."""
    seen: list[str] = []

    def work(tx: Transaction) -> None:
        lock_customer(tx, jean)
        seen.append(golden_values(tx, jean)["email"])
        if len(seen) == 1:  # another server's correction commits while this transaction is open
            other = threading.Thread(target=desk_correct_contact,
                                     args=(embedded_graph, default_rules(), jean, {"email": "x@new.fr"}, "other"))
            other.start()
            other.join()

    embedded_graph.transaction(work)
    assert seen == ["jean@x.com", "x@new.fr"]
