"""Small builders shared by tests: source files with their mappings."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import issue_token, signing_key
from graph import Graph, Settings
from graph.capabilities import to_python
from resolution.rules import Rules, default_rules

MAPPING = """[source]
name = "{name}"
kind = "customers"
id = "id"
default_region = "FR"
delimiter = "{delimiter}"
{extra}
[columns]
first_name = "first"
last_name = "last"
email = "email"
phone = "phone"
country = "country"
postcode = "postcode"
customer_number = "cn"
"""
HEADER = "id,first,last,email,phone,country,postcode,cn"

#: sources as ``name: (kind, header, rows)``, each column mapped to the field of its own name
Sources = dict[str, tuple[str, list[str], list[list[str]]]]


def write_source(directory: Path, name: str, lines: list[str], header: str = HEADER,
                 delimiter: str = ",", encoding: str = "utf-8", extra: str = "") -> Path:
    """A CSV source ``name.csv`` and its mapping ``name.toml`` (``extra``: more [source] lines)."""
    directory.mkdir(parents=True, exist_ok=True)
    mapping = MAPPING.format(name=name, delimiter=delimiter, extra=extra)
    (directory / f"{name}.toml").write_text(mapping, encoding="utf-8")
    path = directory / f"{name}.csv"
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


PEOPLE_COLUMNS = ("id", "first_name", "last_name", "birth_date", "email", "phone", "street", "house_number",
                  "postcode", "city", "country", "customer_number", "national_id")


def write_people(directory: Path, name: str, rows: list[dict[str, str]]) -> Path:
    """A CSV customer source with every field identity resolution uses; missing keys are empty cells."""
    import csv

    directory.mkdir(parents=True, exist_ok=True)
    columns = "\n".join(f'{c} = "{c}"' for c in PEOPLE_COLUMNS[1:])
    (directory / f"{name}.toml").write_text(
        f'[source]\nname = "{name}"\nkind = "customers"\nid = "id"\ndefault_region = "FR"\n'
        f'date_format = "%Y-%m-%d"\n\n[columns]\n{columns}\n', encoding="utf-8")
    path = directory / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=PEOPLE_COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def rules_with(**identifiers: dict[str, object]) -> Rules:
    """The shipped rules with some identifier types changed, e.g. ``rules_with(email={"max_records": 3})``."""
    base = default_rules()
    changed = {kind: rule.model_copy(update=identifiers.get(kind, {})) for kind, rule in base.identifiers.items()}
    return base.model_copy(update={"identifiers": changed})


def deterministic(rules: Rules | None = None) -> Rules:
    """Rules with probabilistic matching off: for tests of what identifiers alone link."""
    base = rules or default_rules()
    return base.model_copy(update={"matching": base.matching.model_copy(update={"enabled": False})})


def query(graph: Graph, text: str, **params: Any) -> list[dict[str, Any]]:
    """An ad-hoc test query, with values converted as ``Graph.read`` converts them."""
    records, _, _ = graph.driver.execute_query(text, params, database_=graph.database)
    return [to_python(r.data(), graph.capabilities.naive_datetimes_are_utc) for r in records]


def bearer(settings: Settings, role: str, subject: str | None = None) -> dict[str, str]:
    """The Authorization header of a short-lived token for ``role``."""
    token = issue_token(signing_key(settings), role, subject or f"test-{role}", timedelta(minutes=10))
    return {"Authorization": f"Bearer {token}"}


@contextmanager
def api_client(settings: Settings, role: str | None = None, subject: str | None = None) -> Iterator[TestClient]:
    """The real app (lifespan run), sending a token of ``role`` with every request when one is given."""
    headers = bearer(settings, role, subject) if role else {}
    with TestClient(create_app(settings), headers=headers) as client:
        yield client


@contextmanager
def uvicorn_serving(app: Starlette) -> Iterator[str]:
    """The app behind a real uvicorn in a thread on a free loopback port, for as long as the block runs: its base
    URL (``http://127.0.0.1:PORT``). For what the test client cannot do: WebSockets read as they arrive, chunked
    uploads, another process or server calling in."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def graphql(client: TestClient, document: str, headers: dict[str, str] | None = None,
            **variables: Any) -> dict[str, Any]:
    """The whole GraphQL answer (data and errors) of one request that must not fail at the HTTP level."""
    response = client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def graphql_data(client: TestClient, document: str, **variables: Any) -> dict[str, Any]:
    """The data of an answer that must hold no error."""
    body = graphql(client, document, **variables)
    assert "errors" not in body, body["errors"]
    return body["data"]  # type: ignore[no-any-return]


def c360(*args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 300
         ) -> subprocess.CompletedProcess[str]:
    """The real command in a subprocess, on the store under ``home`` (never a Neo4j from the environment)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    environment |= {"C360_HOME": str(home), "COLUMNS": "200"} | (env or {})
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True,
                          env=environment, timeout=timeout, check=False)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a failed command prints, checked to be one line and no traceback."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    return lines[0]


def write_field_sources(directory: Path, sources: Sources, **options: str) -> None:
    """Each source as a CSV whose columns are the fields they fill, with its mapping; ``options`` are more
    ``[source]`` settings (``date_format``, …)."""
    directory.mkdir(parents=True, exist_ok=True)
    settings = "".join(f'{key} = "{value}"\n' for key, value in options.items())
    for name, (kind, header, rows) in sources.items():
        with open(directory / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        columns = "\n".join(f'{c} = "{c}"' for c in header[1:])
        (directory / f"{name}.toml").write_text(
            f'[source]\nname = "{name}"\nkind = "{kind}"\nid = "id"\ndefault_region = "FR"\n{settings}'
            f'[columns]\n{columns}\n', encoding="utf-8")


def customer_of(graph: Graph, identifier_key: str) -> str:
    """The one customer whose records carry this identifier."""
    [row] = query(graph, "MATCH (:Identifier {key: $key})<-[:HAS_IDENTIFIER]-(:SourceRecord)<-[:HAS_RECORD]-"
                         "(c:Customer) RETURN DISTINCT c.id AS id", key=identifier_key)
    return str(row["id"])
