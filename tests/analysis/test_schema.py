"""The meta-graph is computed from the data, the same on both stores, and drawn safely."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from analysis.schema import Connection, Label, MetaGraph, Property, meta_graph, to_dot, to_html, to_svg, vocabulary
from graph import Graph, Settings
from tests.helpers import c360, one_error_line, query

pytestmark = pytest.mark.store

SMALL = """
CREATE (a:Customer {id: 'C1', record_count: 2, score: 0.5, vip: true, tags: ['x', 'y']}),
       (b:Customer {id: 'C2', record_count: 1}),
       (r1:SourceRecord {key: 'crm:1', birth_date: date('1980-01-02')}),
       (r2:SourceRecord {key: 'web:2', loaded_at: datetime('2024-01-01T10:00:00Z')}),
       (r3:SourceRecord:Erased {key: 'web:3'}),
       (i:Identifier {key: 'email:a@b.c'}),
       (a)-[:HAS_RECORD {run: 'r1'}]->(r1), (a)-[:HAS_RECORD {run: 'r1'}]->(r2), (b)-[:HAS_RECORD]->(r3),
       (r1)-[:HAS_IDENTIFIER]->(i), (r2)-[:HAS_IDENTIFIER]->(i), (r1)-[:SIMILAR_TO {score: 0.9}]->(r2)
"""


def test_the_meta_graph_of_a_known_graph(graph: Graph) -> None:
    """Runs on each store: the same data gives the same meta-graph, value types included."""
    query(graph, SMALL)
    meta = meta_graph(graph)
    assert meta.labels == [Label("Customer", 2), Label("Erased", 1), Label("Identifier", 1),
                           Label("SourceRecord", 3)]
    assert meta.connections == [
        Connection("HAS_IDENTIFIER", "SourceRecord", "Identifier", 2),
        Connection("HAS_RECORD", "Customer", "Erased", 1),
        Connection("HAS_RECORD", "Customer", "SourceRecord", 3),
        Connection("SIMILAR_TO", "SourceRecord", "SourceRecord", 1)]
    assert meta.node_properties == [
        Property("Customer", "id", "STRING", 2), Property("Customer", "record_count", "INTEGER", 2),
        Property("Customer", "score", "FLOAT", 1), Property("Customer", "tags", "LIST", 1),
        Property("Customer", "vip", "BOOLEAN", 1),
        Property("Erased", "key", "STRING", 1),
        Property("Identifier", "key", "STRING", 1),
        Property("SourceRecord", "birth_date", "DATE", 1), Property("SourceRecord", "key", "STRING", 3),
        Property("SourceRecord", "loaded_at", "DATETIME", 1)]
    assert meta.relationship_properties == [Property("HAS_RECORD", "run", "STRING", 2),
                                            Property("SIMILAR_TO", "score", "FLOAT", 1)]
    words = vocabulary(graph)
    assert words.labels == ["Customer", "Erased", "Identifier", "SourceRecord"]
    assert words.relationship_types == ["HAS_IDENTIFIER", "HAS_RECORD", "SIMILAR_TO"]
    assert words.property_keys == ["birth_date", "id", "key", "loaded_at", "record_count", "run", "score", "tags",
                                   "vip"]


def test_an_empty_graph_has_an_empty_meta_graph(graph: Graph) -> None:
    assert meta_graph(graph) == MetaGraph()


def test_the_command_agrees_with_the_data_of_a_loaded_graph(embedded_graph: Graph, embedded_settings: Settings,
                                                            tmp_path: Path) -> None:
    from tests.analysis.analyst_graph import build

    build(embedded_graph, tmp_path / "sources", embedded_settings.home)
    labels = Counter(label for r in query(embedded_graph, "MATCH (n) RETURN labels(n) AS ls") for label in r["ls"])
    result = c360("schema", "--format", "json", home=embedded_settings.home)
    assert result.returncode == 0, result.stderr
    meta = json.loads(result.stdout)
    assert {r["name"]: r["nodes"] for r in meta["labels"]} == dict(labels)
    links = Counter((r["t"], r["a"], r["b"]) for r in query(
        embedded_graph, "MATCH (a)-[r]->(b) UNWIND labels(a) AS la UNWIND labels(b) AS lb "
                        "RETURN type(r) AS t, la AS a, lb AS b"))
    assert {(c["type"], c["from_label"], c["to_label"]): c["relationships"] for c in meta["connections"]} == links
    assert {"Customer", "SourceRecord", "Identifier", "Transaction", "WebSession", "Ticket", "ConsentEvent",
            "Store", "Home", "Segment"} <= set(labels)
    holders = Counter((label, key) for r in query(embedded_graph, "MATCH (n) RETURN labels(n) AS ls, keys(n) AS ks")
                      for label in r["ls"] for key in r["ks"])
    counted: Counter[tuple[str, str]] = Counter()
    for p in meta["node_properties"]:
        counted[p["owner"], p["key"]] += p["count"]
    assert counted == holders

    table = c360("schema", home=embedded_settings.home)
    assert table.returncode == 0 and "HAS_IDENTIFIER" in table.stdout and "SourceRecord" in table.stdout
    for suffix in (".svg", ".html", ".dot"):
        drawn = c360("schema", "--out", str(tmp_path / f"meta{suffix}"), home=embedded_settings.home)
        assert drawn.returncode == 0, drawn.stderr
    svg = ET.parse(tmp_path / "meta.svg").getroot()
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert set(labels) <= texts
    dot = (tmp_path / "meta.dot").read_text(encoding="utf-8")
    assert dot.startswith("digraph") and '"Customer" -> "SourceRecord"' in dot
    bad = c360("schema", "--out", str(tmp_path / "meta.png"), home=embedded_settings.home)
    assert one_error_line(bad) == "error: --out: meta.png: give a file ending in .svg, .html or .dot"


HOSTILE = MetaGraph(labels=[Label('<script>alert(1)</script>', 3), Label('A"&B', 1)],
                    connections=[Connection('T<x>', '<script>alert(1)</script>', 'A"&B', 2)],
                    node_properties=[Property('A"&B', "<img src=x onerror=alert(1)>", "STRING", 1)])


def test_names_from_the_data_are_escaped_in_every_drawing() -> None:
    svg = ET.fromstring(to_svg(HOSTILE))  # well-formed XML despite the names
    texts = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")}
    assert {'<script>alert(1)</script>', 'A"&B', "T<x> (2)"} <= texts
    page = to_html(HOSTILE)
    assert "<script>" not in page and "<img" not in page and "&lt;img src=x" in page
    dot = to_dot(HOSTILE)
    assert '"A\\"&B"' in dot and '"<script>alert(1)</script>" -> "A\\"&B"' in dot
