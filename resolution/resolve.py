"""Identity resolution: which source records are one person, computed in the database.

A run (full, or incremental over what changed since the last one):
1. identifiers: mark junk, hub and household values as blocked, refresh ``LINKED_BY`` links through the
   others;
2. matching: score candidate pairs with the probabilistic model, keep ``SIMILAR_TO`` edges above the threshold
   (``matching``, ``linkage``);
3. components: weakly connected components over ``LINKED_BY``, ``SIMILAR_TO`` and ``SAME_AS`` — the store's
   WCC for a full run, a frontier expansion from the changed records for an incremental one;
4. constraints: a component holding records that must stay apart (a decision; exclusive values that are not a
   slip of one another) is split at its weakest links;
5. profiles: each component keeps the id of the profile it overlaps most; golden attributes are refreshed,
   in one transaction with the records each profile gains or loses (``profiles``: none is seen half-made);
   the run is recorded as a ``ResolutionRun`` with its counts.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from graph.database import Graph
from graph.keyed import keyed_hash
from graph.runs import Run, running
from resolution import constraints, linkage, matching, profiles, slips
from resolution.constraints import SAME_AS_STRENGTH, Link
from resolution.engines import ENGINES, Engine, EngineName, duckdb
from resolution.households import is_household
from resolution.rules import Rules, default_rules

LINK_RELATIONSHIPS = ["LINKED_BY", "SIMILAR_TO", "SAME_AS"]


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
    previous: dict[str, str | None]  # each record's profile before the run (None: it had none)


@dataclass
class _Run:
    """What the stages of one resolution share: the graph, the rules, the run's bookkeeping, and once matching
    is done, its records and model."""

    graph: Graph
    rules: Rules
    audit: Run
    engine: Engine = duckdb
    matches: matching.Matches | None = None

    @property
    def run_id(self) -> str:
        return self.audit.run_id

    @property
    def counts(self) -> Counter[str]:
        return self.audit.counts

    @property
    def conflicts(self) -> constraints.Conflicts:
        return slips.conflicts(self.rules)


def rules_digest(rules: Rules) -> str:
    return hashlib.sha1(rules.model_dump_json().encode()).hexdigest()[:12]


def resolve(graph: Graph, rules: Rules | None = None, *, full: bool = False, refit: bool = False,
            seeds: Iterable[str] = (), cache_dir: Path | None = None,
            engine: EngineName = "duckdb") -> ResolutionSummary:
    """Resolve what changed since the last run (``seeds`` are records to revisit anyway), or everything.

    A run is full when asked, when there is no earlier run, or when the rules changed since it. Fuzzy
    matching only reads, so it runs on a second thread while the store refreshes identifier links.
    ``cache_dir`` keeps the compared fields between runs (see ``matching``).
    """
    rules = rules or default_rules()
    digest = rules_digest(rules)
    with running(graph, "resolution", "resolve", rules=digest) as audit:
        summary = _resolve(_Run(graph, rules, audit, ENGINES[engine]), digest, full, refit, seeds, cache_dir)
        audit.record(**{k: v for k, v in asdict(summary).items() if k != "steps"}, steps=json.dumps(summary.steps))
    return summary


def _resolve(run: _Run, digest: str, full: bool, refit: bool, seeds: Iterable[str],
             cache_dir: Path | None) -> ResolutionSummary:
    graph, rules, now = run.graph, run.rules, run.audit.started_at
    last = graph.read("resolution_last_run")
    incremental = not full and bool(last) and last[0]["rules"] == digest
    params = rules.parameters()
    cache = matching.RecordCache(cache_dir / f"records-{graph.database}.pickle") if cache_dir else None
    with run.audit.step("changes"):
        changed_records = set(seeds)
        if last:
            overlapping = graph.read("resolve_changes_since", since=last[0]["started_at"])[0]["since"]
            since = min(last[0]["started_at"], overlapping)
            changed_records |= {r["key"] for r in graph.read("resolve_dirty_records", since=since)}
        if incremental:
            identifier_keys = {r["key"] for r in
                               run.graph.by_keys("resolve_record_identifiers", changed_records, types=params["types"])}
        else:
            identifier_keys = {r["key"] for r in graph.read("resolve_linking_identifiers", types=params["types"])}
            identifier_keys |= {r["key"] for r in graph.read("resolve_blocked_identifiers")}
    with run.audit.step("identifiers"):  # first, so that matching sees which values are junk or hubs
        households = _households(run, identifier_keys)
        marked = {r["key"] for r in graph.by_keys("resolve_block_identifiers", identifier_keys, write=True,
                                                  households=sorted(households), **params)}
        run.counts["blocked_changed"] = len(marked)
        if incremental and marked:  # a value that became junk, a hub or a household changes its records' evidence
            changed_records |= {r["key"] for r in graph.by_keys("resolve_identifier_records", marked)}
    with ThreadPoolExecutor(1, thread_name_prefix="c360-matching") as background:
        pending = background.submit(_find_matches, run, digest, changed_records if incremental else None, refit,
                                    cache, last[0]["run_id"] if incremental else None)
        with run.audit.step("links"):
            graph.by_keys("resolve_unlink_stale", identifier_keys, write=True, **params)
            linked = graph.by_keys("resolve_links", identifier_keys, write=True, **params)
            run.counts["links"] = sum(r["links"] for r in linked)
            dirty = set(changed_records)
            if incremental:
                dirty |= {r["key"] for r in run.graph.by_keys("resolve_identifier_records", identifier_keys)}
        with run.audit.step("matching"):
            matches = run.matches = pending.result()
            applied = matching.apply(graph, matches, run.run_id)
            if matches.fitted is not None:
                graph.write("match_model_write", parameters=json.dumps(matches.fitted), rules=digest, now=now,
                            records=len(matches.records))
            run.counts["similar_added"], run.counts["similar_removed"] = applied.added, applied.removed
    with run.audit.step("components"):
        if incremental:
            rows = _incremental_components(run, dirty | applied.touched)
        else:
            rows = _refined(run, graph.components(LINK_RELATIONSHIPS))
        plan = assign_ids(rows, _profile_id_key(graph))
    with run.audit.step("profiles"):  # each group of profiles trading records in one transaction
        refreshed = {plan.customer_of[k] for k in changed_records if k in plan.customer_of}
        profiles.write(graph, profiles.changes(plan.moved, plan.previous, plan.created, plan.removed, refreshed),
                       rules, now, run.run_id)
    sizes = Counter(plan.customer_of.values())
    summary = ResolutionSummary(
        run_id=run.run_id, mode="incremental" if incremental else "full", records=len(plan.customer_of),
        customers=len(sizes), merged_records=sum(n for n in sizes.values() if n > 1),
        records_moved=len(plan.moved), customers_created=len(plan.created), customers_removed=len(plan.removed),
        links=run.counts["links"], similar_added=run.counts["similar_added"],
        similar_removed=run.counts["similar_removed"], blocked_changed=run.counts["blocked_changed"],
        components_split=run.counts["components_split"], links_cut=run.counts["links_cut"],
        seconds=run.audit.seconds, steps=dict(run.audit.steps))
    if cache is not None and matches.complete:
        cache.save(run.run_id, digest, matches.records)
    return summary


# -- probabilistic links -------------------------------------------------------------------------------
def _find_matches(run: _Run, digest: str, scope: set[str] | None, refit: bool, cache: matching.RecordCache | None,
                  last_run_id: str | None) -> matching.Matches:
    cached = cache.load(last_run_id, digest) if cache is not None and last_run_id else None
    if not run.rules.matching.enabled or (scope is not None and not scope):
        # nothing to compare: a valid cache stays valid for the next run
        return matching.Matches({}, scope=set(), records=cached or {}, complete=cached is not None)
    return matching.find(run.graph, run.rules, digest, scope, refit, cached, run.engine)


# -- the household guard --------------------------------------------------------------------------------
def _households(run: _Run, identifier_keys: set[str]) -> set[str]:
    """Linking values shared by records that name clearly different people (``resolution.households``)."""
    guarded = sorted(t for t in run.rules.link_types if run.rules.identifiers[t].household_guard)
    if not guarded:
        return set()
    rows = run.graph.by_keys("resolve_identifier_names", identifier_keys, types=guarded,
                             max_records=run.rules.parameters()["max_records"])
    return {row["key"] for row in rows if is_household([(first, last) for first, last in row["names"]])}


# -- components and constraints --------------------------------------------------------------------------
def _constraints(run: _Run, keys: Iterable[str]) -> constraints.Rules:
    """Exclusive identifier values of ``keys``, and the records each record is declared not to be."""
    exclusive: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    scoped = set(run.rules.exclusive("source"))
    rows = run.graph.by_keys("resolve_exclusive_values", keys, types=run.rules.exclusive("global") + sorted(scoped))
    for row in rows:
        scope = row["source"] if row["type"] in scoped else "*"
        exclusive[row["key"]][(row["type"], scope)] = row["value"]
    not_same: dict[str, set[str]] = defaultdict(set)
    for row in run.graph.read("resolve_decisions"):
        if row["decision"] == "NOT_SAME_AS":
            not_same[row["a"]].add(row["b"])
            not_same[row["b"]].add(row["a"])
    return constraints.Rules(exclusive, not_same, run.conflicts)


def _vouches(run: _Run, links: Iterable[Link], groups: dict[str, str]) -> constraints.Vouches:
    """Pairs the model calls one person, having weighed their identifiers with everything else: those it
    linked, and — asked about each pair of records carrying exclusive values within a conflicting component
    (``groups``: record → component) — those it would have linked had blocking proposed them."""
    sure = {frozenset((x.a, x.b)) for x in links if x.via == "SIMILAR_TO" and x.strength >= run.rules.matching.vouch}
    found = run.matches
    if found is not None and found.model is not None and found.records:
        asked = {key: group for key, group in groups.items() if key in found.records}
        sure |= linkage.vouched(found.table(), found.model, run.rules.matching, asked, run.engine)
    return lambda a, b: frozenset((a, b)) in sure


def _links(run: _Run, keys: Iterable[str]) -> list[Link]:
    """Every link among ``keys`` as record pairs: identifier links become pairs of their records."""
    links = []
    by_identifier: dict[str, list[str]] = defaultdict(list)
    types: dict[str, str] = {}
    for row in run.graph.by_keys("resolve_identifier_links", keys):
        by_identifier[row["via"]].append(row["key"])
        types[row["via"]] = row["type"]
    for via, members in by_identifier.items():
        members.sort()
        rule = run.rules.identifiers.get(types[via])
        strength, rank = (rule.trust, rule.priority) if rule else (0.0, 99)
        links += [Link(strength, a, b, via, rank) for i, a in enumerate(members) for b in members[i + 1:]]
    for row in run.graph.by_keys("resolve_record_links", keys):
        a, b = sorted((row["key"], row["other"]))
        strength = SAME_AS_STRENGTH if row["type"] == "SAME_AS" else float(row["score"] or 0.0)
        links.append(Link(strength, a, b, row["type"]))
    return sorted(set(links))


def _refined(run: _Run, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Split the components that hold records which must stay apart."""
    members: dict[Any, list[str]] = defaultdict(list)
    for row in rows:
        members[row["component"]].append(row["key"])
    rules = _constraints(run, [k for keys in members.values() if len(keys) > 1 for k in keys])
    # a first sieve without the pairs the model vouches for: the split below decides with them
    conflicting = {c: keys for c, keys in members.items() if len(keys) > 1 and constraints.has_conflict(keys, rules)}
    if not conflicting:
        return rows
    label: dict[str, str] = {}
    all_keys = [k for keys in conflicting.values() for k in keys]
    links = _links(run, all_keys)
    carrying = {key: str(component) for component, keys in conflicting.items() for key in keys
                if key in rules.exclusive}
    rules = replace(rules, vouches=_vouches(run, links, carrying))
    wanted = set(all_keys)
    for component, keys in conflicting.items():
        inside = set(keys)
        result = constraints.split(keys, [x for x in links if x.a in inside and x.b in inside], rules)
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
        found = {r["other"] for r in run.graph.by_keys("resolve_neighbours", frontier)}
        frontier = found - reached
        reached |= frontier
    if not reached:
        return []
    links = _links(run, reached)
    rules = _constraints(run, reached)
    if constraints.has_conflict(reached, rules):
        component = profiles.connected(reached, ((x.a, x.b) for x in links))
        carrying = {key: component[key] for key in reached if key in rules.exclusive}
        rules = replace(rules, vouches=_vouches(run, links, carrying))
    result = constraints.split(sorted(reached), links, rules)
    run.counts["links_cut"] += len(result.cut)
    label = {key: group[0] for group in result.groups for key in group}
    return [{"key": row["key"], "component": label[row["key"]], "customer_id": row["customer_id"]}
            for row in run.graph.by_keys("resolve_records_state", reached)]


# -- profile ids -----------------------------------------------------------------------------------------
def _profile_id_key(graph: Graph) -> bytes:
    """This store's key for new profile ids, made on first use and kept in the store beside the profiles."""
    value: str = graph.write("resolve_profile_id_key", fresh=secrets.token_hex(32))[0]["value"]
    return value.encode()


def assign_ids(components: list[dict[str, Any]], key: bytes) -> Assignment:
    """Give each component a profile id: the previous id it overlaps most, else a new one.

    Greedy by overlap, so when a profile splits, its id stays with the largest part; when two merge,
    the merged profile keeps the id of the larger. Pure, so it is tested without a store.
    """
    members: dict[Any, list[str]] = defaultdict(list)
    previous: dict[str, str | None] = {}
    for row in components:
        members[row["component"]].append(row["key"])
        previous[row["key"]] = row["customer_id"]
    overlaps: list[tuple[int, str, Any]] = []
    for component, keys in members.items():
        for old_id, count in Counter(p for k in keys if (p := previous[k])).items():
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
            chosen[component] = _new_id(min(keys), taken, key)
            taken.add(chosen[component])
            created.append(chosen[component])
    customer_of = {key: chosen[component] for component, keys in members.items() for key in keys}
    moved = [{"key": k, "customer_id": c} for k, c in customer_of.items() if previous[k] != c]
    old_ids = {c for c in previous.values() if c}
    removed = sorted(old_ids - taken)
    touched = sorted({m["customer_id"] for m in moved})
    return Assignment(customer_of, moved, sorted(created), removed, touched, previous)


def _new_id(anchor: str, taken: set[str], key: bytes) -> str:
    """Deterministic from the component's smallest record key, so a rebuild of the same store gives the same
    ids; keyed, because a record key holds a source's value (``loyalty:CARD``): an unkeyed hash would let
    anyone who sees an id check a guessed card number or email against it."""
    salt = 0
    while True:
        digest = keyed_hash(key, f"{anchor}#{salt}")[:11].upper()
        candidate = f"C{digest}"
        if candidate not in taken:
            return candidate
        salt += 1
