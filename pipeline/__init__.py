"""What follows what: the one place that says which step runs after loads, resolution and corrections.

Homes and shopping places (``geo.locate``) are materialised from profiles and purchases, so they must be
refreshed whenever either changes: after a load (new purchases move ``SHOPS_AT``), after a resolution run,
after a manual merge or split, and after a service-desk correction. Every adapter (the command line, the
API) goes through these functions, so none of them can forget a step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desk.changes import Change
from desk.contact import correct_contact as desk_correct_contact
from geo.locate import LocateSummary, locate
from graph.database import Graph
from loaders.mapping import SourceMapping
from loaders.run import LoadSummary, Progress, load_file
from resolution import ResolutionSummary
from resolution import resolve as resolve_identities
from resolution.decisions import decide as record_decision
from resolution.engines import EngineName
from resolution.rules import Rules

ProgressFor = Callable[[Path, SourceMapping], AbstractContextManager[Progress | None]]
#: follow-up steps write shared nodes (homes): one at a time per process
_FOLLOWING = threading.Lock()


@dataclass(frozen=True)
class Loaded:
    files: list[LoadSummary]
    located: LocateSummary


@dataclass(frozen=True)
class Resolved:
    resolution: ResolutionSummary
    located: LocateSummary


def after_load(graph: Graph) -> LocateSummary:
    """New purchases move where customers shop at once; new people get a home once resolved."""
    with _FOLLOWING:
        return locate(graph)


def after_resolution(graph: Graph, summary: ResolutionSummary) -> LocateSummary:
    """Profiles changed: their homes and shopping places follow (all of them after a full run)."""
    with _FOLLOWING:
        return locate(graph, full=summary.mode == "full")


def load(graph: Graph, files: list[tuple[Path, SourceMapping]], home: Path,
         progress: ProgressFor | None = None) -> Loaded:
    """Load files in the order given (``loaders.run.plan``), then refresh what depends on them.

    ``progress`` opens, per file, the row counter its load advances (a progress bar).
    """
    summaries = []
    for path, mapping in files:
        with progress(path, mapping) if progress else nullcontext() as advance:
            summaries.append(load_file(graph, path, mapping, home, advance))
    return Loaded(summaries, after_load(graph))


def resolve(graph: Graph, rules: Rules | None = None, *, full: bool = False, refit: bool = False,
            cache_dir: Path | None = None, engine: EngineName = "duckdb") -> Resolved:
    summary = resolve_identities(graph, rules, full=full, refit=refit, cache_dir=cache_dir, engine=engine)
    return Resolved(summary, after_resolution(graph, summary))


def decide(graph: Graph, a: str, b: str, *, same: bool, by: str, why: str, rules: Rules,
           cache_dir: Path | None = None) -> Resolved:
    """A person's merge or split of two records, re-resolved, with homes following."""
    summary = record_decision(graph, a, b, same=same, by=by, why=why, rules=rules, cache_dir=cache_dir)
    return Resolved(summary, after_resolution(graph, summary))


def correct_contact(graph: Graph, rules: Rules, customer_id: str, changes: dict[str, Any], by: str,
                    why: str | None = None) -> Change:
    """A service-desk correction, re-resolved, with the customer's home following the new address."""
    change = desk_correct_contact(graph, rules, customer_id, changes, by, why)
    with _FOLLOWING:
        locate(graph)
    return change
