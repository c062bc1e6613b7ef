"""Deterministic resolution: connected components of records over allowed identifier links.

Components are computed in the database; Python only decides which profile id each component keeps, so
that a customer's id survives re-runs (a component keeps the id of the profile it overlaps most).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from graph.store import Store
from resolution.rules import LinkRules

LINK_RELATIONSHIPS = ["LINKED_BY"]


@dataclass(frozen=True)
class ResolutionSummary:
    run_id: str
    records: int
    customers: int
    merged_records: int
    records_moved: int
    customers_created: int
    customers_removed: int
    links: int
    seconds: float


@dataclass(frozen=True)
class Assignment:
    """The profile id of every record, and what changed against the previous run."""

    customer_of: dict[str, str]
    moved: list[dict[str, str]]
    created: list[str]
    removed: list[str]
    touched: list[str]


def resolve(store: Store, rules: LinkRules | None = None) -> ResolutionSummary:
    started = time.perf_counter()
    now = datetime.now(UTC)
    run_id = f"{now:%Y%m%dT%H%M%S}-resolve-{uuid.uuid4().hex[:6]}"
    parameters = (rules or LinkRules()).parameters()
    store.write("resolve_unlink_stale", **parameters)
    links = store.write("resolve_links", **parameters)[0]["links"]
    components = store.components(LINK_RELATIONSHIPS)
    plan = assign_ids(components)
    store.write("resolve_create_customers", ids=plan.created, now=now)
    store.write_batches("resolve_move_records", plan.moved, now=now, run_id=run_id)
    store.write("resolve_delete_customers", ids=plan.removed)
    for start in range(0, len(plan.touched), 2000):
        store.write("resolve_golden", ids=plan.touched[start:start + 2000], now=now)
    sizes = Counter(plan.customer_of.values())
    summary = ResolutionSummary(
        run_id=run_id, records=len(plan.customer_of), customers=len(sizes),
        merged_records=sum(n for n in sizes.values() if n > 1), records_moved=len(plan.moved),
        customers_created=len(plan.created), customers_removed=len(plan.removed), links=links,
        seconds=round(time.perf_counter() - started, 3))
    store.write("resolution_run", run={**asdict(summary), "at": now})
    return summary


def assign_ids(components: list[dict[str, Any]]) -> Assignment:
    """Give each component a profile id: the previous id it overlaps most, else a new one.

    Greedy by overlap, so when a profile splits, its id stays with the largest part; when two merge,
    the merged profile keeps the id of the larger. Pure, so it is tested without a store.
    """
    members: dict[Any, list[str]] = defaultdict(list)
    previous: dict[str, str | None] = {}
    for row in components:
        members[row["component"]].append(row["key"])
        previous[row["key"]] = row["customer_id"]
    overlaps = []
    for component, keys in members.items():
        for old_id, count in Counter(previous[k] for k in keys if previous[k]).items():
            overlaps.append((-count, old_id, component))
    chosen: dict[Any, str] = {}
    taken: set[str] = set()
    for _, old_id, component in sorted(overlaps, key=lambda o: (o[0], o[1], str(o[2]))):
        if component not in chosen and old_id not in taken:
            chosen[component] = old_id
            taken.add(old_id)
    created = []
    for component, keys in members.items():
        if component not in chosen:
            chosen[component] = _new_id(min(keys), taken)
            taken.add(chosen[component])
            created.append(chosen[component])
    customer_of = {key: chosen[component] for component, keys in members.items() for key in keys}
    moved = [{"key": k, "customer_id": c} for k, c in customer_of.items() if previous[k] != c]
    old_ids = {c for c in previous.values() if c}
    removed = sorted(old_ids - taken)
    touched = sorted({m["customer_id"] for m in moved})
    return Assignment(customer_of, moved, sorted(created), removed, touched)


def _new_id(anchor: str, taken: set[str]) -> str:
    """Deterministic from the component's smallest record key, so a fresh rebuild gives the same ids."""
    salt = 0
    while True:
        digest = hashlib.sha1(f"{anchor}#{salt}".encode()).hexdigest()[:11].upper()
        candidate = f"C{digest}"
        if candidate not in taken:
            return candidate
        salt += 1
