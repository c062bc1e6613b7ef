"""Writing a run's profiles so that no reader ever sees one half-made.

A profile changes with the records it gains or loses, and a record moves between two profiles: the profiles
linked by moving records (a merge, a split, a new profile taking records from old ones) are rewritten together,
in one transaction — created, given their records, emptied ones deleted, golden values computed from the
records they have inside that transaction, what changed appended to the outbox (``feed``). A reader (the API,
``c360 export``) sees each group as it was before the run or as the run leaves it; a run killed midway leaves
whole groups done and the rest untouched, and the next run carries on from there. Nothing needs to be hidden
from readers, on either store.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graph import outbox
from graph.database import Graph, Transaction
from resolution import feed, golden
from resolution.rules import Rules

#: records moved and profiles written per transaction, about (a group is never cut)
BATCH = 2000


@dataclass
class Change:
    """One transaction's worth of profiles: what to create, attach, move, delete and refresh."""

    created: list[str] = field(default_factory=list)
    attached: list[dict[str, str]] = field(default_factory=list)
    moved: list[dict[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.attached) + len(self.moved) + len(self.refreshed) + len(self.removed)


def connected(keys: Iterable[str], pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each key's group over ``pairs`` (union-find), named by one of its members."""
    parent = {key: key for key in keys}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in pairs:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    return {key: root(key) for key in parent}


def changes(moved: list[dict[str, str]], previous: dict[str, str | None], created: Iterable[str],
            removed: Iterable[str], refreshed: Iterable[str]) -> Iterator[Change]:
    """The run's profile writes cut into transactions along the groups of profiles that trade records. Pure.

    ``moved``: records (``key``, ``customer_id``) whose profile changes; ``previous``: each record's profile
    before the run (None when it had none); ``refreshed``: profiles whose golden values must be recomputed
    although no record moves (their records changed). A profile that loses records is refreshed too.
    """
    created, removed = set(created), set(removed)
    trades = [(m["customer_id"], old) for m in moved if (old := previous.get(m["key"]))]
    ids = {m["customer_id"] for m in moved} | {old for _, old in trades} | created | removed | set(refreshed)
    group = connected(ids, trades)
    members: dict[str, list[str]] = {}
    for customer_id in sorted(ids):
        members.setdefault(group[customer_id], []).append(customer_id)
    moving: dict[str, list[dict[str, str]]] = {}
    for move in sorted(moved, key=lambda m: m["key"]):
        moving.setdefault(group[move["customer_id"]], []).append(move)
    change = Change()
    for name in sorted(members):
        for move in moving.get(name, []):
            (change.moved if previous.get(move["key"]) else change.attached).append(move)
        for customer_id in members[name]:
            if customer_id in removed:
                change.removed.append(customer_id)
            else:
                change.refreshed.append(customer_id)
                if customer_id in created:
                    change.created.append(customer_id)
        if change.size >= BATCH:
            yield change
            change = Change()
    if change.size:
        yield change


def write(graph: Graph, plan: Iterable[Change], rules: Rules, now: datetime, run_id: str) -> None:
    """Each change in one transaction: all of it lands, or none."""
    for change in plan:
        graph.transaction(functools.partial(_write, change=change, rules=rules, now=now, run_id=run_id))


def _write(tx: Transaction, *, change: Change, rules: Rules, now: datetime, run_id: str) -> None:
    params: dict[str, Any] = {"now": now, "run_id": run_id}
    before = feed.state(tx, [*change.refreshed, *change.removed], reported=True)  # what the outbox compares to
    if change.created:
        tx.write("resolve_create_customers", ids=change.created, now=now)
    if change.attached:
        tx.write("resolve_attach_records", rows=change.attached, **params)
    if change.moved:
        tx.write("resolve_move_records", rows=change.moved, **params)
    if change.removed:
        tx.write("resolve_delete_customers", ids=change.removed)
    golden.refresh(tx, change.refreshed, rules, now)
    after = feed.state(tx, change.refreshed)
    feed.remember(tx, before, after)
    outbox.append_all(tx, feed.events(before, after))
