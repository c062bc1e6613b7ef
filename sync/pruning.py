"""Pruning the outbox: events every destination has been sent leave it once they are older than the retention.

The outbox is the feed's memory, not an archive: an event stays while some destination may still need it
(its cursor is not past it yet, or it is a dead letter waiting for a replay), and for ``keep`` after that, so a
replay can send a destination recent events again after a restore on its side. A configured destination that
never ran holds everything back (its cursor is 0): a prune never takes an event from someone who has not seen
it. ``merged`` events stay: they are how an erasure finds every id the person had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from graph.database import Graph
from sync import state
from sync.destinations import Destinations

#: events deleted per transaction
BATCH = 10_000


@dataclass(frozen=True)
class Pruned:
    """What a prune did: the events deleted, the bound it kept to, and what the outbox still holds."""

    events: int
    up_to: int
    oldest: int | None
    kept: int


def delivered_everywhere(graph: Graph, destinations: Destinations) -> int:
    """The last event number every destination is past and holds no dead letter at or before (0: none)."""
    bounds = []
    for destination in destinations.destinations:
        letters = [letter.seq for letter in state.dead_letters(graph, destination.name)]
        bounds.append(min([state.cursor(graph, destination.name).seq, *(seq - 1 for seq in letters)]))
    return min(bounds, default=0)


def prune(graph: Graph, destinations: Destinations, keep: timedelta, now: datetime, batch: int = BATCH) -> Pruned:
    """Delete the events every destination was sent that are older than ``now - keep``."""
    up_to = delivered_everywhere(graph, destinations)
    total = 0
    while up_to:
        done = int(graph.write("outbox_prune", up_to=up_to, before=now - keep, limit=batch)[0]["pruned"])
        total += done
        if done < batch:
            break
    left = graph.read("outbox_oldest")[0]
    return Pruned(total, up_to, left["oldest"], int(left["kept"]))
