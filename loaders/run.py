"""Load files into the graph: find each file's mapping, stream it in batches, record a ``LoadRun``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from graph.database import Graph
from graph.errors import InputError
from graph.runs import running
from loaders import consents, customers, erased, sources, stores, tickets, transactions, web_events
from loaders.kinds import EventTime, SourceKind
from loaders.mapping import KINDS, SourceMapping, mapping_for, read_mapping
from loaders.readers import RawRow, read_rows
from loaders.rejects import RejectLog
from loaders.validation import Accepted, validate

#: every kind c360 loads, by the name a mapping gives as ``kind``
SOURCE_KINDS: dict[str, SourceKind] = {kind.name: kind for kind in (
    stores.KIND, customers.KIND, transactions.KIND, web_events.KIND, tickets.KIND, consents.KIND)}
DATA_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".tsv", ".txt", ".xlsx", ".xlsm")
BATCH_SIZE = 4000

Progress = Callable[[int], None]


@dataclass(frozen=True)
class LoadSummary:
    """What one file's load did: ``read`` always equals ``accepted + rejected + erased`` (``erased``: rows of
    people erased before, refused without their values, ``loaders.erased``)."""

    run_id: str
    file: str
    source: str
    kind: str
    read: int
    accepted: int
    rejected: int
    erased: int
    values_dropped: int
    skipped_old: int
    written: int
    seconds: float
    reject_file: str | None


def plan(paths: list[Path], mapping: Path | None = None) -> list[tuple[Path, SourceMapping]]:
    """Every (data file, mapping) pair named by the arguments, checked before anything is written, in
    dependency order: stores, then customers, then what customers do."""
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
    return sorted(pairs, key=lambda pair: KINDS.index(pair[1].source.kind))


def _directory_plan(directory: Path) -> list[tuple[Path, SourceMapping]]:
    pairs = []
    for mapping_file in sorted(directory.glob("*.toml")):
        data = [p for p in sorted(directory.glob(mapping_file.stem + ".*")) if p.suffix.lower() in DATA_SUFFIXES]
        if not data:
            raise InputError(f"{mapping_file}: no data file {mapping_file.stem}.csv, .jsonl or .xlsx beside it")
        pairs.append((data[0], read_mapping(mapping_file)))
    if not pairs:
        raise InputError(f"{directory}: no source mapping (*.toml) in this directory")
    return pairs


class _Tally:
    """Counts flowing records without holding them, and reports progress."""

    def __init__(self, progress: Progress | None) -> None:
        self.accepted = 0
        self.skipped_old = 0
        self.latest: datetime | None = None
        self._progress = progress

    def count(self, records: Iterator[Accepted]) -> Iterator[Accepted]:
        for record in records:
            self.accepted += 1
            if self._progress and self.accepted % 500 == 0:
                self._progress(500)
            yield record
        if self._progress:
            self._progress(self.accepted % 500)

    def newer_than(self, records: Iterator[Accepted], event_time: EventTime,
                   watermark: datetime | None) -> Iterator[Accepted]:
        for record in records:
            at = event_time(record.record)
            if watermark is not None and at <= watermark:
                self.skipped_old += 1
                continue
            self.latest = at if self.latest is None else max(self.latest, at)
            yield record


def load_file(graph: Graph, path: Path, mapping: SourceMapping, home: Path,
              progress: Progress | None = None) -> LoadSummary:
    kind = SOURCE_KINDS[mapping.source.kind]
    source = mapping.source.name
    with running(graph, "load", source, file=str(path), source=source, kind=kind.name) as run:
        rejects = RejectLog(home / "rejects" / f"{run.run_id}.jsonl", hold=True)
        tally = _Tally(progress)
        try:
            records = tally.count(accepted_records(graph, read_rows(path, mapping), mapping, path, rejects))
            if kind.event_time:
                records = tally.newer_than(records, kind.event_time, _watermark(graph, mapping))
            written = _write_pipelined(graph, kind, kind.rows(records, mapping), run.run_id, run.started_at)
        finally:
            rejects.close()
        if tally.latest is not None:
            graph.write("watermark_write", source=source, kind=kind.name, value=tally.latest, run_id=run.run_id)
        read = tally.accepted + rejects.records + rejects.erased
        summary = LoadSummary(run.run_id, str(path), source, kind.name, read, tally.accepted, rejects.records,
                              rejects.erased, rejects.values, tally.skipped_old, written, run.seconds,
                              str(rejects.path) if rejects.records or rejects.values or rejects.erased else None)
        run.record(**asdict(summary))
    sources.register(home, mapping)
    return summary


def accepted_records(graph: Graph, rows: Iterator[RawRow], mapping: SourceMapping, where: Path,
                     rejects: RejectLog, unit: str = "line") -> Iterator[Accepted]:
    """The one way raw rows become records, for a file and for rows posted to the API (``loaders.batch``):
    validated by the kind's model, then the rows of erased people refused."""
    model = SOURCE_KINDS[mapping.source.kind].model
    valid = validate(rows, mapping, model, where, rejects, unit)
    return erased.refused(graph, valid, mapping, where, rejects)


def _write_pipelined(graph: Graph, kind: SourceKind, rows: Iterator[dict[str, Any]], run_id: str,
                     loaded_at: datetime) -> int:
    """Validate the next batch while the store writes this one: one writer, because concurrent writers
    conflict on the embedded store's pages and end up slower than one."""
    written = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="c360-writer") as writer:
        pending: Future[None] | None = None
        while batch := list(islice(rows, BATCH_SIZE)):
            if pending is not None:
                pending.result()
            pending = writer.submit(kind.write, graph, batch, run_id, loaded_at)
            written += len(batch)
        if pending is not None:
            pending.result()
    return written


def _watermark(graph: Graph, mapping: SourceMapping) -> datetime | None:
    found = graph.read("watermark_read", source=mapping.source.name)
    return found[0]["value"] if found else None
