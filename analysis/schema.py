"""The graph's meta-graph, read from the data itself: labels, relationship types between labels, properties.

``db.schema.visualization()`` and ``db.propertyKeys()`` answer nothing usable on the embedded store, so the
meta-graph is computed by plain Cypher over the nodes and relationships (``cypher/schema_*.cypher``): the
same queries on both stores, the same answer for the same data. It is printed as tables, as JSON, or drawn
(Graphviz DOT text, or an SVG drawn here, with no network and no Graphviz needed).
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from graph import Graph


@dataclass(frozen=True)
class Label:
    name: str
    nodes: int


@dataclass(frozen=True)
class Connection:
    """Relationships of one type going from nodes of one label to nodes of another."""

    type: str
    from_label: str
    to_label: str
    relationships: int


@dataclass(frozen=True)
class Property:
    """A property key of a label (``owner`` a label) or of a relationship type, per value type."""

    owner: str
    key: str
    value_type: str
    count: int


@dataclass
class MetaGraph:
    labels: list[Label] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    node_properties: list[Property] = field(default_factory=list)
    relationship_properties: list[Property] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def relationship_types(self) -> list[str]:
        return sorted({c.type for c in self.connections})


@dataclass(frozen=True)
class Vocabulary:
    """The names an analyst types: what the shell completes."""

    labels: list[str]
    relationship_types: list[str]
    property_keys: list[str]


def meta_graph(graph: Graph) -> MetaGraph:
    """The whole meta-graph: four queries, each one pass over the nodes or the relationships."""
    return MetaGraph(
        labels=[Label(r["label"], r["nodes"]) for r in graph.read("schema_labels")],
        connections=[Connection(r["type"], r["from_label"], r["to_label"], r["relationships"])
                     for r in graph.read("schema_relationships")],
        node_properties=_properties(graph.read("schema_node_properties"), "label"),
        relationship_properties=_properties(graph.read("schema_relationship_properties"), "type"))


def portable_type(value_type: str) -> str:
    """A value type as both stores name it for the same data. The embedded store names every list
    ``LIST<ANY>`` where Neo4j names its elements, so lists are ``LIST``; and it keeps an instant without its
    zone (``LOCAL DATETIME``, read back as UTC) where Neo4j keeps ``ZONED DATETIME``, so both are ``DATETIME``."""
    value_type = value_type.replace(" NOT NULL", "").strip()
    if value_type.startswith("LIST"):
        return "LIST"
    if value_type in ("LOCAL DATETIME", "ZONED DATETIME"):
        return "DATETIME"
    return value_type


def _properties(rows: list[dict[str, Any]], owner: str) -> list[Property]:
    counts: dict[tuple[str, str, str], int] = {}
    for r in rows:
        key = (r[owner], r["key"], portable_type(r["value_type"]))
        counts[key] = counts.get(key, 0) + r["count"]
    return [Property(o, k, t, n) for (o, k, t), n in sorted(counts.items())]


def vocabulary(graph: Graph) -> Vocabulary:
    """Labels, relationship types and property keys in use, cheaper than the whole meta-graph."""
    labels = [r["label"] for r in graph.read("schema_labels")]
    types = sorted({r["type"] for r in graph.read("schema_relationship_types")})
    keys = [r["key"] for r in graph.read("schema_property_keys")]
    return Vocabulary(labels, types, keys)


# -- pictures --------------------------------------------------------------------------------------------
def to_dot(meta: MetaGraph) -> str:
    """Graphviz DOT text: one box per label (with its count), one edge per type between two labels."""
    lines = ["digraph c360 {", '  graph [rankdir=LR, fontname="Helvetica"];',
             '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for label in meta.labels:
        caption = _dot_string(label.name + "\n" + f"{label.nodes:,}")
        lines.append(f"  {_dot_id(label.name)} [label={caption}];")
    for c in meta.connections:
        lines.append(f"  {_dot_id(c.from_label)} -> {_dot_id(c.to_label)} "
                     f"[label={_dot_string(f'{c.type} ({c.relationships:,})')}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_id(name: str) -> str:
    return _dot_string(name)


#: the drawing's size and the ellipse the connected labels sit on
_WIDTH, _HEIGHT, _RX, _RY = 1200, 900, 480, 320
_BOX_W, _BOX_H = 150, 44


def _layout(meta: MetaGraph) -> tuple[dict[str, tuple[float, float]], float]:
    """Where each label's box goes: the most connected label in the middle, the other connected ones on an
    ellipse around it, and labels with no relationship (bookkeeping such as runs) in rows underneath."""
    degree: dict[str, int] = {}
    for c in meta.connections:
        if c.from_label != c.to_label:
            degree[c.from_label] = degree.get(c.from_label, 0) + 1
            degree[c.to_label] = degree.get(c.to_label, 0) + 1
    connected = [label.name for label in meta.labels if label.name in degree]
    alone = [label.name for label in meta.labels if label.name not in degree]
    where: dict[str, tuple[float, float]] = {}
    centre_x, centre_y = _WIDTH / 2, _RY + 70
    if connected:
        hub = max(connected, key=lambda name: (degree[name], name))
        where[hub] = (centre_x, centre_y)
        ring = [name for name in connected if name != hub]
        for index, name in enumerate(ring):
            angle = 2 * math.pi * index / max(len(ring), 1) - math.pi / 2
            where[name] = (centre_x + _RX * math.cos(angle), centre_y + _RY * math.sin(angle))
    top = centre_y + _RY + 90 if connected else 60
    per_row = int((_WIDTH - 20) // (_BOX_W + 20))
    for index, name in enumerate(alone):
        row, column = divmod(index, per_row)
        where[name] = (20 + _BOX_W / 2 + column * (_BOX_W + 20), top + row * (_BOX_H + 20))
    rows = -(-len(alone) // per_row)
    height = max(_HEIGHT, top + rows * (_BOX_H + 20)) if alone else _HEIGHT
    return where, height


def to_svg(meta: MetaGraph) -> str:
    """A standalone SVG: labels as boxes, arrows for relationship types (a loop for a type that joins a label
    to itself). Every name is escaped: labels, types and counts come from the data."""
    where, height = _layout(meta)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{height:.0f}" '
             f'viewBox="0 0 {_WIDTH} {height:.0f}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
             "<title>c360 meta-graph</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    captions: list[str] = []  # drawn last, over the boxes and lines
    pairs: dict[tuple[str, str], int] = {}
    for c in meta.connections:
        if c.from_label not in where or c.to_label not in where:
            continue
        text = html.escape(f"{c.type} ({c.relationships:,})")
        x1, y1 = where[c.from_label]
        if c.from_label == c.to_label:
            nth = pairs[(c.from_label, c.to_label)] = pairs.get((c.from_label, c.to_label), 0) + 1
            top = y1 - _BOX_H / 2
            lift = 34 + 16 * nth
            parts.append(f'<path d="M {x1 - 30:.1f} {top:.1f} C {x1 - 40:.1f} {top - lift:.1f} {x1 + 40:.1f} '
                         f'{top - lift:.1f} {x1 + 30:.1f} {top:.1f}" fill="none" stroke="#555" '
                         f'marker-end="url(#arrow)"/>')
            captions.append(f'<text x="{x1:.1f}" y="{top - lift + 8:.1f}" text-anchor="middle" fill="#333">'
                            f'{text}</text>')
            continue
        x2, y2 = where[c.to_label]
        key = (min(c.from_label, c.to_label), max(c.from_label, c.to_label))
        nth = pairs[key] = pairs.get(key, 0) + 1
        start, end = _edge_of_box(x1, y1, x2, y2), _edge_of_box(x2, y2, x1, y1)
        bend = (nth - 1) * 40.0  # a second type between the same labels bends away from the first
        mid_x, mid_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        if math.hypot(mid_x - _WIDTH / 2, mid_y - (_RY + 70)) < _BOX_W and (x1, y1) != (_WIDTH / 2, _RY + 70) \
                and (x2, y2) != (_WIDTH / 2, _RY + 70):
            bend += 2 * _BOX_W  # a line across the drawing would run through the label in the middle
        length = math.hypot(end[0] - start[0], end[1] - start[1]) or 1
        ctrl_x = mid_x - bend * (end[1] - start[1]) / length
        ctrl_y = mid_y + bend * (end[0] - start[0]) / length
        parts.append(f'<path d="M {start[0]:.1f} {start[1]:.1f} Q {ctrl_x:.1f} {ctrl_y:.1f} {end[0]:.1f} '
                     f'{end[1]:.1f}" fill="none" stroke="#555" marker-end="url(#arrow)"/>')
        text_x = (start[0] + end[0]) / 4 + ctrl_x / 2  # the curve's middle
        text_y = (start[1] + end[1]) / 4 + ctrl_y / 2 - 3 + 14 * (nth - 1)
        captions.append(f'<text x="{text_x:.1f}" y="{text_y:.1f}" text-anchor="middle" fill="#333" '
                     f'paint-order="stroke" stroke="#fff" stroke-width="3">{text}</text>')
    for label in meta.labels:
        x, y = where[label.name]
        parts.append(f'<g><rect x="{x - _BOX_W / 2:.1f}" y="{y - _BOX_H / 2:.1f}" width="{_BOX_W}" '
                     f'height="{_BOX_H}" rx="10" fill="#eef3fb" stroke="#4a6fa5"/>'
                     f'<text x="{x:.1f}" y="{y - 3:.1f}" text-anchor="middle" font-weight="bold">'
                     f'{html.escape(label.name)}</text>'
                     f'<text x="{x:.1f}" y="{y + 13:.1f}" text-anchor="middle" fill="#555">{label.nodes:,}</text></g>')
    parts += captions
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _edge_of_box(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float]:
    """Where the line from the centre of the box at (x1, y1) towards (x2, y2) leaves the box."""
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return x1, y1
    scale = min((_BOX_W / 2) / abs(dx) if dx else math.inf, (_BOX_H / 2) / abs(dy) if dy else math.inf)
    return x1 + dx * scale, y1 + dy * scale


def to_html(meta: MetaGraph) -> str:
    """One offline page: the drawing, then the tables of labels, relationships and properties."""
    def table(title: str, header: list[str], rows: list[list[object]]) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows)
        return f"<h2>{html.escape(title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    tables = [
        table("Labels", ["label", "nodes"], [[label.name, label.nodes] for label in meta.labels]),
        table("Relationships", ["type", "from", "to", "relationships"],
              [[c.type, c.from_label, c.to_label, c.relationships] for c in meta.connections]),
        table("Node properties", ["label", "key", "value type", "nodes"],
              [[p.owner, p.key, p.value_type, p.count] for p in meta.node_properties]),
        table("Relationship properties", ["type", "key", "value type", "relationships"],
              [[p.owner, p.key, p.value_type, p.count] for p in meta.relationship_properties]),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>c360 meta-graph</title>"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em}table{border-collapse:collapse;"
            "margin-bottom:1.5em}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
            "td:last-child{text-align:right}</style></head><body><h1>c360 meta-graph</h1>\n"
            + to_svg(meta) + "\n".join(tables) + "\n</body></html>\n")


def _cell(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)
