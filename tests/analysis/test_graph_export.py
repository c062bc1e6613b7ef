"""Graph exports: a customer's neighbourhood through networkx (GraphML, GEXF, JSON), the whole graph in pages.

The expected neighbourhood is computed apart from the code under test: the domain's nodes and relationships
read with one plain query, distances from the customer by networkx's shortest paths, and kept are the nodes
within ``hops`` and every relationship with an end closer than that (the walk's relationships).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from analysis.graph_export import (
    GraphFormat,
    TableFormat,
    Walk,
    attribute,
    export_whole_graph,
    neighbourhood_graph,
    write_graph,
)
from analysis.neighbourhood import LABELS, RELATIONSHIPS
from graph import Graph, Settings
from graph.errors import InputError
from tests.geo.test_marketing import marketing  # noqa: F401  (the fixture: a located, scored graph)
from tests.helpers import c360, customer_of, one_error_line, query

KEYED = "CASE WHEN {v}:Customer THEN {v}.id WHEN {v}:Purpose OR {v}:Segment THEN {v}.name ELSE {v}.key END"
DOMAIN = ("MATCH (a)-[r]->(b) WHERE labels(a)[0] IN $labels AND labels(b)[0] IN $labels AND type(r) IN $types "
          f"RETURN labels(a)[0] + ':' + {KEYED.format(v='a')} AS source, type(r) AS type, "
          f"labels(b)[0] + ':' + {KEYED.format(v='b')} AS target")


def _expected(graph: Graph, customer: str, hops: int) -> tuple[set[str], Counter[tuple[str, str, str]]]:
    rows = query(graph, DOMAIN, labels=list(LABELS), types=list(RELATIONSHIPS))
    whole: nx.Graph[str] = nx.Graph()
    whole.add_node(f"Customer:{customer}")
    whole.add_edges_from((r["source"], r["target"]) for r in rows)
    distance = nx.single_source_shortest_path_length(whole, f"Customer:{customer}", cutoff=hops)
    edges = Counter((r["source"], r["target"], r["type"]) for r in rows
                    if r["source"] in distance and r["target"] in distance
                    and min(distance[r["source"]], distance[r["target"]]) < hops)
    return set(distance), edges


@pytest.mark.store
@pytest.mark.parametrize("graph_format", list(GraphFormat))
def test_a_neighbourhood_file_holds_what_the_store_holds(marketing: Graph, graph_format: GraphFormat,  # noqa: F811
                                                         tmp_path: Path) -> None:
    anne = customer_of(marketing, "email:anne@x.fr")
    path = tmp_path / f"anne.{graph_format.value}"
    write_graph(neighbourhood_graph(marketing, anne, Walk(hops=2)), graph_format, path)
    if graph_format is GraphFormat.GRAPHML:
        read = nx.read_graphml(path)
    elif graph_format is GraphFormat.GEXF:
        read = nx.read_gexf(path)
    else:
        read = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    nodes, edges = _expected(marketing, anne, 2)
    assert set(read.nodes) == nodes and len(nodes) > 5
    assert Counter((u, v, d["rel_type"]) for u, v, d in read.edges(data=True)) == edges
    her = read.nodes[f"Customer:{anne}"]
    [stored] = query(marketing, "MATCH (c:Customer {id: $id}) RETURN c.first_name AS first, c.purchases AS n, "
                                "c.created_at AS created", id=anne)
    assert her["first_name"] == stored["first"] and her["label"] == "Anne Roux" and her["node_label"] == "Customer"
    assert her["store_id"] == anne
    assert int(her["purchases"]) == stored["n"] == 3
    assert her["created_at"] == stored["created"].isoformat()  # a datetime, as an ISO string
    purchase = next(d for n, d in read.nodes(data=True) if d["node_label"] == "Transaction")
    assert isinstance(purchase["amount"], float)


@pytest.mark.store
@pytest.mark.parametrize("hops", [0, 1, 2, 3])
def test_hops_bound_the_distance_from_the_customer(marketing: Graph, hops: int, tmp_path: Path) -> None:  # noqa: F811
    anne = customer_of(marketing, "email:anne@x.fr")
    path = tmp_path / "anne.graphml"
    write_graph(neighbourhood_graph(marketing, anne, Walk(hops=hops)), GraphFormat.GRAPHML, path)
    read = nx.read_graphml(path)
    distance = nx.single_source_shortest_path_length(read.to_undirected(), f"Customer:{anne}")
    assert set(distance) == set(read.nodes)  # connected: every node was reached from her
    assert max(distance.values()) == hops  # her graph reaches further than 3 steps: the bound is met exactly
    assert set(read.nodes) == _expected(marketing, anne, hops)[0]


@pytest.mark.store
def test_a_walk_through_a_hub_stops_with_the_reason(marketing: Graph) -> None:  # noqa: F811
    anne = customer_of(marketing, "email:anne@x.fr")
    with pytest.raises(InputError, match=r"max_nodes: the \d-hop neighbourhood of .* passes 5 nodes"):
        neighbourhood_graph(marketing, anne, Walk(hops=3, max_nodes=5))
    with pytest.raises(InputError, match="customer: no customer 'nobody'"):
        neighbourhood_graph(marketing, "nobody")


def test_attributes_are_what_graphml_can_hold() -> None:
    from datetime import UTC, date, datetime

    assert attribute(datetime(2024, 5, 1, 10, tzinfo=UTC)) == "2024-05-01T10:00:00+00:00"
    assert attribute(date(1980, 2, 29)) == "1980-02-29"
    assert attribute(["a", datetime(2024, 1, 1, tzinfo=UTC)]) == '["a", "2024-01-01T00:00:00+00:00"]'
    assert attribute({"b": 1}) == '{"b": 1}'
    assert (attribute(3), attribute(2.5), attribute(True), attribute(None)) == (3, 2.5, True, None)


def _counts(graph: Graph) -> tuple[int, int]:
    [nodes] = query(graph, "MATCH (n) RETURN count(n) AS n")
    [relationships] = query(graph, "MATCH ()-[r]->() RETURN count(r) AS n")
    return nodes["n"], relationships["n"]


@pytest.mark.store
def test_the_whole_graph_in_small_pages_holds_every_node_and_relationship(marketing: Graph,  # noqa: F811
                                                                           tmp_path: Path) -> None:
    nodes, relationships = _counts(marketing)
    written = export_whole_graph(marketing, tmp_path / "csv", page=7)  # many pages, one partly filled
    assert (written.nodes, written.relationships) == (nodes, relationships)
    with open(written.node_file, newline="", encoding="utf-8") as handle:
        node_rows = list(csv.DictReader(handle))
    with open(written.edge_file, newline="", encoding="utf-8") as handle:
        edge_rows = list(csv.DictReader(handle))
    ids = {r["id"] for r in node_rows}
    assert len(node_rows) == len(ids) == nodes and len(edge_rows) == len({r["id"] for r in edge_rows}) == relationships
    assert all(r["source"] in ids and r["target"] in ids for r in edge_rows)
    labels = Counter(r["labels"] for r in node_rows)
    [customers] = query(marketing, "MATCH (c:Customer) RETURN count(c) AS n")
    assert labels["Customer"] == customers["n"] and labels["ProfileIdKey"] == 1
    [secret] = query(marketing, "MATCH (k:ProfileIdKey) RETURN k.value AS value")
    assert secret["value"] not in written.node_file.read_text(encoding="utf-8")  # a key is not data
    anne = next(json.loads(r["properties"]) for r in node_rows if r["labels"] == "Customer"
                and json.loads(r["properties"]).get("email") == "anne@x.fr")
    assert anne["first_name"] == "Anne" and anne["created_at"].endswith("+00:00")

    pyarrow = pytest.importorskip("pyarrow.parquet")
    parquet = export_whole_graph(marketing, tmp_path / "parquet", TableFormat.PARQUET, page=7)
    table = pyarrow.read_table(parquet.node_file)
    assert table.num_rows == nodes and set(table.column("id").to_pylist()) == ids
    assert pyarrow.read_table(parquet.edge_file).num_rows == relationships


@pytest.mark.store
def test_the_command_writes_files_and_refuses_with_one_line(marketing: Graph, embedded_settings: Settings,  # noqa: F811
                                                             tmp_path: Path) -> None:
    anne = customer_of(marketing, "email:anne@x.fr")
    done = c360("export", "graph", "--customer", anne, "--hops", "1", "--format", "gexf", "--out",
                str(tmp_path / "anne.gexf"), home=embedded_settings.home)
    assert done.returncode == 0, done.stderr
    assert set(nx.read_gexf(tmp_path / "anne.gexf").nodes) == _expected(marketing, anne, 1)[0]
    whole = c360("export", "graph", "--all", "--out", str(tmp_path / "all"), home=embedded_settings.home)
    assert whole.returncode == 0, whole.stderr
    with open(tmp_path / "all" / "nodes.csv", newline="", encoding="utf-8") as handle:
        assert sum(1 for _ in csv.DictReader(handle)) == _counts(marketing)[0]
    for args, message in ((("--out", "x"), "error: --customer: give --customer ID or --all"),
                          (("--customer", anne, "--format", "csv", "--out", "x"), "error: --format: 'csv' is not"),
                          (("--customer", "nobody", "--out", "x"), "error: --customer: no customer 'nobody'"),
                          (("--customer", anne, "--hops", "-1", "--out", "x"), "error: --hops: 0 or more")):
        failed = c360("export", "graph", *args, home=embedded_settings.home)
        assert failed.returncode != 0 and one_error_line(failed).startswith(message), failed.stderr
