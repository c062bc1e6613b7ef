"""What a query returns, as text for a table or a CSV cell and as JSON: nodes, relationships and paths too.

The driver's ``record.data()`` flattens a node to its properties and drops its labels; an analyst looking at
``RETURN c`` wants to see what ``c`` is, so graph values are kept as small records and written the way
Cypher writes them: ``(:Customer {id: "C1"})``, ``[:HAS_RECORD {run: "…"}]``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point
from neo4j.time import Duration

from graph.capabilities import to_python


@dataclass(frozen=True)
class NodeValue:
    labels: tuple[str, ...]
    properties: dict[str, Any]


@dataclass(frozen=True)
class RelationshipValue:
    type: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class PathValue:
    """The nodes in the order the path goes, and the relationships between them (``forward``: each one points
    from the node before it to the node after it)."""

    nodes: tuple[NodeValue, ...]
    relationships: tuple[RelationshipValue, ...]
    forward: tuple[bool, ...]


def plain(value: Any, naive_is_utc: bool) -> Any:
    """A driver value as plain Python: temporal values as ``datetime``/``date``, graph values as the records
    above, lists and maps recursively."""
    if isinstance(value, Node):
        return NodeValue(tuple(sorted(value.labels)), plain(dict(value.items()), naive_is_utc))
    if isinstance(value, Relationship):
        return RelationshipValue(value.type, plain(dict(value.items()), naive_is_utc))
    if isinstance(value, Path):
        nodes = value.nodes
        forward = tuple(r.start_node is not None and r.start_node.element_id == nodes[i].element_id
                        for i, r in enumerate(value.relationships))
        return PathValue(tuple(plain(n, naive_is_utc) for n in nodes),
                         tuple(plain(r, naive_is_utc) for r in value.relationships), forward)
    if isinstance(value, dict):
        return {k: plain(v, naive_is_utc) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, naive_is_utc) for v in value]
    return to_python(value, naive_is_utc)


def as_text(value: Any) -> str:
    """One cell: ``null`` for nothing, text as it is, everything else as Cypher would write it."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    return _literal(value)


def _literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, NodeValue):
        labels = "".join(f":{label}" for label in value.labels)
        return f"({labels}{_properties(value.properties)})"
    if isinstance(value, RelationshipValue):
        return f"[:{value.type}{_properties(value.properties)}]"
    if isinstance(value, PathValue):
        text = _literal(value.nodes[0])
        for relationship, forward, node in zip(value.relationships, value.forward, value.nodes[1:], strict=True):
            link = _literal(relationship)
            text += (f"-{link}->" if forward else f"<-{link}-") + _literal(node)
        return text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _properties(properties: dict[str, Any]) -> str:
    return " " + _literal(properties) if properties else ""


def as_json(value: Any) -> Any:
    """A JSON-ready value: a node as ``{"labels": […], "properties": {…}}``, a relationship as
    ``{"type": …, "properties": {…}}``, a path as the list of its steps, temporal values in ISO 8601."""
    if isinstance(value, NodeValue):
        return {"labels": list(value.labels), "properties": as_json(value.properties)}
    if isinstance(value, RelationshipValue):
        return {"type": value.type, "properties": as_json(value.properties)}
    if isinstance(value, PathValue):
        return {"nodes": [as_json(n) for n in value.nodes],
                "relationships": [as_json(r) | {"forward": f} for r, f in zip(value.relationships, value.forward,
                                                                              strict=True)]}
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Duration | Point):
        return str(value)
    return value
