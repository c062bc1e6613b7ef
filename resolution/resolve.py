"""Identity resolution: which source records are one person, computed in the database.

A run (full, or incremental over what changed since the last one):
1. identifiers: mark junk and hub values as blocked, refresh ``LINKED_BY`` links through the others;
2. fuzzy: compare records within blocks, keep ``SIMILAR_TO`` edges above the threshold (``fuzzy``);
3. components: weakly connected components over ``LINKED_BY``, ``SIMILAR_TO`` and ``SAME_AS`` — the store's
   WCC for a full run, a frontier expansion from the changed records for an incremental one;
4. constraints: a component holding records that must stay apart is split at its weakest links;
5. profiles: each component keeps the id of the profile it overlaps most; golden attributes are refreshed;
   the run is recorded as a ``ResolutionRun`` with its counts.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph.store import Store
from resolution import constraints, fuzzy
from resolution.constraints import SAME_AS_STRENGTH, Link
from resolution.features import Features, features
from resolution.rules import Rules, default_rules

LINK_RELATIONSHIPS = ["LINKED_BY", "SIMILAR_TO", "SAME_AS"]
KEY_BATCH = 5000


@dataclass(frozen=True)
class ResolutionSummary:
    run_id: str
    mode: str
    records: int
    customers: int
    merged_records: int
    records_moved: int
    customers_created: int
    customers_removed: int
    links: int
    similar_added: int
    similar_removed: int
    blocked_changed: int
    components_split: int
    links_cut: int
    seconds: float
    steps: dict[str, float] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Assignment:
    """The profile id of every record, and what changed against the previous run."""

    customer_of: dict[str, str]
    moved: list[dict[str, str]]
    created: list[str]
    removed: list[str]
    touched: list[str]
    unattached: set[str]  # records that had no profile before


@dataclass
class _Run:
    store: Store
    rules: Rules
    run_id: str
    now: datetime
    counts: Counter[str] = field(default_factory=Counter)
    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time a stage, for the run's record and the benchmark."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = round(self.steps.get(name, 0.0) + time.perf_counter() - started, 3)

    def keyed(self, name: str, keys: Iterable[str], **params: Any) -> list[dict[str, Any]]:
        """A ``$keys`` query over many keys, in batches."""
        keys = sorted(set(keys))
        rows: list[dict[str, Any]] = []
        for start in range(0, len(keys), KEY_BATCH):
            rows += self.store.write(name, keys=keys[start:start + KEY_BATCH], **params)
        return rows


def rules_digest(rules: Rules) -> str:
    return hashlib.sha1(rules.model_dump_json().encode()).hexdigest()[:12]


def resolve(store: Store, rules: Rules | None = None, *, full: bool = False, refit: bool = False,
            seeds: Iterable[str] = ()) -> ResolutionSummary:
    """Resolve what changed since the last run (``seeds`` are records to revisit anyway), or everything.

    A run is full when asked, when there is no earlier run, or when the rules changed since it.
    """
    started = time.perf_counter()
    rules = rules or default_rules()
    now = datetime.now(UTC)
    run = _Run(store, rules, f"{now:%Y%m%dT%H%M%S}-resolve-{uuid.uuid4().hex[:6]}", now)
    digest = rules_digest(rules)
    last = store.read("resolution_last_run")
    incremental = not full and bool(last) and last[0]["rules"] == digest
    params = rules.parameters()
    with run.step("changes"):
        changed_records = set(seeds)
        if last:
            changed_records |= {r["key"] for r in store.read("resolve_dirty_records", since=last[0]["started_at"])}
        if incremental:
            dirty = set(changed_records)
            identifier_keys = {r["key"] for r in run.keyed("resolve_record_identifiers", dirty, types=params["types"])}
        else:
            dirty = set()
            identifier_keys = {r["key"] for r in store.read("resolve_linking_identifiers", types=params["types"])}
    with run.step("identifiers"):
        changed = [r["key"] for r in run.keyed("resolve_block_identifiers", identifier_keys, **params)]
        run.counts["blocked_changed"] = len(changed)
        run.keyed("resolve_unlink_stale", identifier_keys, **params)
        run.counts["links"] = sum(r["links"] for r in run.keyed("resolve_links", identifier_keys, **params))
        if incremental:
            dirty |= {r["key"] for r in run.keyed("resolve_identifier_records", identifier_keys)}
    with run.step("fuzzy"):
        touched_by_fuzzy = _fuzzy(run, dirty if incremental else None, refit)
    with run.step("components"):
        if incremental:
            rows = _incremental_components(run, dirty | touched_by_fuzzy)
        else:
            rows = _refined(run, store.components(LINK_RELATIONSHIPS))
        plan = assign_ids(rows)
    with run.step("profiles"):
        store.write("resolve_create_customers", ids=plan.created, now=now)
        store.write_batches("resolve_attach_records", [m for m in plan.moved if m["key"] in plan.unattached],
                            now=now, run_id=run.run_id)
        store.write_batches("resolve_move_records", [m for m in plan.moved if m["key"] not in plan.unattached],
                            now=now, run_id=run.run_id)
        store.write("resolve_delete_customers", ids=plan.removed)
        golden = sorted(set(plan.touched) | {plan.customer_of[k] for k in changed_records if k in plan.customer_of})
        for start in range(0, len(golden), 2000):
            store.write("resolve_golden", ids=golden[start:start + 2000], now=now, trust=rules.sources)
    sizes = Counter(plan.customer_of.values())
    summary = ResolutionSummary(
        run_id=run.run_id, mode="incremental" if incremental else "full", records=len(plan.customer_of),
        customers=len(sizes), merged_records=sum(n for n in sizes.values() if n > 1),
        records_moved=len(plan.moved), customers_created=len(plan.created), customers_removed=len(plan.removed),
        links=run.counts["links"], similar_added=run.counts["similar_added"],
        similar_removed=run.counts["similar_removed"], blocked_changed=run.counts["blocked_changed"],
        components_split=run.counts["components_split"], links_cut=run.counts["links_cut"],
        seconds=round(time.perf_counter() - started, 3), steps=dict(run.steps))
    record = {k: v for k, v in asdict(summary).items() if k != "steps"}
    store.write("resolution_run", run={**record, "started_at": now, "rules": digest,
                                       "steps": json.dumps(run.steps)})
    return summary


# -- fuzzy links -----------------------------------------------------------------------------------------
def _fuzzy(run: _Run, dirty: set[str] | None, refit: bool) -> set[str]:
    """Refresh ``SIMILAR_TO`` edges (all, or those touching ``dirty``); returns the records whose edges changed."""
    if not run.rules.fuzzy.enabled or (dirty is not None and not dirty):
        return set()
    records = [features(row) for row in run.store.read("resolve_person_records")]
    position = {record.key: i for i, record in enumerate(records)}
    only = None if dirty is None else {position[k] for k in dirty if k in position}
    if only is not None and not only:
        return set()
    table = fuzzy.Table(records)
    candidates = fuzzy.candidate_pairs(records, run.rules.fuzzy.max_block_size, only)
    model = _model(run, table, candidates if only is None else None, refit)
    found = _similar_pairs(records, table, candidates, model, run.rules.fuzzy.threshold)
    existing = {(r["a"], r["b"]): r["score"] for r in run.store.read("resolve_similar_edges")}
    if dirty is not None:
        existing = {pair: s for pair, s in existing.items() if pair[0] in dirty or pair[1] in dirty}
    gone = [{"a": a, "b": b} for (a, b) in existing if (a, b) not in found]
    new = [{"a": a, "b": b, "score": score, "rule": rule} for (a, b), (score, rule) in found.items()
           if existing.get((a, b)) != score]
    added = [row for row in new if (row["a"], row["b"]) not in existing]
    run.store.write_batches("resolve_similar_delete", gone)
    run.store.write_batches("resolve_similar_create", added, run_id=run.run_id)
    run.store.write_batches("resolve_similar_write", [row for row in new if (row["a"], row["b"]) in existing],
                            run_id=run.run_id)
    run.counts["similar_added"] = len(added)
    run.counts["similar_removed"] = len(gone)
    return {k for row in gone + new for k in (row["a"], row["b"])}


def _model(run: _Run, table: fuzzy.Table, candidates: fuzzy.Candidates | None, refit: bool) -> fuzzy.MatchModel:
    """The stored model, unless it was fitted under other rules or a refit is asked for; a fit uses all
    candidate pairs (``candidates``, or those of every record when the run compares only some)."""
    digest = rules_digest(run.rules)
    stored = run.store.read("match_model_read")
    if stored and not refit and stored[0]["rules"] == digest:
        return fuzzy.MatchModel.from_dict(json.loads(stored[0]["parameters"]))
    if candidates is None:
        candidates = fuzzy.candidate_pairs(table.records, run.rules.fuzzy.max_block_size)
    model = fuzzy.fit(table, candidates, run.rules.fuzzy.prior)
    run.store.write("match_model_write", parameters=json.dumps(model.to_dict()), rules=digest, now=run.now,
                    pairs=model.fitted_pairs)
    return model


def _similar_pairs(records: list[Features], table: fuzzy.Table, candidates: fuzzy.Candidates,
                   model: fuzzy.MatchModel, threshold: float) -> dict[tuple[str, str], tuple[float, str]]:
    """Scored candidate pairs at or above ``threshold`` that no guard refuses, keyed by ordered record keys."""
    if not len(candidates.left):
        return {}
    levels = fuzzy.compare(table, candidates.left, candidates.right)
    probability = model.probability(levels)
    accepted = (probability >= threshold) & ~fuzzy.guarded(levels)
    found = {}
    for i in accepted.nonzero()[0]:
        a, b = sorted((records[candidates.left[i]].key, records[candidates.right[i]].key))
        found[(a, b)] = (round(float(probability[i]), 6), f"fuzzy:{candidates.rule[i]}")
    return found


# -- components and constraints --------------------------------------------------------------------------
def _constraints(run: _Run) -> tuple[dict[str, dict[tuple[str, str], str]], dict[str, set[str]]]:
    """Exclusive identifier values per record, and the records each one is declared not to be."""
    exclusive: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    scoped = set(run.rules.exclusive("source"))
    rows = run.store.read("resolve_exclusive_values", types=run.rules.exclusive("global") + sorted(scoped))
    for row in rows:
        scope = row["source"] if row["type"] in scoped else "*"
        exclusive[row["key"]][(row["type"], scope)] = row["value"]
    not_same: dict[str, set[str]] = defaultdict(set)
    for row in run.store.read("resolve_decisions"):
        if row["decision"] == "NOT_SAME_AS":
            not_same[row["a"]].add(row["b"])
            not_same[row["b"]].add(row["a"])
    return exclusive, not_same


def _links(run: _Run, keys: Iterable[str]) -> list[Link]:
    """Every link among ``keys`` as record pairs: identifier links become pairs of their records."""
    links = []
    by_identifier: dict[str, list[str]] = defaultdict(list)
    types: dict[str, str] = {}
    for row in run.keyed("resolve_identifier_links", keys):
        by_identifier[row["via"]].append(row["key"])
        types[row["via"]] = row["type"]
    for via, members in by_identifier.items():
        members.sort()
        links += [Link(run.rules.trust(types[via]), a, b, via) for i, a in enumerate(members) for b in members[i + 1:]]
    for row in run.keyed("resolve_record_links", keys):
        a, b = sorted((row["key"], row["other"]))
        strength = SAME_AS_STRENGTH if row["type"] == "SAME_AS" else float(row["score"] or 0.0)
        links.append(Link(strength, a, b, row["type"]))
    return sorted(set(links))


def _refined(run: _Run, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split the components that hold records which must stay apart."""
    exclusive, not_same = _constraints(run)
    members: dict[Any, list[str]] = defaultdict(list)
    for row in rows:
        members[row["component"]].append(row["key"])
    conflicting = {c: keys for c, keys in members.items()
                   if len(keys) > 1 and constraints.has_conflict(keys, exclusive, not_same)}
    if not conflicting:
        return rows
    label: dict[str, str] = {}
    all_keys = [k for keys in conflicting.values() for k in keys]
    links = _links(run, all_keys)
    wanted = set(all_keys)
    for component, keys in conflicting.items():
        inside = set(keys)
        result = constraints.split(keys, [x for x in links if x.a in inside and x.b in inside], exclusive, not_same)
        run.counts["components_split"] += len(result.groups) > 1
        run.counts["links_cut"] += len(result.cut)
        for group in result.groups:
            for key in group:
                label[key] = f"{component}/{group[0]}"
    return [{**row, "component": label[row["key"]]} if row["key"] in wanted else row for row in rows]


def _incremental_components(run: _Run, seeds: set[str]) -> list[dict[str, Any]]:
    """Components of the records reachable from ``seeds`` (through links and shared profiles), labelled by
    the same constrained union as a full run's split."""
    reached = set(seeds)
    frontier = set(seeds)
    while frontier:
        found = {r["other"] for r in run.keyed("resolve_neighbours", frontier)}
        frontier = found - reached
        reached |= frontier
    if not reached:
        return []
    exclusive, not_same = _constraints(run)
    result = constraints.split(sorted(reached), _links(run, reached), exclusive, not_same)
    run.counts["links_cut"] += len(result.cut)
    label = {key: group[0] for group in result.groups for key in group}
    return [{"key": row["key"], "component": label[row["key"]], "customer_id": row["customer_id"]}
            for row in run.keyed("resolve_records_state", reached)]


# -- profile ids -----------------------------------------------------------------------------------------
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
    unattached = {k for k, c in previous.items() if c is None}
    return Assignment(customer_of, moved, sorted(created), removed, touched, unattached)


def _new_id(anchor: str, taken: set[str]) -> str:
    """Deterministic from the component's smallest record key, so a fresh rebuild gives the same ids."""
    salt = 0
    while True:
        digest = hashlib.sha1(f"{anchor}#{salt}".encode()).hexdigest()[:11].upper()
        candidate = f"C{digest}"
        if candidate not in taken:
            return candidate
        salt += 1
