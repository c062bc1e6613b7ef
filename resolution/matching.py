"""The fuzzy stage of a run against the store: which records to compare, and the ``SIMILAR_TO`` edges to keep.

``find`` only reads (so a run computes it on a second core while the store refreshes identifier links);
``apply`` writes the difference between the edges found and those in the graph.

An incremental run compares the changed records with every other record's blocking keys. Reading every
record back from the store would cost more than the rest of the run, so the features of the last run are
kept in a cache file under ``C360_HOME/cache``, tagged with that run's id: it is used only when the store's
last run is that run, and the records changed since are read fresh. Without a valid cache, all are read.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from graph.database import Graph
from resolution import fuzzy
from resolution.features import Features, features
from resolution.rules import Rules

Pair = tuple[str, str]


@dataclass
class Matches:
    found: dict[Pair, tuple[float, str]]
    scope: set[str] | None  # the records whose edges were recomputed; None: all
    records: dict[str, Features] = field(default_factory=dict)
    complete: bool = False  # ``records`` holds every record with a name: fit to be cached
    fitted: fuzzy.MatchModel | None = None  # a newly fitted model, to be stored


@dataclass(frozen=True)
class FeatureCache:
    path: Path

    def load(self, run_id: str, digest: str) -> dict[str, Features] | None:
        try:
            with open(self.path, "rb") as handle:
                tag, records = pickle.load(handle)  # written by c360 itself, under the user's C360_HOME
        except (OSError, pickle.UnpicklingError, EOFError, ValueError):
            return None
        return records if tag == (run_id, digest) else None

    def save(self, run_id: str, digest: str, records: dict[str, Features]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".partial")
        with open(partial, "wb") as handle:
            pickle.dump(((run_id, digest), records), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self.path)


def find(graph: Graph, rules: Rules, digest: str, scope: set[str] | None, refit: bool,
         cached: dict[str, Features] | None) -> Matches:
    """Candidate pairs (all, or those touching ``scope``) scored by the stored model or a new fit."""
    if scope is not None and cached is not None:
        records = dict(cached)
        for key in scope:
            records.pop(key, None)
        records.update((row["key"], features(row)) for row in graph.by_keys("resolve_person_records_of", scope))
    else:
        records = {row["key"]: features(row) for row in graph.read("resolve_person_records")}
    ordered = list(records.values())
    only = None if scope is None else {i for i, r in enumerate(ordered) if r.key in scope}
    matches = Matches({}, scope, records, complete=True)
    if only is not None and not only:
        return matches
    table = fuzzy.Table(ordered)
    candidates = fuzzy.candidate_pairs(ordered, rules.fuzzy.max_block_size, only)
    levels = fuzzy.compare(table, candidates.left, candidates.right)
    stored = graph.read("match_model_read")
    if stored and not refit and stored[0]["rules"] == digest:
        model = fuzzy.MatchModel.from_dict(json.loads(stored[0]["parameters"]))
    else:  # a fit learns from every candidate pair, also when this run scores only some
        if only is None:
            every_level = levels
        else:
            everything = fuzzy.candidate_pairs(ordered, rules.fuzzy.max_block_size)
            every_level = fuzzy.compare(table, everything.left, everything.right)
        model = matches.fitted = fuzzy.fit(table, every_level, rules.fuzzy.prior)
    probability = model.probability(levels)
    accepted = (probability >= rules.fuzzy.threshold) & ~fuzzy.guarded(levels)
    for i in accepted.nonzero()[0]:
        a, b = sorted((ordered[candidates.left[i]].key, ordered[candidates.right[i]].key))
        matches.found[(a, b)] = (round(float(probability[i]), 6), f"fuzzy:{candidates.rule[i]}")
    return matches


@dataclass(frozen=True)
class Applied:
    added: int
    removed: int
    touched: set[str]


def apply(graph: Graph, matches: Matches, run_id: str) -> Applied:
    """Write the edges found, remove those no longer found, within the matches' scope."""
    if matches.scope is None:
        rows = graph.read("resolve_similar_edges")
    else:
        rows = graph.by_keys("resolve_similar_edges_of", matches.scope)
    existing = {(r["a"], r["b"]): r["score"] for r in rows}
    found = matches.found
    gone = [{"a": a, "b": b} for (a, b) in existing if (a, b) not in found]
    added = [{"a": a, "b": b, "score": s, "rule": rule} for (a, b), (s, rule) in found.items()
             if (a, b) not in existing]
    rescored = [{"a": a, "b": b, "score": s, "rule": rule} for (a, b), (s, rule) in found.items()
                if (a, b) in existing and existing[(a, b)] != s]
    graph.write_batches("resolve_similar_delete", gone)
    graph.write_batches("resolve_similar_create", added, run_id=run_id)
    graph.write_batches("resolve_similar_write", rescored, run_id=run_id)
    touched = {k for row in gone + added + rescored for k in (row["a"], row["b"])}
    return Applied(len(added), len(gone), touched)
