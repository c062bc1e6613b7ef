"""Cypher an analyst types, run on whichever store c360 uses: read-only unless writing is asked for.

Every other query of c360 is a shipped ``.cypher`` file; these are the analyst's own, sent as typed, with
their values as parameters. A read is run in a read transaction, which Neo4j enforces; the embedded store
does not (it writes in a read transaction too), so the answer's summary is checked before the transaction
ends and a statement that changed anything is rolled back: nothing is written without ``write=True``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from neo4j import READ_ACCESS, WRITE_ACCESS
from neo4j.exceptions import DriverError, Neo4jError

from analysis.pitfalls import Pitfall, find_pitfalls
from analysis.values import plain
from graph import C360Error, Graph, InputError


class CypherError(C360Error):
    """The store refused or failed a statement; the message is its own account, on one line."""


class ReadOnlyError(C360Error):
    """A statement would have written to the graph where only reading was allowed (rolled back)."""


@dataclass(frozen=True)
class Answer:
    """What one statement returned: its columns in order, its rows, and what it changed."""

    columns: list[str]
    rows: list[dict[str, Any]]
    changes: dict[str, int] = field(default_factory=dict)
    milliseconds: float | None = None


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` as given on the command line: the value as JSON when it parses (``10``, ``true``, ``["a"]``,
    ``"10"``), else the text itself (``crm:10042``)."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise InputError(f"{text!r} is not NAME=VALUE", field="param")
    try:
        return name, json.loads(value)
    except ValueError:
        return name, value


def parse_params(texts: list[str]) -> dict[str, Any]:
    return dict(parse_param(text) for text in texts)


def store_answers_map_aggregates_wrongly(graph: Graph) -> bool:
    """Whether the store is the embedded one, whose answers to aggregates in maps are wrong (DESIGN §1)."""
    return graph.capabilities.name == "arcadedb"


def pitfalls_here(graph: Graph, statement: str) -> list[Pitfall]:
    """The pitfalls of ``statement`` on this store: none on Neo4j, which answers them right."""
    return find_pitfalls(statement) if store_answers_map_aggregates_wrongly(graph) else []


def run(graph: Graph, statement: str, params: dict[str, Any] | None = None, *, write: bool = False) -> Answer:
    """One statement in one transaction, committed only when it may write or wrote nothing."""
    mode = WRITE_ACCESS if write else READ_ACCESS
    try:
        with graph.driver.session(database=graph.database, default_access_mode=mode) as session, \
                session.begin_transaction() as tx:
            result = tx.run(statement, params or {})  # the analyst's own query, values as parameters
            columns = list(result.keys())
            naive_is_utc = graph.capabilities.naive_datetimes_are_utc
            rows = [{key: plain(value, naive_is_utc) for key, value in zip(record.keys(), record.values(), strict=True)}
                    for record in result]
            summary = result.consume()
            changes = {name: count for name, count in vars(summary.counters).items()
                       if isinstance(count, int) and not isinstance(count, bool) and count}
            if summary.counters.contains_updates and not write:
                tx.rollback()
                raise ReadOnlyError("this statement changes the graph and was rolled back: read-only unless "
                                    "--write is given (" + ", ".join(f"{k} {v}" for k, v in changes.items()) + ")")
            tx.commit()
    except Neo4jError as error:
        raise CypherError(_one_line(error.message or str(error))) from error
    except DriverError as error:
        raise CypherError(_one_line(str(error) or type(error).__name__)) from error
    elapsed = summary.result_available_after
    return Answer(columns, rows, changes, float(elapsed) if elapsed is not None else None)


def _one_line(message: str) -> str:
    return " ".join(message.split())
