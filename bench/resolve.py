"""Identity-resolution benchmark: time and quality of a full run, an incremental run, and matching-only data.

1. The generator's customer sources (households sharing phones and devices, junk identifiers, typos, people
   with several emails) for about ``--records`` records, minus ``--late`` CRM rows held back; a full
   resolution, timed by stage, beside the bare in-database components call on the same graph; pairwise
   precision and recall against truth.csv.
2. The held-back rows loaded, then an incremental run (only the components they touch).
3. ``--lookalikes`` records sharing no identifier at all (names, address, birth date with slips), into a fresh
   store: full resolution time and pairwise F1.

c360 beside Splink's default comparisons on the same files is ``bench.quality``.

    .venv/bin/python -m bench.resolve --records 100000 --late 1000 --lookalikes 100000
    .venv/bin/python -m bench.resolve --matching-only 1000000
"""

from __future__ import annotations

import argparse
import csv
import platform
import resource
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.scratch import fresh_graph
from graph import Graph, Settings, open_graph
from loaders.run import load_file, plan
from resolution import linkage, resolve
from resolution.features import row, table
from resolution.quality import PairwiseQuality, pairwise_quality, read_clusters
from resolution.resolve import LINK_RELATIONSHIPS, ResolutionSummary
from resolution.rules import default_rules
from synthetic import generate
from synthetic.lookalikes import write_lookalikes

RECORDS_PER_PERSON = 1.94  # the generator's customer records per person
CUSTOMER_FILES = ("crm.csv", "loyalty.csv", "webshop.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--late", type=int, default=1_000, help="CRM rows loaded after the first resolution")
    parser.add_argument("--lookalikes", type=int, default=100_000, help="records sharing no identifier (0: skip)")
    parser.add_argument("--matching-only", type=int, default=0, metavar="RECORDS",
                        help="only time the matching engine in memory (training, prediction) on this many "
                             "lookalike records, without a store: how it scales to 1 000 000")
    args = parser.parse_args()
    print(f"c360 resolution benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, "
          f"Python {platform.python_version()}")
    if args.matching_only:
        with tempfile.TemporaryDirectory(prefix="c360-bench-matching-") as scratch:
            matching_only(Path(scratch), args.matching_only)
        return
    with fresh_graph("c360-bench-resolve-") as (settings, scratch):
        generated_run(settings, scratch / "data", args.records, args.late)
    if args.lookalikes:
        with fresh_graph("c360-bench-lookalikes-") as (settings, scratch):
            lookalikes_run(settings, scratch / "data", args.lookalikes)
    print(f"client peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


def generated_run(settings: Settings, data: Path, records: int, late: int) -> None:
    people = round(records / RECORDS_PER_PERSON)
    generate(people, data, seed=42)
    customers = data / "customers"
    customers.mkdir()
    for name in CUSTOMER_FILES:
        for path in (data / name, (data / name).with_suffix(".toml")):
            shutil.copy(path, customers / path.name)
    late_dir = data / "late"
    _hold_back(customers / "crm.csv", late_dir / "crm.csv", late)
    shutil.copy(customers / "crm.toml", late_dir / "crm.toml")
    truth = read_clusters(data / "truth.csv", "person_id")
    with open_graph(settings) as graph:
        loaded = _load(graph, customers, settings)
        print(f"generator data: {people:,} people, {loaded:,} customer records loaded ({late:,} held back)")
        full = resolve(graph, cache_dir=settings.home / "cache")
        _print_run("full resolution", full)
        started = time.perf_counter()
        graph.components(LINK_RELATIONSHIPS)
        bare = time.perf_counter() - started
        print(f"  bare components call on the same graph {bare:.2f} s; full resolution = {full.seconds / bare:.1f}x")
        _print_quality(_quality(graph, truth))
        _load(graph, late_dir, settings)
        incremental = resolve(graph, cache_dir=settings.home / "cache")
        _print_run(f"incremental, {late:,} new records into {loaded:,}", incremental)
        _print_quality(_quality(graph, truth))


def lookalikes_run(settings: Settings, data: Path, records: int) -> None:
    written = write_lookalikes(round(records / 2), data)
    with open_graph(settings) as graph:
        _load(graph, data, settings)
        print(f"lookalikes: {written.people:,} people, {written.records:,} records sharing no identifier")
        full = resolve(graph)
        _print_run("full resolution", full)
        _print_quality(_quality(graph, read_clusters(written.truth, "person_id")))


def matching_only(data: Path, records: int) -> None:
    """The matching engine alone (Splink on DuckDB), on records read from the generated CSV as the store would
    return them: columns, training, prediction."""
    written = write_lookalikes(round(records / 2), data)
    with open(written.path, newline="", encoding="utf-8") as handle:
        rows = [row({**found, "key": f"people:{found['id']}"}) for found in csv.DictReader(handle)]
    rules = default_rules().matching
    started = time.perf_counter()
    columns = table(rows)
    prepared = time.perf_counter()
    model = linkage.train(columns, rules)
    trained = time.perf_counter()
    pairs = linkage.predict(columns, model, rules)
    scored = time.perf_counter()
    print(f"matching in memory, {len(rows):,} records: columns {prepared - started:.1f} s, training "
          f"{trained - prepared:.1f} s, prediction {scored - trained:.1f} s ({len(pairs):,} pairs at or above "
          f"{rules.threshold}); total {scored - started:.1f} s; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


def _hold_back(source: Path, target: Path, rows: int) -> None:
    """Move the last ``rows`` data rows of a CSV into ``target`` (same header)."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(lines[0] + "".join(lines[-rows:]), encoding="utf-8")
    source.write_text("".join(lines[:-rows]), encoding="utf-8")


def _load(graph: Graph, directory: Path, settings: Settings) -> int:
    return sum(load_file(graph, path, mapping, settings.home).accepted for path, mapping in plan([directory]))


def _quality(graph: Graph, truth: dict[str, str]) -> PairwiseQuality:
    predicted = {f"{r['source']}:{r['source_id']}": r["customer_id"] for r in graph.read("export_clusters")}
    return pairwise_quality(predicted, truth)


def _print_run(label: str, summary: ResolutionSummary) -> None:
    steps = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in summary.steps.items())
    print(f"{label}: {summary.seconds:.2f} s ({steps}); {summary.records:,} records considered, "
          f"{summary.customers:,} profiles, {summary.similar_added:,} probabilistic links added, "
          f"{summary.records_moved:,} records moved")


def _print_quality(quality: PairwiseQuality) -> None:
    print(f"  pairwise precision {quality.precision:.4f}  recall {quality.recall:.4f}  F1 {quality.f1:.4f}")


if __name__ == "__main__":
    main()
