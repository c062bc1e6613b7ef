"""Load rows handed over in memory (the API's ``POST /ingest/<source>``) through the path a file's rows take.

The rows are read as a JSONL file's lines would be (``readers.memory_rows``), validated, cleared against
erasures and turned into the kind's rows by the very functions a file load uses (``run.accepted_records``,
the kind's ``rows``), and written by the kind's own load query, as a ``LoadRun`` of their own. Refusals go to
the reject file as a file's do, and are handed back without their values.

Two things differ from a file, on purpose:

- the rows already stored with the same content hash are counted (``unchanged``) and not written, so a
  sender learns that a re-sent batch changed nothing;
- the watermark of event kinds is neither read nor moved: a live source sends late events, which a file's
  watermark would drop without a word, and an event posted now must not make the next nightly file skip
  the earlier events it holds. Event keys make a re-sent event a no-op anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.database import Graph
from graph.runs import running
from loaders.mapping import SourceMapping
from loaders.readers import memory_rows
from loaders.rejects import Refusal, RejectLog
from loaders.run import SOURCE_KINDS, accepted_records


@dataclass(frozen=True)
class BatchSummary:
    """What one batch did: ``received == accepted + rejected + erased``; of what the accepted rows make
    (one element per row, but one web session per run of a cookie's events), ``written`` changed the graph
    and ``unchanged`` were stored already with the same content. ``changed_keys``: the keys written."""

    run_id: str
    source: str
    kind: str
    received: int
    accepted: int
    rejected: int
    erased: int
    values_dropped: int
    written: int
    unchanged: int
    changed_keys: list[str]
    refusals: list[Refusal]


def load_rows(graph: Graph, rows: Sequence[Any], mapping: SourceMapping, home: Path, origin: str) -> BatchSummary:
    """Validate and write ``rows`` of the source ``mapping`` describes; ``origin`` names them in the run and
    the reject file (``POST /ingest/crm``)."""
    kind = SOURCE_KINDS[mapping.source.kind]
    source = mapping.source.name
    with running(graph, "load", source, file=origin, source=source, kind=kind.name) as run:
        rejects = RejectLog(home / "rejects" / f"{run.run_id}.jsonl", hold=True, keep=True)
        try:
            accepted = list(accepted_records(graph, memory_rows(rows, mapping), mapping, Path(origin), rejects,
                                             unit="row"))
            made = list(kind.rows(iter(accepted), mapping))
            stored = {r["key"]: r["hash"] for r in graph.read(f"ingest_hashes_{kind.name}",
                                                              keys=[row["key"] for row in made])} if made else {}
            changed = [row for row in made if stored.get(row["key"]) != row["hash"]]
            if changed:
                kind.write(graph, changed, run.run_id, run.started_at)
        finally:
            rejects.close()
        summary = BatchSummary(run.run_id, source, kind.name, len(rows), len(accepted), rejects.records,
                               rejects.erased, rejects.values, len(changed), len(made) - len(changed),
                               [row["key"] for row in changed], list(rejects.kept or []))
        run.record(file=origin, source=source, kind=kind.name, read=len(rows), accepted=len(accepted),
                   rejected=rejects.records, erased=rejects.erased, values_dropped=rejects.values,
                   skipped_old=0, written=len(changed), unchanged=summary.unchanged, seconds=run.seconds,
                   reject_file=str(rejects.path) if rejects.kept else None)
    return summary
