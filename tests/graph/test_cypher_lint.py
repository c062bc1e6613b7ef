"""Every query shipped for Neo4j passes Neo4j's own Cypher analysis: no error, no deprecation but one kept.

The embedded store runs the shared suite but accepts queries Neo4j 5 rejects (a variable read after a
``WITH`` that dropped it) and says nothing of deprecations, so each statement is also checked, offline, by
``@neo4j-cypher/language-support`` (the parser and semantic analysis of Neo4j's editors, with Neo4j 5, APOC
and GDS signatures) through ``web/lint-cypher.mjs``. The ArcadeDB-only queries are left to ``EXPLAIN``
(``test_cypher.py``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import cypher

ROOT = Path(__file__).parents[2]
WEB = ROOT / "web"
LIBRARY = WEB / "node_modules" / "@neo4j-cypher" / "language-support"
CYPHER = Path(cypher.__file__).parent
#: the queries no Neo4j server ever receives
NOT_FOR_NEO4J = "arcadedb/"

#: warnings kept, each with its reason in docs/operations.md: the embedded store parses the replacement but
#: answers it wrong (the API's search by name then returns customers the other criteria exclude)
KEPT = {(name, "CALL subquery without a variable scope clause is deprecated. Use CALL () { ... }")
        for name in ("customer_search.cypher", "customer_search_count.cypher")}

Lint = Callable[[list[Path]], dict[str, Any]]


@pytest.fixture(scope="session")
def lint() -> Lint:
    """``web/lint-cypher.mjs`` over some files; the library is installed from ``web/package-lock.json`` first
    when a fresh clone lacks it, so the check cannot be skipped by forgetting a step."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("the Cypher lint needs node and npm, which are not installed here")
    if not LIBRARY.is_dir():
        installed = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, capture_output=True, text=True,
                                   timeout=600, check=False)
        if installed.returncode != 0:
            pytest.fail(f"npm ci in web/ failed:\n{installed.stdout}\n{installed.stderr}")

    def run(files: list[Path]) -> dict[str, Any]:
        done = subprocess.run([node, str(WEB / "lint-cypher.mjs"), *map(str, files)], capture_output=True,
                              text=True, timeout=300, check=True)
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    return run


def _for_neo4j() -> list[str]:
    return [name for name in cypher.names() if not name.startswith(NOT_FOR_NEO4J)]


def test_every_query_for_neo4j_passes_its_analysis(lint: Lint) -> None:
    names = _for_neo4j()
    result = lint([CYPHER / f"{name}.cypher" for name in names])
    # the lint cuts the files as the driver receives them: as many statements as cypher.statements gives
    assert result["statements"] == sum(len(cypher.statements(name)) for name in names)
    assert "neo4j/components" in names and len(names) > 100
    serious = [d for d in result["diagnostics"] if d["severity"] in ("error", "warning")]
    kept = {(Path(d["file"]).name, d["message"]) for d in serious if d["severity"] == "warning"} & KEPT
    findings = [f"{d['file']}:{d['line']}: {d['severity']}: {d['message']}" for d in serious
                if (Path(d["file"]).name, d["message"]) not in kept]
    assert findings == [], "\n".join(findings)
    assert kept == KEPT, "a kept deprecation is gone: drop it from KEPT and docs/operations.md"


def test_the_lint_reports_errors_and_deprecations_where_they_are(lint: Lint, tmp_path: Path) -> None:
    broken = tmp_path / "broken.cypher"
    broken.write_text(
        "// a comment; with a semicolon\n"
        "CREATE INDEX ticket_key IF NOT EXISTS FOR (t:Ticket) ON (t.key);\n"
        "\n"
        "UNWIND $requests AS q\n"
        "CALL {\n"
        "  WITH q\n"
        "  UNWIND q.keys AS k\n"
        "  MATCH (t:Ticket {key: k})\n"
        "  WITH DISTINCT t\n"
        "  WHERE q.since IS NULL OR t.opened_at >= q.since\n"
        "  RETURN t\n"
        "}\n"
        "RETURN q.request AS request, t\n",
        encoding="utf-8")
    result = lint([broken])
    assert result["statements"] == 2
    found = {(d["severity"], d["line"], d["message"]) for d in result["diagnostics"]}
    # Neo4j's words for reading a variable the DISTINCT dropped (the embedded store answers it)
    assert ("error", 10, "In a WITH/RETURN with DISTINCT or an aggregation, it is not possible to access variables "
            "declared before the WITH/RETURN: q") in found
    assert ("warning", 5, "CALL subquery without a variable scope clause is deprecated. Use CALL (q) { ... }") in found
    assert not any("$requests" in d["message"] for d in result["diagnostics"]), "parameters are declared by callers"
