"""Erasure in the small: the loaders' tombstone check, the audit trail without values, refused requests, and
how a line of a file is recognised as the person's."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph import Graph, InputError
from loaders.run import LoadSummary, load_file, plan
from pipeline import correct_contact
from privacy.erase import MARKER, erase
from privacy.files import Traces, scrub
from resolution import resolve
from tests.helpers import c360, deterministic, one_error_line, query, write_source

ROWS = ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,75001,CN1",
        "2,Marie,Curie,marie@x.com,06 98 76 54 32,FR,75005,CN2"]
JEAN = ("jean", "dupont", "cn1", "612345678", "0612345678", "crm:1", "abcde")


def _load(graph: Graph, sources: Path, home: Path) -> list[LoadSummary]:
    return [load_file(graph, path, mapping, home) for path, mapping in plan([sources])]


@pytest.fixture
def jean(embedded_graph: Graph, tmp_path: Path) -> str:
    """Two people loaded and resolved; Jean's customer id."""
    write_source(tmp_path / "sources", "crm", ROWS)
    _load(embedded_graph, tmp_path / "sources", tmp_path / "home")
    resolve(embedded_graph, deterministic())
    return str(query(embedded_graph, "MATCH (c:Customer {email: 'jean@x.com'}) RETURN c.id AS id")[0]["id"])


@pytest.mark.store
def test_a_reload_refuses_erased_rows_and_keeps_no_value_of_them(embedded_graph: Graph, jean: str,
                                                                 tmp_path: Path) -> None:
    home = tmp_path / "home"
    erase(embedded_graph, home, by="dpo", why="request 1", customer_id=jean)
    # Jean's row again with a bad postcode (a dropped value), and a new row carrying Jean's email
    write_source(tmp_path / "again", "crm", ["1,Jean,Dupont,jean@x.com,06 12 34 56 78,FR,ABCDE,CN1", ROWS[1],
                                             "3,J.,Dupont,JEAN@X.COM,,FR,,"])
    (summary,) = _load(embedded_graph, tmp_path / "again", home)
    assert (summary.read, summary.accepted, summary.rejected, summary.erased) == (3, 1, 0, 2)
    assert summary.values_dropped == 0
    assert summary.reject_file is not None
    lines = [json.loads(line) for line in Path(summary.reject_file).read_text().splitlines()]
    today = f"erased on {datetime.now(UTC):%Y-%m-%d}"
    assert [(e["line"], e["reason"], e["value"], e["action"]) for e in lines] == [
        (2, today, None, "record_erased"), (4, today, None, "record_erased")]
    text = "\n".join(p.read_text().casefold() for p in (home / "rejects").iterdir())
    assert not [v for v in JEAN if v in text]
    run = query(embedded_graph, "MATCH (r:LoadRun {run_id: $id}) RETURN r.erased AS erased",
                id=summary.run_id)
    assert run == [{"erased": 2}]
    assert query(embedded_graph, "MATCH (r:SourceRecord) RETURN r.key AS key") == [{"key": "crm:2"}]


@pytest.mark.store
def test_an_unchanged_reload_of_someone_else_is_not_refused(embedded_graph: Graph, jean: str,
                                                            tmp_path: Path) -> None:
    erase(embedded_graph, tmp_path / "home", by="dpo", why="request 1", customer_id=jean)
    write_source(tmp_path / "again", "crm", [ROWS[1], "4,Paul,Martin,paul@x.com,06 11 22 33 45,FR,69001,CN3"])
    (summary,) = _load(embedded_graph, tmp_path / "again", tmp_path / "home")
    assert (summary.accepted, summary.erased, summary.reject_file) == (2, 0, None)


@pytest.mark.store
def test_the_audit_trail_keeps_who_when_and_why_but_no_value(embedded_graph: Graph, jean: str,
                                                             tmp_path: Path) -> None:
    correct_contact(embedded_graph, deterministic(), jean, {"phone": "+33 6 55 44 33 22"}, by="agent-7",
                    why="Jean Dupont called")
    done = erase(embedded_graph, tmp_path / "home", by="dpo", why="request 2026-117", record_key="crm:1")
    assert done.customer_erased and done.counts["records"] == 2 and done.counts["audit_events"] == 1
    audit = query(embedded_graph, "MATCH (a:AuditEvent) RETURN properties(a) AS p")
    events = {row["p"]["kind"]: row["p"] for row in audit}
    erased = events["erase"]
    assert (erased["by"], erased["why"], erased["tombstone"]) == ("dpo", "request 2026-117", done.tombstone)
    assert json.loads(erased["counts"])["customers"] == 1
    correction = events["correct_contact"]
    assert (correction["before"], correction["after"], correction["why"]) == (MARKER, MARKER, MARKER)
    assert (correction["by"], correction["customer"]) == ("agent-7", done.tombstone)
    assert correction["target"] != f"service-desk:{jean}" and len(correction["target"]) == 64
    # the change feed's "erased" event names the profile id, and nothing else: how destinations delete them
    [notice] = query(embedded_graph, "MATCH (e:ChangeEvent {kind: 'erased'}) RETURN properties(e) AS p")
    assert (notice["p"]["customer_id"], notice["p"]["payload"]) == (jean, "{}")
    assert query(embedded_graph, "MATCH (e:ChangeEvent {customer_id: $tombstone}) RETURN DISTINCT e.payload AS p",
                 tombstone=done.tombstone) == [{"p": MARKER}]  # his earlier events, redacted
    everything = json.dumps([row["p"] for row in query(embedded_graph, "MATCH (n) WHERE NOT (n:ChangeEvent AND "
                                                                       "n.kind = 'erased') RETURN properties(n) AS p")],
                            default=str).casefold()
    assert not [v for v in (*JEAN, "655443322", jean.casefold()) if v in everything]


@pytest.mark.store
def test_erase_refuses_what_it_cannot_do(embedded_graph: Graph, jean: str, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with pytest.raises(InputError, match="either a customer id or a record key"):
        erase(embedded_graph, home, by="dpo", why="x")
    with pytest.raises(InputError, match="either a customer id or a record key"):
        erase(embedded_graph, home, by="dpo", why="x", customer_id=jean, record_key="crm:1")
    with pytest.raises(InputError, match="no source record"):
        erase(embedded_graph, home, by="dpo", why="x", record_key="crm:999")
    with pytest.raises(InputError, match="no customer"):
        erase(embedded_graph, home, by="dpo", why="x", customer_id="C0")
    with pytest.raises(InputError, match="say why"):
        erase(embedded_graph, home, by="dpo", why=" ", customer_id=jean)
    assert query(embedded_graph, "MATCH (e:Erased) RETURN count(e) AS n") == [{"n": 0}]


def test_the_command_needs_one_subject(tmp_path: Path) -> None:
    result = c360("erase", "--why", "request 1", home=tmp_path / "home")
    assert result.returncode == 1
    assert one_error_line(result) == "error: --customer: give either a customer id or a record key, not both and " \
                                     "not neither"


def test_a_line_is_the_persons_when_it_holds_a_value_of_theirs_in_any_form() -> None:
    traces = Traces.of(["+33612345678", "612345678", "Jean.Dupont@X.com", "CN1"], [("Jean", "Dupont")],
                       [("/in/crm.csv", 7)])
    assert traces.held_by('{"value": "06 12 34 56 78"}')
    assert traces.held_by("2,jean.dupont@x.com,")
    assert traces.held_by("DUPONT;JEAN;;")
    assert not traces.held_by("Jean-Pierre,Martin,CN1")  # too short to tell; a name alone is not a pair
    assert not traces.held_by("Jeanne,Dupontel")


def test_the_scrub_removes_their_lines_from_what_c360_wrote_and_leaves_the_rest(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "rejects").mkdir(parents=True)
    (home / "demo-data").mkdir()
    (home / "cache").mkdir()
    (home / "cache" / "records-graph.pickle").write_bytes(b"\x80\x04jean")
    rejects = [{"file": "/in/crm.csv", "line": 7, "field": "birth_date", "value": "31/02/1980"},  # their row
               {"file": "/in/crm.csv", "line": 8, "field": "email", "value": "JEAN@X.COM"},  # their value
               {"file": "/in/crm.csv", "line": 9, "field": "email", "value": "marie@x"}]
    (home / "rejects" / "run.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rejects))
    (home / "demo-data" / "crm.csv").write_text("id,first,last\n1,Jean,Dupont\n2,Marie,Curie\n")
    (home / "rules.toml").write_text('[identifiers.email]\nblocklist = ["jean@x.com"]\n')
    traces = Traces.of(["jean@x.com", "crm:1"], [("Jean", "Dupont")], [("/in/crm.csv", 7)])

    done = scrub(home, traces)

    assert (done.reject_lines, done.lines, done.files, done.cache_files) == (2, 1, 2, 1)
    assert [json.loads(line)["line"] for line in (home / "rejects" / "run.jsonl").read_text().splitlines()] == [9]
    assert (home / "demo-data" / "crm.csv").read_text() == "id,first,last\n2,Marie,Curie\n"
    assert not (home / "cache").exists()
    assert "jean@x.com" in (home / "rules.toml").read_text()


@pytest.mark.store
def test_an_identifier_only_the_persons_events_used_goes_with_them(embedded_graph: Graph, jean: str,
                                                                   tmp_path: Path) -> None:
    """A ticket raised with Jean's email and a phone no record carries: erasure cuts the ticket's links, and
    the phone, used by nothing else, must not outlive her with its value."""
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "desk.csv").write_text("case,opened,status,subject,mail,tel\n"
                                   "K1,2024-03-05T09:30:00Z,open,Parcel lost,jean@x.com,+33644332211\n"
                                   "K2,2024-03-06T09:30:00Z,open,Invoice,marie@x.com,+33644332299\n")
    (desk / "desk.toml").write_text('[source]\nname = "desk"\nkind = "tickets"\nid = "case"\n[columns]\n'
                                    'opened_at = "opened"\nstatus = "status"\nsubject = "subject"\n'
                                    'email = "mail"\nphone = "tel"\n')
    _load(embedded_graph, desk, tmp_path / "home")
    phones = "MATCH (i:Identifier {type: 'phone'}) WHERE i.value IN $values RETURN i.value AS value ORDER BY value"
    both = ["+33644332211", "+33644332299"]
    assert query(embedded_graph, phones, values=both) == [{"value": v} for v in both]
    erased = erase(embedded_graph, tmp_path / "home", by="dpo", why="request 1", customer_id=jean)
    assert query(embedded_graph, phones, values=both) == [{"value": "+33644332299"}]  # Marie's ticket keeps hers
    assert erased.counts["identifiers_swept"] == 1
    assert query(embedded_graph, "MATCH (t:Ticket {key: 'desk:K1'}) RETURN count(t) AS n") == [{"n": 1}]
