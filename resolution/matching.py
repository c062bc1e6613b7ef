"""The probabilistic stage of a run against the store: which records to compare, the ``SIMILAR_TO`` edges to keep.

``find`` only reads (so a run computes it on a second core while the store refreshes identifier links);
``apply`` writes the difference between the pairs found and the edges in the graph. The engine itself is
``resolution.linkage``.

An incremental run scores the pairs touching the changed records, against every other record's columns.
Reading every record back from the store would cost more than the rest of the run, so the rows of the last
run are kept in a cache file under ``C360_HOME/cache``, tagged with that run's id: it is used only when the
store's last run is that run, and the records changed since are read fresh. Without a valid cache, all are
read.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.database import Graph
from graph.home import open_private
from resolution import linkage
from resolution.engines import Engine, duckdb
from resolution.features import IDENTIFIER_COLUMNS, Row, row, table
from resolution.rules import Rules

PairKey = tuple[str, str]


@dataclass
class Matches:
    found: dict[PairKey, linkage.Pair]
    scope: set[str] | None  # the records whose edges were recomputed; None: all
    records: dict[str, Row] = field(default_factory=dict)
    complete: bool = False  # ``records`` holds every record with a name: fit to be cached
    fitted: linkage.Model | None = None  # a newly trained model, to be stored
    model: linkage.Model | None = None  # the model that scored (stored or newly trained)
    unusable: set[str] = field(default_factory=set)  # junk and hub identifier keys, blanked in the table

    def table(self) -> linkage.Table:
        """Every record's columns as the model compares them."""
        return table(_usable(self.records.values(), self.unusable))


@dataclass(frozen=True)
class RecordCache:
    path: Path

    def load(self, run_id: str, digest: str) -> dict[str, Row] | None:
        try:
            with open(self.path, "rb") as handle:
                tag, records = pickle.load(handle)  # written by c360 itself, under the user's C360_HOME
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
            return None
        return records if tag == (run_id, digest) else None

    def save(self, run_id: str, digest: str, records: dict[str, Row]) -> None:
        partial = self.path.with_suffix(".partial")
        with open_private(partial, "wb") as handle:  # names, birth dates, phones: owner-only
            pickle.dump(((run_id, digest), records), handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(self.path)


def find(graph: Graph, rules: Rules, digest: str, scope: set[str] | None, refit: bool,
         cached: dict[str, Row] | None, engine: Engine = duckdb) -> Matches:
    """Pairs (all, or those touching ``scope``) scored by the stored model or a newly trained one."""
    if scope is not None and cached is not None:
        records = dict(cached)
        for key in scope:
            records.pop(key, None)
        records.update((found["key"], row(found)) for found in graph.by_keys("resolve_person_records_of", scope))
    else:
        records = {found["key"]: row(found) for found in graph.read("resolve_person_records")}
    matches = Matches({}, scope, records, complete=True)
    changed = None if scope is None else scope & records.keys()
    if changed is not None and not changed:
        stored = graph.read("match_model_read")
        matches.model = json.loads(stored[0]["parameters"]) if stored else None
        return matches
    matches.unusable = {r["key"] for r in graph.read("resolve_unusable_identifiers")}
    columns = matches.table()
    stored = graph.read("match_model_read")
    if stored and not refit and stored[0]["rules"] == digest:
        model: linkage.Model = json.loads(stored[0]["parameters"])
    else:  # a model learns from every record, also when this run scores only some
        model = matches.fitted = linkage.train(columns, rules.matching, engine)
    matches.model = model
    linked = _already_linked(records, rules, {r["key"] for r in graph.read("resolve_blocked_identifiers")})
    for pair in linkage.predict(columns, model, rules.matching, changed, engine):
        if not linked(pair.a, pair.b):
            matches.found[(pair.a, pair.b)] = pair
    return matches


def _already_linked(records: dict[str, Row], rules: Rules, blocked: set[str]) -> Callable[[str, str], bool]:
    """Whether two records share a value that links them by itself: their match adds no edge worth writing
    (an explanation shows the shared value, and asks the model about the pair when it is wanted)."""
    kinds = [kind for kind in IDENTIFIER_COLUMNS if kind in rules.link_types]

    def linked(a: str, b: str) -> bool:
        left, right = records[a], records[b]
        return any(left[k] is not None and left[k] == right[k] and f"{k}:{left[k]}" not in blocked for k in kinds)

    return linked


def _usable(records: Iterable[Row], unusable: set[str]) -> list[Row]:
    """Rows with junk and hub identifier values blanked: a value shared by strangers is no evidence."""
    rows: list[Row] = []
    for record in records:
        blanked: Row = {kind: None for kind in IDENTIFIER_COLUMNS if f"{kind}:{record[kind]}" in unusable}
        if blanked:
            record = record | blanked
            if "email" in blanked:
                record["email_user"] = None
        rows.append(record)
    return rows


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
    written = [{"a": p.a, "b": p.b, "score": round(p.probability, 6), "rule": p.rule,
                "weights": json.dumps(p.weights, separators=(",", ":"))} for p in found.values()]
    added = [w for w in written if (w["a"], w["b"]) not in existing]
    rescored = [w for w in written if (w["a"], w["b"]) in existing and existing[(w["a"], w["b"])] != w["score"]]
    graph.write_batches("resolve_similar_delete", gone)
    graph.write_batches("resolve_similar_create", added, run_id=run_id)
    graph.write_batches("resolve_similar_write", rescored, run_id=run_id)
    touched = {k for item in gone + added + rescored for k in (item["a"], item["b"])}
    return Applied(len(added), len(gone), touched)
