"""Analysts' commands: ``c360 cypher`` (a shell), ``c360 schema`` (the meta-graph), ``c360 query`` (saved
questions). They read whichever store c360 uses, the embedded one or Neo4j, and write nothing unless told."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from analysis.adhoc import Answer, parse_param, parse_params, pitfalls_here, run
from analysis.lexer import is_complete, split_statements
from analysis.saved_queries import catalogue, saved_query
from analysis.schema import MetaGraph, Vocabulary, meta_graph, to_dot, to_html, to_svg, vocabulary
from analysis.values import as_json, as_text
from graph import C360Error, Graph, InputError, Settings, open_graph
from graph.home import open_private
from graph.spreadsheet import write_csv

out = Console()
err = Console(stderr=True)

#: the shell's history, in the home like everything else c360 keeps: it may hold personal data typed in queries
HISTORY_FILE = "cypher_history"
#: rows a table shows before saying how many more there are (CSV and JSON give them all)
TABLE_ROWS = 1000


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


ParamOption = Annotated[list[str] | None, typer.Option(
    "--param", "-p", help="NAME=VALUE, repeatable; the value is read as JSON when it parses (10, true, \"10\"), "
                          "else as text.")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="table, csv or json.")]


@contextmanager
def _graph() -> Iterator[Graph]:
    """The store, schema left alone: an analyst's account may be read-only."""
    with open_graph(Settings(), schema=False) as graph:
        yield graph


# -- c360 cypher -----------------------------------------------------------------------------------------
def cypher_command(
    command: Annotated[str | None, typer.Option("--command", "-c", help="Run these ;-separated statements and "
                                                                         "exit, instead of the shell.")] = None,
    params: ParamOption = None,
    output: FormatOption = Format.TABLE,
    write: Annotated[bool, typer.Option("--write", help="Allow statements that change the graph.")] = False,
) -> None:
    """Cypher on the graph: an interactive shell, or the statements of -c (or of standard input).

    Read-only unless --write: a statement that would change the graph is rolled back. On the embedded store, a
    query it would answer wrongly (an aggregate inside a map) is flagged with how to rewrite it.
    """
    values = parse_params(params or [])
    script = command if command is not None else (None if sys.stdin.isatty() else sys.stdin.read())
    with _graph() as graph:
        if script is None:
            _shell(graph, values, output, write, Settings().home / HISTORY_FILE)
            return
        statements = split_statements(script)
        if not statements:
            raise InputError("no statement to run", field="command")
        for statement in statements:
            _warn_pitfalls(graph, statement)
            _print(run(graph, statement, values, write=write), output)


def _warn_pitfalls(graph: Graph, statement: str) -> None:
    for pitfall in pitfalls_here(graph, statement):
        err.print(Text("warning: " + pitfall.message(), style="yellow"), soft_wrap=True)


SHELL_HELP = """Type Cypher, end a statement with ; (Enter on a line without ; continues it). TAB completes labels
after ':', relationship types after '[r:', property keys after '.'.
  :param NAME=VALUE   set a parameter ($NAME), the value read as JSON when it parses
  :params             show the parameters
  :format table|csv|json
  :help   :quit (or Ctrl-D)"""


def _shell(graph: Graph, params: dict[str, Any], output: Format, write: bool, history: Path) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent

    from analysis.completion import CypherCompleter

    open_private(history, "a").close()  # 0600 before prompt_toolkit appends to it with the umask's mode
    names: list[Vocabulary] = []

    def learn() -> None:
        with contextlib.suppress(C360Error):  # completion then offers keywords only
            names.append(vocabulary(graph))

    threading.Thread(target=learn, daemon=True).start()
    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        text = buffer.text.strip()
        if not text or text.startswith(":") or is_complete(text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    session: PromptSession[str] = PromptSession(
        history=FileHistory(str(history)), multiline=True, key_bindings=bindings,
        completer=CypherCompleter(lambda: names[0] if names else None), complete_while_typing=False,
        prompt_continuation=lambda width, line, soft: "...> ".rjust(width))
    store = graph.capabilities.name
    mode = "read-write" if write else "read-only"
    out.print(f"c360 cypher on {graph.connection.uri} ({store}, {mode}); end statements with ;  :help  :quit",
              markup=False, highlight=False)
    while True:
        try:
            text = session.prompt("c360> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            return
        text = text.strip()
        if not text:
            continue
        if text.startswith(":"):
            if _shell_command(text, params, output_holder := [output]):
                return
            output = output_holder[0]
            continue
        for statement in split_statements(text):
            try:
                _warn_pitfalls(graph, statement)
                _print(run(graph, statement, params, write=write), output)
            except C360Error as error:
                err.print(Text("error: " + " ".join(str(error).split()), style="red"), soft_wrap=True)
            except KeyboardInterrupt:  # Ctrl-C stops the statement (its transaction rolls back), not the shell
                err.print(Text("interrupted", style="red"))
                break


def _shell_command(text: str, params: dict[str, Any], output: list[Format]) -> bool:
    """A ``:command`` of the shell; True to leave it."""
    name, _, rest = text.rstrip(";").strip().partition(" ")
    if name in (":quit", ":exit", ":q"):
        return True
    try:
        if name == ":help":
            out.print(SHELL_HELP, markup=False, highlight=False)
        elif name == ":param":
            key, value = parse_param(rest)
            params[key] = value
        elif name == ":params":
            out.print_json(json.dumps(as_json(params)))
        elif name == ":format":
            output[0] = Format(rest.strip())
        else:
            raise InputError(f"unknown shell command {name} (:help lists them)")
    except (C360Error, ValueError) as error:
        err.print(Text("error: " + str(error), style="red"), soft_wrap=True)
    return False


# -- output ----------------------------------------------------------------------------------------------
def _print(answer: Answer, output: Format) -> None:
    if output is Format.JSON:
        print(json.dumps([{c: as_json(row.get(c)) for c in answer.columns} for row in answer.rows],
                         ensure_ascii=False, default=str))
    elif output is Format.CSV:
        write_csv(sys.stdout, answer.columns, ({c: _csv_cell(row.get(c)) for c in answer.columns}
                                               for row in answer.rows))
    else:
        _print_table(answer)


def _csv_cell(value: Any) -> object:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return as_text(value)


def _print_table(answer: Answer) -> None:
    if answer.columns:
        table = Table(show_lines=False)
        for column in answer.columns:
            table.add_column(Text(column), overflow="fold")
        for row in answer.rows[:TABLE_ROWS]:
            # Text, not str: a value from the data must never be read as rich markup
            table.add_row(*(Text(as_text(row.get(c)), style="dim" if row.get(c) is None else "")
                            for c in answer.columns))
        out.print(table)
    cut = len(answer.rows) > TABLE_ROWS
    shown = f" (the first {TABLE_ROWS:,} shown; --format csv or json gives all)" if cut else ""
    took = f", {answer.milliseconds:.0f} ms" if answer.milliseconds is not None else ""
    changes = ("; " + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in answer.changes.items())
               if answer.changes else "")
    out.print(f"{len(answer.rows):,} row{'s' if len(answer.rows) != 1 else ''}{shown}{took}{changes}",
              markup=False, highlight=False, style="dim")


# -- c360 schema -----------------------------------------------------------------------------------------
def schema_command(
    output: Annotated[Format, typer.Option("--format", "-f", help="table or json.")] = Format.TABLE,
    out_file: Annotated[Path | None, typer.Option("--out", help="Draw it: FILE.svg, FILE.html or FILE.dot "
                                                                "(Graphviz).")] = None,
) -> None:
    """The graph's meta-graph, from the data: labels, relationship types between labels, their properties with
    counts and value types (the same on the embedded store and on Neo4j)."""
    drawers = {".svg": to_svg, ".html": to_html, ".dot": to_dot}
    if out_file is not None and out_file.suffix.lower() not in drawers:
        raise InputError(f"{out_file.name}: give a file ending in .svg, .html or .dot", field="out")
    if output is Format.CSV:
        raise InputError("the meta-graph is several tables: use --format table or json", field="format")
    with _graph() as graph:
        meta = meta_graph(graph)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(drawers[out_file.suffix.lower()](meta), encoding="utf-8")
        err.print(f"drew {len(meta.labels)} labels and {len(meta.connections)} connections to {out_file}",
                  markup=False, highlight=False)
        return
    if output is Format.JSON:
        print(json.dumps(meta.as_json(), ensure_ascii=False))
        return
    _print_meta(meta)


def _print_meta(meta: MetaGraph) -> None:
    labels = Table(title="labels")
    labels.add_column("label")
    labels.add_column("nodes", justify="right")
    for label in meta.labels:
        labels.add_row(Text(label.name), f"{label.nodes:,}")
    out.print(labels)
    links = Table(title="relationships")
    for column in ("type", "from", "to"):
        links.add_column(column)
    links.add_column("relationships", justify="right")
    for c in meta.connections:
        links.add_row(Text(c.type), Text(c.from_label), Text(c.to_label), f"{c.relationships:,}")
    out.print(links)
    for title, properties in (("node properties", meta.node_properties),
                              ("relationship properties", meta.relationship_properties)):
        table = Table(title=title)
        for column in ("label" if title.startswith("node") else "type", "key", "value types"):
            table.add_column(column)
        table.add_column("holders", justify="right")
        grouped: dict[tuple[str, str], list[tuple[str, int]]] = {}
        for p in properties:
            grouped.setdefault((p.owner, p.key), []).append((p.value_type, p.count))
        for (owner, key), types in grouped.items():
            kinds = ", ".join(f"{t} {n:,}" if len(types) > 1 else t for t, n in types)
            table.add_row(Text(owner), Text(key), Text(kinds), f"{sum(n for _, n in types):,}")
        out.print(table)


# -- c360 query ------------------------------------------------------------------------------------------
def query_command(
    name: Annotated[str | None, typer.Argument(help="A saved query (--list shows them).")] = None,
    params: ParamOption = None,
    output: FormatOption = Format.TABLE,
    list_them: Annotated[bool, typer.Option("--list", help="List the saved queries and their parameters.")] = False,
) -> None:
    """Run a saved query of the analysts' library (cypher/queries/), read-only."""
    if list_them or name is None:
        _print_catalogue(output)
        return
    saved = saved_query(name)
    values = saved.parameters(parse_params(params or []))
    with _graph() as graph:
        _print(run(graph, saved.text, values), output)


def _print_catalogue(output: Format) -> None:
    rows = [{"name": q.name, "description": q.description,
             "parameters": ", ".join(f"{k}={json.dumps(v)}" for k, v in q.defaults.items())}
            for q in catalogue().values()]
    _print(Answer(["name", "description", "parameters"], list(rows)), output)


def register(app: typer.Typer) -> None:
    app.command("cypher")(cypher_command)
    app.command("schema")(schema_command)
    app.command("query")(query_command)
