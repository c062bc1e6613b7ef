"""Analysts' exports of the graph itself: a customer's neighbourhood for Gephi or yEd, the whole graph for
notebooks (``analysis.graph_export``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from analysis.graph_export import (
    MAX_NODES,
    GraphFormat,
    TableFormat,
    Walk,
    export_whole_graph,
    neighbourhood_graph,
    write_graph,
)
from graph import InputError, Settings, open_graph

out = Console()


def _choice(given: str | None, default: str, choices: type[GraphFormat] | type[TableFormat], what: str
            ) -> GraphFormat | TableFormat:
    try:
        return choices(given or default)
    except ValueError:
        raise InputError(f"{given!r} is not a format of {what}; formats: "
                         f"{', '.join(c.value for c in choices)}", "format") from None


def export_graph(
    out_path: Annotated[Path, typer.Option("--out", help="The file to write (--customer), or the directory "
                                                         "(--all).")],
    customer: Annotated[str | None, typer.Option(help="The customer (profile id) whose neighbourhood to "
                                                      "write.")] = None,
    whole: Annotated[bool, typer.Option("--all", help="Write every node and relationship as node and edge "
                                                      "files.")] = False,
    hops: Annotated[int, typer.Option(help="How many steps out from the customer.")] = 2,
    file_format: Annotated[str | None, typer.Option(
        "--format", help="graphml | gexf | json with --customer (graphml by default); csv | parquet with --all "
                         "(csv by default).")] = None,
    max_nodes: Annotated[int, typer.Option(help="Stop when a neighbourhood passes this many nodes.")] = MAX_NODES,
) -> None:
    """The graph for Gephi, yEd or a notebook: one customer's neighbourhood (GraphML, GEXF, JSON) or all of it
    (nodes and edges as CSV or Parquet)."""
    if whole == (customer is not None):
        raise InputError("give --customer ID or --all (one of them)", "customer")
    with open_graph(Settings()) as graph:
        if customer is not None:
            chosen = _choice(file_format, GraphFormat.GRAPHML, GraphFormat, "a neighbourhood")
            found = neighbourhood_graph(graph, customer, Walk(hops, max_nodes))
            write_graph(found, GraphFormat(chosen), out_path)
            out.print(f"wrote {found.number_of_nodes():,} nodes and {found.number_of_edges():,} relationships "
                      f"within {hops} hops of {customer} to {out_path}")
            return
        table = _choice(file_format, TableFormat.CSV, TableFormat, "the whole graph")
        written = export_whole_graph(graph, out_path, TableFormat(table))
    out.print(f"wrote {written.nodes:,} nodes to {written.node_file} and {written.relationships:,} relationships "
              f"to {written.edge_file}")


def register(export_app: typer.Typer) -> None:
    export_app.command("graph")(export_graph)
