"""Every source kind, from CSV, JSONL and XLSX, on a real store: validated, linked, idempotent, re-runnable."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from graph import Graph
from loaders.run import LoadSummary, load_file, plan
from tests.helpers import query

pytestmark = pytest.mark.store

LINEAGE = {"load_run", "loaded_at", "first_seen", "last_seen", "line"}


def snapshot(graph: Graph) -> tuple[list[str], list[str]]:
    """Every node and relationship with its properties, minus per-run lineage and run nodes."""
    nodes, _, _ = graph.driver.execute_query(
        "MATCH (n) WHERE NOT n:LoadRun AND NOT n:ResolutionRun AND NOT n:LocateRun AND NOT n:ScoreRun "
        "RETURN labels(n) AS l, properties(n) AS p",
        database_=graph.database)
    rels, _, _ = graph.driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN coalesce(a.key, a.name) AS a, type(r) AS t, coalesce(b.key, b.name) AS b, "
        "properties(r) AS p", database_=graph.database)
    def clean(props: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((k, repr(v)) for k, v in props.items() if k not in LINEAGE)
    return (sorted(repr((sorted(r["l"]), clean(r["p"]))) for r in nodes),
            sorted(repr((r["a"], r["t"], r["b"], clean(r["p"]))) for r in rels))


def load_dir(graph: Graph, directory: Path) -> dict[str, LoadSummary]:
    return {m.source.name: load_file(graph, p, m, directory / "home") for p, m in plan([directory])}


def write_sources(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Stores"
    sheet.append(["Store ID", "Name", "Postcode", "City", "Country", "Lat", "Lon", "Website"])
    sheet.append(["S001", "Lille Centre", "59000", "Lille", "FR", 50.63, 3.06, '=HYPERLINK("https://x/s1","site")'])
    sheet.append(["S002", "Gent", 9000, "Gent", "BE", 51.05, 3.72, "https://x/s2"])
    sheet.append(["S003", "Nowhere", "1", "X", "FR", 95.0, 3.0, None])  # latitude out of range: dropped
    book.save(directory / "stores.xlsx")
    (directory / "stores.toml").write_text('[source]\nname = "stores"\nkind = "stores"\nid = "Store ID"\n'
                                           'sheet = "Stores"\n[columns]\nname = "Name"\npostcode = "Postcode"\n'
                                           'city = "City"\ncountry = "Country"\nlatitude = "Lat"\n'
                                           'longitude = "Lon"\n')
    (directory / "crm.csv").write_text("id,first,last,email,card\n1,Jean,Dupont,jean@x.com,L1\n"
                                       "2,Ann,Lee,ann@x.com,L2\n")
    (directory / "crm.toml").write_text('[source]\nname = "crm"\nkind = "customers"\nid = "id"\n[columns]\n'
                                        'first_name = "first"\nlast_name = "last"\nemail = "email"\n'
                                        'loyalty_card = "card"\n')
    (directory / "till.csv").write_text(
        "txn,ts,amount,cur,store,card,email\n"
        "T1,2024-03-01T10:00:00+01:00,12.50,EUR,S001,L1,\n"
        "T2,2024-03-02T11:00:00+01:00,7.00,eur,S999,,ann@x.com\n"  # unknown store: placeholder
        "T3,2024-03-03T12:00:00+01:00,abc,EUR,S001,L1,\n"  # bad amount: rejected
        "T4,2024-03-04T12:00:00+01:00,3.20,EU,S002,L2,\n")  # bad currency: rejected
    (directory / "till.toml").write_text('[source]\nname = "till"\nkind = "transactions"\nid = "txn"\n[columns]\n'
                                         'at = "ts"\namount = "amount"\ncurrency = "cur"\nstore = "store"\n'
                                         'loyalty_card = "card"\nemail = "email"\n')
    events = [
        {"id": "E1", "ts": "2024-03-01T10:00:00+00:00", "cookie": "ck1", "device": "D1", "url": "/", "login": None},
        {"id": "E2", "ts": "2024-03-01T10:10:00+00:00", "cookie": "ck1", "device": "D1", "url": "/cart",
         "login": "Jean@X.com"},
        {"id": "E3", "ts": "2024-03-01T12:00:00+00:00", "cookie": "ck1", "device": "D1", "url": "/", "login": None},
        {"id": "E4", "ts": "2024-03-01T12:05:00+00:00", "cookie": "ck2", "device": "D2", "url": "/p/1", "login": None},
        {"id": "E5", "ts": "not a time", "cookie": "ck2", "device": "D2", "url": "/", "login": None},
    ]
    (directory / "web.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    (directory / "web.toml").write_text('[source]\nname = "web"\nkind = "web_events"\nid = "id"\n[columns]\n'
                                        'at = "ts"\ncookie = "cookie"\ndevice = "device"\npage = "url"\n'
                                        'email = "login"\n')
    (directory / "desk.csv").write_text("case;opened;status;subject;mail\n"
                                        "K1;05/03/2024 09:30;open;Colis non reçu;jean@x.com\n"
                                        "K2;31/02/2024 09:30;open;Bad date;ann@x.com\n")
    (directory / "desk.toml").write_text('[source]\nname = "desk"\nkind = "tickets"\nid = "case"\n'
                                         'timestamp_format = "%d/%m/%Y %H:%M"\ntimezone = "Europe/Paris"\n'
                                         '[columns]\nopened_at = "opened"\nstatus = "status"\n'
                                         'subject = "subject"\nemail = "mail"\n')
    (directory / "consents.csv").write_text("cid,email,purpose,status,ts\n"
                                            "C1,jean@x.com,marketing_email,granted,2024-01-01T00:00:00Z\n"
                                            "C2,jean@x.com,marketing_email,withdrawn,2024-02-01T00:00:00Z\n"
                                            "C3,,marketing_email,granted,2024-02-01T00:00:00Z\n")
    (directory / "consents.toml").write_text('[source]\nname = "consents"\nkind = "consents"\nid = "cid"\n'
                                             '[columns]\nemail = "email"\npurpose = "purpose"\n'
                                             'granted = "status"\nat = "ts"\n')
    return directory


@pytest.fixture
def loaded(graph: Graph, tmp_path: Path) -> tuple[Graph, Path, dict[str, LoadSummary]]:
    directory = write_sources(tmp_path / "sources")
    return graph, directory, load_dir(graph, directory)


def test_files_load_in_dependency_order() -> None:
    directory = write_sources(Path(__import__("tempfile").mkdtemp()))
    assert [m.source.kind for _, m in plan([directory])] == [
        "stores", "customers", "transactions", "web_events", "tickets", "consents"]


def test_counts_balance_per_file(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    _, _, summaries = loaded
    for summary in summaries.values():
        assert summary.read == summary.accepted + summary.rejected
    assert (summaries["till"].accepted, summaries["till"].rejected) == (2, 2)
    assert (summaries["web"].accepted, summaries["web"].rejected, summaries["web"].written) == (4, 1, 3)
    assert (summaries["desk"].accepted, summaries["desk"].rejected) == (1, 1)
    assert (summaries["consents"].accepted, summaries["consents"].rejected) == (2, 1)
    dropped = [json.loads(line) for line in Path(summaries["stores"].reject_file or "").read_text().splitlines()]
    assert [(d["line"], d["field"], d["action"]) for d in dropped] == [
        (4, "postcode", "value_dropped"), (4, "latitude", "value_dropped")]


def test_every_loaded_node_carries_its_lineage(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, _, summaries = loaded
    rows = query(graph, "MATCH (n) WHERE n:SourceRecord OR n:Store OR n:Transaction OR n:WebSession "
                        "OR n:Ticket OR n:ConsentEvent RETURN labels(n) AS labels, n.source AS source, "
                        "n.key AS key, n.load_run AS run, n.loaded_at AS at, n.hash AS hash")
    runs = {s.run_id for s in summaries.values()}
    written = [r for r in rows if r["labels"] != ["Store"] or r["source"]]  # placeholders come from no file
    assert len(written) >= 12
    for row in written:
        assert row["source"] and row["key"] and row["run"] in runs and row["hash"], row
        assert row["at"].tzinfo is not None


def test_load_runs_are_recorded_in_the_graph(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, _, summaries = loaded
    runs = query(graph, "MATCH (l:LoadRun) RETURN l.run_id AS id, l.source AS source, l.kind AS kind, "
                        "l.status AS status, l.read AS read, l.accepted AS accepted, l.rejected AS rejected, "
                        "l.seconds AS seconds, l.finished_at AS finished")
    assert {r["source"]: r["kind"] for r in runs} == {s.source: s.kind for s in summaries.values()}
    for run in runs:
        assert run["status"] == "completed" and run["read"] == run["accepted"] + run["rejected"]
        assert run["seconds"] > 0 and run["finished"] is not None


def test_rejects_name_file_line_field_and_reason(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    _, directory, summaries = loaded
    till = [json.loads(line) for line in Path(summaries["till"].reject_file or "").read_text().splitlines()]
    assert [(r["line"], r["field"], r["value"]) for r in till] == [(4, "amount", "abc"), (5, "currency", "EU")]
    assert till[0]["file"] == str(directory / "till.csv") and "amount" in till[0]["reason"]
    consents = Path(summaries["consents"].reject_file or "").read_text()
    assert "a consent needs an email, phone or customer number" in consents


def test_stores_from_xlsx_keep_formulas_as_text(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, _, _ = loaded
    rows = query(graph, "MATCH (s:Store) RETURN s.key AS key, s.postcode AS postcode, s.attr_website AS site, "
                        "s.location AS location, s.placeholder AS placeholder ORDER BY key")
    by_key = {r["key"]: r for r in rows}
    assert by_key["S001"]["site"] == '=HYPERLINK("https://x/s1","site")'
    assert by_key["S001"]["location"].latitude == pytest.approx(50.63)
    assert by_key["S002"]["postcode"] == "9000"  # a number cell read back as text
    assert by_key["S003"]["location"] is None
    assert by_key["S999"]["placeholder"] is True  # met in a transaction, not in the store list


def test_transactions_link_identifiers_and_stores(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, _, _ = loaded
    rows = query(graph, "MATCH (t:Transaction)-[:BY]->(i:Identifier) MATCH (t)-[:AT]->(s:Store) "
                        "RETURN t.key AS t, i.key AS i, s.key AS s, t.amount AS amount, t.amount_minor AS minor, "
                        "t.currency AS currency ORDER BY t")
    assert [(r["t"], r["i"], r["s"]) for r in rows] == [
        ("till:T1", "loyalty_card:L1", "S001"), ("till:T2", "email:ann@x.com", "S999")]
    assert (rows[0]["amount"], rows[0]["minor"], rows[1]["currency"]) == (12.5, 1250, "EUR")


def test_web_events_become_sessions_with_devices_and_logins(
        loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, _, _ = loaded
    sessions = query(graph, "MATCH (w:WebSession)-[:FROM]->(c:Identifier) RETURN c.value AS cookie, "
                            "w.page_views AS views, w.pages AS pages ORDER BY cookie, w.started_at")
    assert [(s["cookie"], s["views"]) for s in sessions] == [("ck1", 2), ("ck1", 1), ("ck2", 1)]
    assert sessions[0]["pages"] == ["/", "/cart"]
    logins = query(graph, "MATCH (w:WebSession)-[l:LOGGED_IN_AS]->(i) RETURN i.key AS login, l.events AS n")
    assert logins == [{"login": "email:jean@x.com", "n": 1}]
    devices = query(graph, "MATCH (c:Identifier {type: 'cookie'})-[:SEEN_ON]->(d) RETURN c.value AS c, "
                           "d.key AS d ORDER BY c")
    assert devices == [{"c": "ck1", "d": "device:D1"}, {"c": "ck2", "d": "device:D2"}]


def test_tickets_read_declared_format_and_zone(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, _, _ = loaded
    [ticket] = query(graph, "MATCH (t:Ticket)-[:RAISED_BY]->(i) RETURN t.opened_at AS at, t.subject AS s, "
                            "i.key AS i")
    assert ticket["at"] == datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    assert (ticket["s"], ticket["i"]) == ("Colis non reçu", "email:jean@x.com")


def test_consent_history_is_kept(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, _, _ = loaded
    history = query(graph, "MATCH (e:ConsentEvent)-[:ABOUT]->(p:Purpose) MATCH (e)-[:FOR]->(i) RETURN p.name AS "
                           "purpose, e.channel AS channel, e.granted AS granted, i.key AS who ORDER BY e.at")
    jean = {"purpose": "marketing", "channel": "email", "who": "email:jean@x.com"}  # from "marketing_email"
    assert history == [jean | {"granted": True}, jean | {"granted": False}]


def test_reloading_every_kind_changes_nothing(loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, directory, _ = loaded
    before = snapshot(graph)
    again = load_dir(graph, directory)
    assert snapshot(graph) == before
    assert again["web"].skipped_old == 4 and again["web"].written == 0  # the watermark skips what is loaded


def test_later_web_events_append_after_the_watermark(
        loaded: tuple[Graph, Path, dict[str, LoadSummary]]) -> None:
    graph, directory, _ = loaded
    with open(directory / "web.jsonl", "a") as events:
        events.write(json.dumps({"id": "E6", "ts": "2024-03-02T09:00:00+00:00", "cookie": "ck2", "device": "D2",
                                 "url": "/again", "login": None}) + "\n")
    summary = load_file(graph, directory / "web.jsonl", plan([directory / "web.jsonl"])[0][1], directory)
    assert (summary.skipped_old, summary.accepted, summary.written) == (4, 5, 1)
    assert query(graph, "MATCH (w:WebSession) RETURN count(w) AS n") == [{"n": 4}]


def test_concurrent_loads_neither_fail_nor_duplicate(graph: Graph, tmp_path: Path) -> None:
    """Two files sharing identifiers, loaded at once: the embedded store's MERGE conflicts are retried."""
    for name in ("a", "b"):
        rows = "".join(f"{name}{i},P,Q,shared{i}@x.com,\n" for i in range(3000))
        (tmp_path / f"{name}.csv").write_text("id,first,last,email,card\n" + rows)
        (tmp_path / f"{name}.toml").write_text(f'[source]\nname = "{name}"\nkind = "customers"\nid = "id"\n'
                                               '[columns]\nemail = "email"\n')
    errors: list[BaseException] = []

    def load(name: str) -> None:
        try:
            load_file(graph, tmp_path / f"{name}.csv", plan([tmp_path / f"{name}.csv"])[0][1], tmp_path)
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=load, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert query(graph, "MATCH (i:Identifier) RETURN count(i) AS n, count(DISTINCT i.key) AS d") == [
        {"n": 3000, "d": 3000}]
    assert query(graph, "MATCH (:SourceRecord)-[h:HAS_IDENTIFIER]->() RETURN count(h) AS n") == [{"n": 6000}]


def test_a_10_mb_field_is_kept(graph: Graph, tmp_path: Path) -> None:
    notes = "x" * (10 * 1024 * 1024)
    (tmp_path / "crm.csv").write_text(f"id,email,notes\n1,a@x.com,{notes}\n2,b@x.com,short\n")
    (tmp_path / "crm.toml").write_text('[source]\nname = "crm"\nkind = "customers"\nid = "id"\n'
                                       '[columns]\nemail = "email"\n')
    summary = load_file(graph, tmp_path / "crm.csv", plan([tmp_path / "crm.csv"])[0][1], tmp_path)
    assert (summary.accepted, summary.rejected) == (2, 0)
    assert query(graph, "MATCH (r:SourceRecord {key: 'crm:1'}) RETURN size(r.attr_notes) AS n") == [
        {"n": len(notes)}]


def test_killed_load_then_rerun_equals_one_clean_run(embedded_graph: Graph, embedded_settings: Any,
                                                       tmp_path: Path) -> None:
    """SIGKILL a real `c360 load` mid-way, load again: the graph is exactly that of one clean load."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import clear
    from tests.helpers import HEADER, write_source

    graph = embedded_graph
    lines = [f"{i},Jean,Dupont{i % 500},p{i % 4000}@x.com,,FR,75001,CN{i % 3000}" for i in range(12_000)]
    write_source(tmp_path / "data", "crm", lines, header=HEADER)
    command = [sys.executable, "-m", "cli", "load", str(tmp_path / "data"), "--quiet"]
    environment = {"C360_HOME": str(embedded_settings.home), "PATH": "/usr/bin:/bin"}

    loader = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        loaded = query(graph, "MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"]
        if loaded >= 2000:
            break
        time.sleep(0.05)
    assert loader.poll() is None, "the load finished before it could be interrupted"
    loader.send_signal(signal.SIGKILL)
    loader.wait()
    interrupted = query(graph, "MATCH (r:SourceRecord) RETURN count(r) AS n")[0]["n"]
    assert 0 < interrupted < 12_000
    assert query(graph, "MATCH (l:LoadRun) RETURN l.status AS s") == [{"s": "running"}]

    rerun = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stderr
    after_crash = snapshot(graph)

    clear(graph)
    clean = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert clean.returncode == 0, clean.stderr
    assert snapshot(graph) == after_crash
    assert len(after_crash[0]) == 12_000 + 4000 + 3000  # records, emails, customer numbers


@pytest.mark.parametrize("kind", ["customers", "transactions", "tickets"])
def test_csv_jsonl_and_xlsx_give_the_same_records(graph: Graph, tmp_path: Path, kind: str) -> None:
    """The same rows in the three formats load to identical nodes (but for their source name)."""
    header, rows, columns = {
        "customers": (["id", "first", "email", "born"], [["1", "JEAN", "Jean@X.com", "1980-02-01"],
                                                         ["2", "Ann", "not-an-email", "1990-12-31"]],
                      'first_name = "first"\nemail = "email"\nbirth_date = "born"\n'),
        "transactions": (["id", "ts", "amount", "cur"], [["T1", "2024-03-01T10:00:00+01:00", "12.50", "EUR"],
                                                         ["T2", "2024-03-02T10:00:00+01:00", "3", "USD"]],
                         'at = "ts"\namount = "amount"\ncurrency = "cur"\n'),
        "tickets": (["id", "opened", "subject"], [["K1", "2024-03-01T10:00:00+00:00", "Où est mon colis ?"]],
                    'opened_at = "opened"\nsubject = "subject"\n'),
    }[kind]
    (tmp_path / "in_csv.csv").write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n")
    (tmp_path / "in_jsonl.jsonl").write_text("".join(json.dumps(dict(zip(header, r, strict=True))) + "\n"
                                                     for r in rows))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [header, *rows]:
        sheet.append(row)
    book.save(tmp_path / "in_xlsx.xlsx")
    for name in ("in_csv", "in_jsonl", "in_xlsx"):
        (tmp_path / f"{name}.toml").write_text(f'[source]\nname = "{name.replace("_", "-")}"\nkind = "{kind}"\n'
                                               f'id = "id"\n[columns]\n{columns}')
    summaries = load_dir(graph, tmp_path)
    assert {s.accepted for s in summaries.values()} == {len(rows)}
    label = {"customers": "SourceRecord", "transactions": "Transaction", "tickets": "Ticket"}[kind]
    nodes = query(graph, "MATCH (n) WHERE $label IN labels(n) RETURN n.source AS source, properties(n) AS p",
                  label=label)
    ignored = LINEAGE | {"key", "source", "hash"}
    by_source: dict[str, list[str]] = {}
    for node in nodes:
        by_source.setdefault(node["source"], []).append(repr(sorted((k, v) for k, v in node["p"].items()
                                                                      if k not in ignored)))
    assert len(by_source) == 3
    csv_nodes, jsonl_nodes, xlsx_nodes = (sorted(by_source[s]) for s in ("in-csv", "in-jsonl", "in-xlsx"))
    assert csv_nodes == jsonl_nodes == xlsx_nodes
