"""``c360 cypher`` against the real embedded store: the interactive shell driven through a pseudo-terminal,
and the one-shot ``-c`` form with parameters and formats."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect  # type: ignore[import-untyped]
import pytest

from analysis.completion import candidates, context
from analysis.schema import Vocabulary
from graph import Graph, Settings
from tests.helpers import c360, one_error_line, query

pytestmark = pytest.mark.store

PEOPLE = """
UNWIND range(1, 3) AS n
CREATE (c:Customer {id: 'CX-00' + toString(n), first_name: CASE n WHEN 1 THEN '=HYPERLINK("http://x")'
                    WHEN 2 THEN '[bold]boom[/bold]' ELSE 'Ann' END})
WITH c, n
UNWIND range(1, n) AS k
CREATE (c)-[:HAS_RECORD {run: 'r'}]->(:SourceRecord {key: 'crm:' + toString(n) + '-' + toString(k)})
"""


@pytest.fixture
def people(embedded_graph: Graph) -> Graph:
    query(embedded_graph, PEOPLE)
    return embedded_graph


@pytest.fixture
def shell(people: Graph, embedded_settings: Settings) -> Iterator[pexpect.spawn]:
    child = _spawn(embedded_settings.home)
    yield child
    child.close(force=True)


def _spawn(home: Path) -> pexpect.spawn:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    environment |= {"C360_HOME": str(home), "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(sys.executable, ["-m", "cli", "cypher"], env=environment, encoding="utf-8",
                          dimensions=(50, 200), timeout=60)
    child.expect("read-only")
    child.expect("c360>")
    return child


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
#: the line ending every answer (the prompt is redrawn as keys are typed, so it marks nothing)
FOOTER = r"\d+ rows?(?: \(the first [^)]*\))?, \d+ ms"


def _done(child: pexpect.spawn, marker: str = FOOTER) -> str:
    """What was printed up to ``marker`` (by default the answer's last line), then the next prompt."""
    child.expect(marker)
    printed = str(child.before) + str(child.after)
    child.expect("c360>")
    return ANSI.sub("", printed)


def test_a_multi_line_query_shows_a_table(shell: pexpect.spawn) -> None:
    shell.send("MATCH (c:Customer)-[:HAS_RECORD]->(r)\r")
    shell.expect(r"\.\.\.>")  # no ; yet: the statement goes on
    shell.send("WITH c, count(r) AS records\r")
    shell.expect(r"\.\.\.>")
    shell.send("RETURN c.id AS id, records ORDER BY id;\r")
    printed = _done(shell)
    assert "┃ id" in printed and "┃ records" in printed
    for n in (1, 2, 3):
        assert f"CX-00{n} │ {n}" in printed.replace("  ", " ").replace("  ", " ")
    assert "3 rows" in printed


def test_tab_completes_a_label_and_a_relationship_type(shell: pexpect.spawn) -> None:
    for _attempt in range(20):  # the names are read in the background as the shell starts
        shell.send("MATCH (c:Cust\t")
        try:
            shell.expect("omer", timeout=1)
            break
        except pexpect.TIMEOUT:
            shell.send("\x15")  # Ctrl-U: clear the line and try again
    else:
        pytest.fail("TAB never completed the label")
    shell.send(")-[:HAS_R\t")
    shell.expect("ECORD")
    shell.send("]->(r) RETURN count(r) AS linked;\r")
    printed = _done(shell)
    assert "linked" in printed and "│ 6" in printed  # 1 + 2 + 3 records: both names were completed


def test_history_persists_across_runs_and_is_private(shell: pexpect.spawn, embedded_settings: Settings) -> None:
    shell.send("MATCH (c:Customer {id: 'CX-002'}) RETURN c.id AS remembered;\r")
    assert "remembered" in _done(shell)
    shell.send("\x04")  # Ctrl-D leaves
    shell.expect(pexpect.EOF)
    history = embedded_settings.home / "cypher_history"
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    assert "CX-002" in history.read_text(encoding="utf-8")
    again = _spawn(embedded_settings.home)
    try:
        for _attempt in range(20):  # the history file is read in the background as the shell starts
            again.send("\x1b[A")  # arrow up: the last statement of the previous run
            try:
                again.expect("remembered", timeout=1)
                break
            except pexpect.TIMEOUT:
                continue
        else:
            pytest.fail("arrow up never brought back the previous run's statement")
        again.send("\r")
        printed = _done(again)
        assert "CX-002" in printed and "1 row" in printed
    finally:
        again.close(force=True)


def test_the_pitfall_warning_errors_and_read_only(shell: pexpect.spawn, people: Graph) -> None:
    shell.send("MATCH (c:Customer)-[:HAS_RECORD]->(r) RETURN c {.id, n: count(r)};\r")
    printed = _done(shell)
    assert "warning:" in printed and "count(r) inside a map projection c {…}" in printed
    assert "WITH c, count(r) AS n RETURN c {…, n: n}" in printed
    shell.send("MATCH (x RETURN x;\r")
    printed = _done(shell, "error: [^\r\n]*")
    assert "error: " in printed and "Traceback" not in printed
    shell.send("CREATE (:Intruder);\r")
    assert "rolled back" in _done(shell, "error: [^\r\n]*")
    shell.send("RETURN 1 + 1 AS two;\r")  # the shell is still there
    assert "│ 2" in _done(shell)
    assert query(people, "MATCH (n:Intruder) RETURN count(n) AS n") == [{"n": 0}]


def test_one_shot_statements_with_parameters_and_formats(people: Graph, embedded_settings: Settings) -> None:
    home = embedded_settings.home
    as_csv = c360("cypher", "-c", "MATCH (c:Customer) WHERE c.id IN $ids RETURN c.id AS id, c.first_name AS name "
                  "ORDER BY id", "--param", 'ids=["CX-001", "CX-002"]', "--format", "csv", home=home)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows == [{"id": "CX-001", "name": "'=HYPERLINK(\"http://x\")"},  # a formula stays text
                    {"id": "CX-002", "name": "[bold]boom[/bold]"}]
    as_json = c360("cypher", "-c", "MATCH (c:Customer {id: $id})-[h:HAS_RECORD]->(r) RETURN c, h, r.key AS key "
                   "ORDER BY key LIMIT 1; RETURN $id AS given", "-p", "id=CX-002", "-f", "json", home=home)
    assert as_json.returncode == 0, as_json.stderr
    first, second = (json.loads(line) for line in as_json.stdout.splitlines())
    assert first[0]["c"] == {"labels": ["Customer"], "properties": {"id": "CX-002", "first_name": "[bold]boom[/bold]"}}
    assert first[0]["h"] == {"type": "HAS_RECORD", "properties": {"run": "r"}} and first[0]["key"] == "crm:2-1"
    assert second == [{"given": "CX-002"}]  # not JSON: the text itself
    table = c360("cypher", "-c", "MATCH (c:Customer {id: 'CX-002'}) RETURN c.first_name AS name", home=home)
    assert "[bold]boom[/bold]" in table.stdout  # data is never read as markup


def test_writing_needs_write_and_errors_are_one_line(people: Graph, embedded_settings: Settings) -> None:
    home = embedded_settings.home
    refused = c360("cypher", "-c", "CREATE (:Note {text: 'x'})", home=home)
    assert refused.returncode == 1
    assert one_error_line(refused).startswith("error: this statement changes the graph and was rolled back")
    assert query(people, "MATCH (n:Note) RETURN count(n) AS n") == [{"n": 0}]
    allowed = c360("cypher", "--write", "-c", "CREATE (:Note {text: 'x'})", home=home)
    assert allowed.returncode == 0, allowed.stderr
    assert "nodes created 1" in allowed.stdout
    assert query(people, "MATCH (n:Note) RETURN count(n) AS n") == [{"n": 1}]
    broken = c360("cypher", "-c", "MATCH (n RETURN n", home=home)
    assert one_error_line(broken).startswith("error: ") and broken.returncode == 1
    bad_param = c360("cypher", "-c", "RETURN 1", "--param", "novalue", home=home)
    assert one_error_line(bad_param) == "error: --param: 'novalue' is not NAME=VALUE"


def test_a_script_on_standard_input_runs_statement_by_statement(people: Graph, embedded_settings: Settings) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    environment["C360_HOME"] = str(embedded_settings.home)
    done = subprocess.run([sys.executable, "-m", "cli", "cypher", "-f", "json"], input="RETURN 1 AS a;\n"
                          "// a comment; with a semicolon\nRETURN 'x;y' AS b;\n", capture_output=True, text=True,
                          env=environment, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line) for line in done.stdout.splitlines()] == [[{"a": 1}], [{"b": "x;y"}]]


def test_pitfalls_are_warned_about_on_the_embedded_store_only_then_run(people: Graph,
                                                                       embedded_settings: Settings) -> None:
    result = c360("cypher", "-c", "MATCH (c:Customer)-[:HAS_RECORD]->(r) RETURN {id: c.id, n: count(r)} AS m",
                  home=embedded_settings.home)
    assert result.returncode == 0
    assert "warning: line 1, column 60: count(r) inside a map literal {…}" in " ".join(result.stderr.split())


WORDS = Vocabulary(["Customer", "SourceRecord"], ["HAS_IDENTIFIER", "HAS_RECORD"], ["id", "key", "first_name"])


@pytest.mark.parametrize(("typed", "offered"), [
    ("MATCH (c:Cu", ["Customer"]),
    ("MATCH (c:Customer)-[:HAS_", ["HAS_IDENTIFIER", "HAS_RECORD"]),
    ("MATCH (c)-[r:HAS_R", ["HAS_RECORD"]),
    ("MATCH (c) WHERE c.fi", ["first_name"]),
    ("MATCH (c) RETURN c.", ["id", "key", "first_name"]),
    ("MATCH (c) RET", ["RETURN"]),
    ("RETURN 'a:Cu", []),  # inside a string there is nothing to complete; a label would do no harm either
])
def test_completion_offers_what_fits_where_the_cursor_is(typed: str, offered: list[str]) -> None:
    kind, word = context(typed)
    if typed.startswith("RETURN '"):
        assert kind == "label"  # the completer does not parse strings: harmless, documented here
        return
    assert candidates(kind, word, WORDS) == offered
