"""The neighbourhood of one node of the customer domain, within limits: what the explorer draws and expands.

Only the customer domain is reachable — customers, their records and identifiers, homes, stores, events,
consents, purposes and segments — never the store's bookkeeping (runs, the access log, audit events, erasure
tombstones, the keys of keyed hashes). A node is addressed by its label and business key (``Ref``): keys are
stable across runs, where the store's element ids change when a label is added. Each relationship type
returns at most ``limit`` neighbours, with the total, so a hub (a purpose with every consent, a store with
every purchase) is never read whole.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.database import Graph
from graph.errors import InputError

#: the labels the explorer reaches, each with the property that keys it
LABELS: dict[str, str] = {
    "Customer": "id", "SourceRecord": "key", "Identifier": "key", "Home": "key", "Store": "key",
    "Transaction": "key", "Ticket": "key", "TicketNote": "key", "WebSession": "key", "ConsentEvent": "key",
    "Purpose": "name", "Segment": "name",
}
#: the relationship types between them (docs/data-model.md)
RELATIONSHIPS = ("HAS_RECORD", "HAS_IDENTIFIER", "LINKED_BY", "SIMILAR_TO", "SAME_AS", "NOT_SAME_AS", "LIVES_AT",
                 "LIVED_AT", "SHOPS_AT", "IN_SEGMENT", "BY", "AT", "RAISED_BY", "ON", "FROM", "SEEN_ON",
                 "LOGGED_IN_AS", "FOR", "ABOUT")
DEFAULT_LIMIT = 25
MAX_LIMIT = 200


@dataclass(frozen=True)
class Ref:
    """A node by label and business key."""

    label: str
    key: str

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise InputError(f"not a label of the customer domain: {self.label!r}", "label")


@dataclass(frozen=True)
class Node:
    ref: Ref
    properties: dict[str, Any]
    #: the customers whose data the node is: a profile itself, a record's, an identifier's, a home's, an
    #: event's (through the identifiers it carries); none for stores, purposes, segments
    holders: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Link:
    """A relationship between the centre and one neighbour; ``outgoing``: it points from the centre."""

    type: str
    outgoing: bool
    properties: dict[str, Any]
    neighbour: Node


@dataclass
class Neighbourhood:
    centre: Node
    links: list[Link] = field(default_factory=list)
    #: how many neighbours each relationship type has in all, shown or not
    totals: dict[str, int] = field(default_factory=dict)

    def holders(self) -> set[str]:
        """Every customer whose data the neighbourhood holds."""
        return set(self.centre.holders).union(*(link.neighbour.holders for link in self.links))

    def more(self) -> dict[str, int]:
        """Per relationship type, the neighbours beyond those returned."""
        shown: dict[str, int] = {}
        for link in self.links:
            shown[link.type] = shown.get(link.type, 0) + 1
        return {t: n - shown.get(t, 0) for t, n in self.totals.items() if n > shown.get(t, 0)}


def relationship_types(asked: Iterable[str] | None) -> list[str]:
    """The relationship types to follow: all of them by default; an unknown one is an input error."""
    if asked is None:
        return list(RELATIONSHIPS)
    chosen = list(dict.fromkeys(asked))
    unknown = [t for t in chosen if t not in RELATIONSHIPS]
    if unknown:
        raise InputError(f"not a relationship type of the customer domain: {', '.join(map(repr, unknown))}", "types")
    return chosen


def _parameters(ref: Ref, types: list[str], leave_out: Collection[str]) -> dict[str, Any]:
    return {"label": ref.label, "key": ref.key, "types": types, "labels": list(LABELS),
            "leave_out": sorted(leave_out)}


def neighbourhood(graph: Graph, ref: Ref, types: Iterable[str] | None = None, limit: int = DEFAULT_LIMIT,
                  leave_out: Collection[str] = ()) -> Neighbourhood | None:
    """The node ``ref`` and up to ``limit`` neighbours per relationship type of ``types`` (all by default);
    identifiers of the types in ``leave_out`` are neither the centre nor a neighbour, nor counted. None when
    there is no such node."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"between 1 and {MAX_LIMIT}, got {limit}", "limit")
    chosen = relationship_types(types)
    parameters = _parameters(ref, chosen, leave_out)
    rows = graph.read("explore_node", **parameters)
    if not rows:
        return None
    found = Neighbourhood(Node(Ref(rows[0]["label"], ref.key), rows[0]["node"], frozenset(rows[0]["holders"])),
                          totals={r["type"]: r["total"] for r in rows if r["total"]})
    if found.totals:
        found.links = [Link(r["type"], r["outgoing"], r["relationship"],
                            Node(Ref(r["label"], r["key"]), r["node"], frozenset(r["holders"])))
                       for r in graph.read("explore_neighbours", limit=limit, **parameters)]
    return found
