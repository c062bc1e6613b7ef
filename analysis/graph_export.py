"""The graph as files analysts open elsewhere: a customer's neighbourhood for Gephi or yEd, the whole graph for
notebooks.

A neighbourhood is a walk of ``hops`` steps out from one customer over the customer domain (the explorer's
labels and relationship types, ``analysis.neighbourhood``), built as a networkx multigraph (two nodes may be
joined by several relationships: a record is ``HAS_IDENTIFIER`` and ``LINKED_BY`` the same email) and written
by networkx as GraphML, GEXF or node-link JSON. It holds every node within ``hops`` of the customer and every
relationship the walk follows — each with at least one end closer than ``hops``. Node ids are ``Label:key``
(stable across runs, readable in Gephi); each node has its ``label`` (what Gephi and yEd show), its store
label as ``node_label``, and its properties as attributes (``store_id`` for a property the formats reserve,
such as a customer's ``id``): datetimes as ISO strings, lists and maps as JSON strings, since GraphML and GEXF
hold neither.

The whole graph — every node and relationship, the store's bookkeeping included — goes to ``nodes`` and
``edges`` files (CSV through ``graph.spreadsheet.write_csv``, or Parquet with pyarrow), read from the store in
pages and written as they come, so a large graph never sits in memory at once. The keys of keyed hashes
(``HashKey``, ``ProfileIdKey``) are exported without their value: they are secrets, not data.

Local tools are not masked (docs/api.md): the files hold what the store holds. Hand them on with the care
the store itself needs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Any

import networkx as nx

from analysis.neighbourhood import LABELS, RELATIONSHIPS, Ref
from graph.database import Graph
from graph.errors import InputError
from graph.spreadsheet import write_csv

#: the most nodes a neighbourhood export holds unless told otherwise: past it, a hub is being walked through
MAX_NODES = 10_000
PAGE = 10_000
#: nodes holding a secret in ``value``: exported without it
SECRET_VALUES = {"HashKey", "ProfileIdKey"}
NODE_COLUMNS = ["id", "labels", "key", "properties"]
EDGE_COLUMNS = ["id", "type", "source", "target", "properties"]


class GraphFormat(StrEnum):
    GRAPHML = "graphml"
    GEXF = "gexf"
    JSON = "json"


class TableFormat(StrEnum):
    CSV = "csv"
    PARQUET = "parquet"


def _plain(value: Any) -> Any:
    """A value JSON can hold: temporal values as ISO strings, points and durations as text."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def attribute(value: Any) -> str | int | float | bool | None:
    """A property as GraphML and GEXF can hold it: scalars as they are, datetimes as ISO strings, lists and
    maps (and points) as JSON strings; None for a missing value, which the formats leave out."""
    plain = _plain(value)
    if plain is None or isinstance(plain, str | int | float | bool):
        return plain
    return json.dumps(plain, ensure_ascii=False, sort_keys=True)


#: attribute names the formats (GEXF's id, label, weight and times) or the export itself give a meaning
RESERVED = {"id", "label", "weight", "start", "end", "node_label", "rel_type"}


def _attributes(properties: dict[str, Any]) -> dict[str, Any]:
    """Properties as attributes; one whose name a format reserves is written as ``store_<name>`` (a customer's
    ``id`` as ``store_id``), which GEXF would otherwise take for the node's own id."""
    return {f"store_{name}" if name in RESERVED else name: shown for name, value in properties.items()
            if (shown := attribute(value)) is not None}


def node_name(ref: Ref) -> str:
    return f"{ref.label}:{ref.key}"


def _display(label: str, properties: dict[str, Any], key: str) -> str:
    """What Gephi and yEd write on a node: a person's name, a store's or segment's name, else its key."""
    name = " ".join(str(properties[f]) for f in ("first_name", "last_name") if properties.get(f))
    return name or str(properties.get("name") or key)


@dataclass(frozen=True)
class Walk:
    """How far a neighbourhood export walks, and how many nodes it may gather before it stops."""

    hops: int = 2
    max_nodes: int = MAX_NODES

    def __post_init__(self) -> None:
        if self.hops < 0:
            raise InputError(f"0 or more, got {self.hops}", "hops")
        if self.max_nodes < 1:
            raise InputError(f"1 or more, got {self.max_nodes}", "max_nodes")


def _add_node(found: nx.MultiDiGraph[str], ref: Ref, properties: dict[str, Any]) -> None:
    found.add_node(node_name(ref), **_attributes(properties),
                   label=_display(ref.label, properties, ref.key), node_label=ref.label)


def neighbourhood_graph(graph: Graph, customer_id: str, walk: Walk = Walk()) -> nx.MultiDiGraph[str]:
    """The customer's neighbourhood of ``walk.hops`` steps as a networkx multigraph (see the module)."""
    start = Ref("Customer", customer_id)
    rows = graph.read("explore_node", label=start.label, key=start.key, types=list(RELATIONSHIPS),
                      labels=list(LABELS), leave_out=[])
    if not rows:
        raise InputError(f"no customer {customer_id!r}", "customer")
    found: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    _add_node(found, start, rows[0]["node"])
    frontier, seen_edges = [start], set()
    for hop in range(1, walk.hops + 1):
        if not frontier:
            break
        rows = graph.read("export_graph_step", frontier=[{"label": r.label, "key": r.key} for r in frontier],
                          types=list(RELATIONSHIPS), labels=list(LABELS))
        reached: list[Ref] = []
        for row in rows:
            here, there = Ref(row["from_label"], row["from_key"]), Ref(row["label"], row["key"])
            if node_name(there) not in found:
                _add_node(found, there, row["node"])
                reached.append(there)
            if row["id"] in seen_edges:
                continue
            seen_edges.add(row["id"])
            source, target = (here, there) if row["outgoing"] else (there, here)
            found.add_edge(node_name(source), node_name(target), key=row["id"], **_attributes(row["relationship"]),
                           label=row["type"], rel_type=row["type"])
        if found.number_of_nodes() > walk.max_nodes:
            raise InputError(f"the {hop}-hop neighbourhood of {customer_id} passes {walk.max_nodes:,} nodes "
                             f"({found.number_of_nodes():,}): a hub is on the way; lower --hops or raise "
                             f"--max-nodes", "max_nodes")
        frontier = reached
    return found


def write_graph(found: nx.MultiDiGraph[str], graph_format: GraphFormat, path: Path) -> None:
    """``found`` as a GraphML, GEXF or node-link JSON file (networkx's own writers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if graph_format is GraphFormat.GRAPHML:
        nx.write_graphml(found, path)
    elif graph_format is GraphFormat.GEXF:
        nx.write_gexf(found, path)
    else:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(nx.node_link_data(found, edges="edges"), handle, ensure_ascii=False, indent=1)


# -- the whole graph, in pages --------------------------------------------------------------------------
def _pages(graph: Graph, query: str, page: int) -> Iterator[list[dict[str, Any]]]:
    after: str | None = None
    while True:
        rows = graph.read(query, after=after, page=page)
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def _properties(properties: dict[str, Any]) -> str:
    return json.dumps(_plain(properties), ensure_ascii=False, sort_keys=True)


def _node_row(row: dict[str, Any]) -> dict[str, Any]:
    labels, properties = row["labels"], dict(row["properties"])
    if SECRET_VALUES & set(labels):
        properties.pop("value", None)
    key = next((properties[k] for k in ("id", "key", "name", "run_id") if properties.get(k) is not None), None)
    return {"id": row["id"], "labels": ";".join(labels), "key": key, "properties": _properties(properties)}


def _edge_row(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "type": row["type"], "source": row["source"], "target": row["target"],
            "properties": _properties(row["properties"])}


@dataclass(frozen=True)
class WholeGraph:
    """What ``export_whole_graph`` wrote."""

    nodes: int
    relationships: int
    node_file: Path
    edge_file: Path


def export_whole_graph(graph: Graph, directory: Path, table_format: TableFormat = TableFormat.CSV,
                       page: int = PAGE) -> WholeGraph:
    """Every node and relationship into ``directory``/nodes and /edges (``.csv`` or ``.parquet``), page by
    page: ``id`` is the store's element id, which ``source`` and ``target`` refer to; ``properties`` a JSON
    object."""
    directory.mkdir(parents=True, exist_ok=True)
    write = _write_parquet if table_format is TableFormat.PARQUET else _write_csv
    suffix = table_format.value
    node_file, edge_file = directory / f"nodes.{suffix}", directory / f"edges.{suffix}"
    nodes = write(node_file, NODE_COLUMNS, (_node_row(r) for rows in _pages(graph, "export_graph_nodes", page)
                                           for r in rows))
    edges = write(edge_file, EDGE_COLUMNS, (_edge_row(r) for rows in _pages(graph, "export_graph_relationships",
                                                                            page) for r in rows))
    return WholeGraph(nodes, edges, node_file, edge_file)


def _write_csv(path: Path, columns: list[str], rows: Iterable[dict[str, Any]]) -> int:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        return write_csv(handle, columns, rows)


def _write_parquet(path: Path, columns: list[str], rows: Iterable[dict[str, Any]], batch: int = PAGE) -> int:
    """Rows as Parquet, one row group per batch, every column text (``properties`` JSON)."""
    try:
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:
        raise InputError("Parquet needs pyarrow (pip install pyarrow); csv needs nothing", "format") from None
    schema = pa.schema([(c, pa.string()) for c in columns])
    written = 0
    text: Callable[[Any], str | None] = lambda v: None if v is None else str(v)  # noqa: E731
    with pq.ParquetWriter(path, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for row in _with_end(rows):  # None: the end, after the last row
            if row is not None:
                chunk.append(row)
            if chunk and (row is None or len(chunk) >= batch):
                writer.write_table(pa.Table.from_pylist([{c: text(r.get(c)) for c in columns} for r in chunk],
                                                        schema=schema))
                written += len(chunk)
                chunk = []
    return written


def _with_end(rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any] | None]:
    yield from rows
    yield None
