"""Load files into the graph: find each file's mapping, stream it in batches, record a ``LoadRun``."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from graph.errors import InputError
from graph.store import Store
from loaders import customers
from loaders.mapping import SourceMapping, mapping_for, read_mapping
from loaders.readers import read_rows
from loaders.rejects import RejectLog

DATA_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".tsv", ".txt")
BATCH_SIZE = 2000

Progress = Callable[[int], None]


@dataclass(frozen=True)
class LoadSummary:
    """What one file's load did: ``read`` always equals ``accepted + rejected``."""

    run_id: str
    file: str
    source: str
    kind: str
    read: int
    accepted: int
    rejected: int
    values_dropped: int
    seconds: float
    reject_file: str | None


def plan(paths: list[Path], mapping: Path | None = None) -> list[tuple[Path, SourceMapping]]:
    """Every (data file, mapping) pair named by the arguments, checked before anything is written."""
    if not paths:
        raise InputError("name at least one file or directory to load")
    pairs: list[tuple[Path, SourceMapping]] = []
    for path in paths:
        if path.is_dir():
            pairs += _directory_plan(path)
        elif path.is_file():
            pairs.append((path, mapping_for(path, mapping)))
        else:
            raise InputError(f"{path}: no such file or directory")
    return pairs


def _directory_plan(directory: Path) -> list[tuple[Path, SourceMapping]]:
    pairs = []
    for mapping_file in sorted(directory.glob("*.toml")):
        data = [p for p in sorted(directory.glob(mapping_file.stem + ".*")) if p.suffix in DATA_SUFFIXES]
        if not data:
            raise InputError(f"{mapping_file}: no data file {mapping_file.stem}.csv or .jsonl beside it")
        pairs.append((data[0], read_mapping(mapping_file)))
    if not pairs:
        raise InputError(f"{directory}: no source mapping (*.toml) in this directory")
    return pairs


def load_file(store: Store, path: Path, mapping: SourceMapping, home: Path,
              progress: Progress | None = None) -> LoadSummary:
    started = time.perf_counter()
    loaded_at = datetime.now(UTC)
    run_id = f"{loaded_at:%Y%m%dT%H%M%S}-{mapping.source.name}-{uuid.uuid4().hex[:6]}"
    rejects = RejectLog(home / "rejects" / f"{run_id}.jsonl")
    accepted = 0
    try:
        records = customers.validate(read_rows(path, mapping), mapping, path, rejects)
        while batch := list(islice(records, BATCH_SIZE)):
            customers.load(store, [customers.transform(a, mapping) for a in batch], run_id, loaded_at)
            accepted += len(batch)
            if progress:
                progress(len(batch))
    finally:
        rejects.close()
    summary = LoadSummary(run_id, str(path), mapping.source.name, mapping.source.kind,
                          accepted + rejects.records, accepted, rejects.records, rejects.values,
                          round(time.perf_counter() - started, 3),
                          str(rejects.path) if rejects.records or rejects.values else None)
    store.write("load_run", run={**asdict(summary), "started_at": loaded_at, "finished_at": datetime.now(UTC)})
    return summary
