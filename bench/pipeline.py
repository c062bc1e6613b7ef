"""Benchmark of the whole pipeline on the embedded store: generate → load → resolve → re-resolve → read 360s.

1. The generator's files for ``--customers`` people (customers, stores, purchases, web events, tickets,
   consents), every one loaded as ``c360 load`` does it, homes and shopping places included.
2. Resolution as ``c360 resolve`` and ``c360 demo`` run it (``pipeline.resolve``: trusted links, the
   probabilistic matching model, golden profiles, homes), beside the bare in-database components call on the
   same graph; then again with nothing changed.
3. Pairwise precision, recall and F1 of the customers users get (``c360 export clusters``: record →
   customer) against the generator's truth.
4. ``--reads`` full 360s of customers drawn at random, through the driver, one after another, after 50
   untimed: the reads the API makes for its full 360 query (``bench.api.repository_sequence``: profile, records
   with identifiers and addresses, devices, a page of transactions, tickets, stores).

    .venv/bin/python -m bench.pipeline --customers 10000
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from dataclasses import dataclass
from pathlib import Path

import pipeline
from bench.api import repository_sequence
from bench.figures import latencies, machine_line
from bench.quality import store_peak_mib
from bench.scratch import fresh_graph
from graph import Graph, Settings, open_graph
from graph.embedded import EmbeddedServer
from loaders.run import plan
from resolution.quality import PairwiseQuality, pairwise_quality, read_clusters
from resolution.resolve import LINK_RELATIONSHIPS, ResolutionSummary
from synthetic import generate

WARM_UP = 50


@dataclass(frozen=True)
class PipelineRun:
    """What one run measured; ``clusters`` is the export it scored (source:source_id → customer id)."""

    quality: PairwiseQuality
    clusters: dict[str, str]
    first: ResolutionSummary
    again: ResolutionSummary
    bare_seconds: float
    read_seconds: list[float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000, help="people to generate")
    parser.add_argument("--reads", type=int, default=1_000, help="full 360 reads to time (≥ 1 000 for a p99)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(machine_line("pipeline"))
    with fresh_graph("c360-bench-pipeline-") as (settings, scratch):
        run(settings, scratch / "data", args.customers, args.reads, args.seed)
        state = EmbeddedServer(settings.home).status()
        store_peak = f"; store peak RSS {store_peak_mib(state.pid):,.0f} MiB" if state else ""
    print(f"client peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB{store_peak}")


def run(settings: Settings, data: Path, customers: int, reads: int, seed: int = 42) -> PipelineRun:
    """Every step on the store ``settings`` names, printed as it finishes; the figures returned for tests."""
    started = time.perf_counter()
    generated = generate(customers, data, seed=seed)
    rows = sum(generated.records.values())
    sizes = ", ".join(f"{name} {count:,}" for name, count in generated.records.items())
    print(f"generate   {time.perf_counter() - started:8.2f} s   {generated.people:,} people, {rows:,} rows: {sizes}")

    with open_graph(settings) as graph:
        load_started = time.perf_counter()
        loaded = pipeline.load(graph, plan([data]), settings.home)
        load_seconds = time.perf_counter() - load_started
        for summary in loaded.files:
            print(f"load {summary.source:<12} {summary.seconds:7.2f} s   {summary.read:,} rows "
                  f"({summary.kind}), {summary.read / summary.seconds:,.0f} rows/s, {summary.rejected:,} rejected")
        print(f"locate     {loaded.located.seconds:8.2f} s   after the loads ({loaded.located.shoppers:,} shoppers)")
        print(f"load all   {load_seconds:8.2f} s   {rows / load_seconds:,.0f} rows/s, locate included")

        first, first_wall = _timed_resolve(graph, settings)
        bare_started = time.perf_counter()
        graph.components(LINK_RELATIONSHIPS)
        bare = time.perf_counter() - bare_started
        _print_resolution("resolve   ", first, first_wall)
        print(f"           bare components call on the same graph {bare:.2f} s; "
              f"resolve = {first_wall / bare:.1f}x")
        again, again_wall = _timed_resolve(graph, settings)
        _print_resolution("re-resolve", again, again_wall)

        clusters = exported_clusters(graph)
        quality = pairwise_quality(clusters, read_clusters(data / "truth.csv", "person_id"))
        print(f"quality    precision {quality.precision:.4f}  recall {quality.recall:.4f}  F1 {quality.f1:.4f}  "
              f"({len(clusters):,} records of {len(set(clusters.values())):,} exported customers; "
              f"{quality.true_pairs:,} true pairs, {quality.predicted_pairs:,} predicted, "
              f"{quality.correct_pairs:,} correct)")
        counts = graph.read("graph_counts")[0]
        print("graph      " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))

        ids = sorted(set(clusters.values()))
        sample = random.Random(seed).sample(ids, min(reads, len(ids)))
        raw_neighbourhood(graph, sample[:WARM_UP])  # the store's caches and the driver's pool, not timed
        timings = raw_neighbourhood(graph, sample)
        print(f"360 read   {latencies(timings)}: profile, identifiers, addresses, devices, 10 transactions, "
              f"tickets, stores, one customer after another through the driver")
    return PipelineRun(quality, clusters, first.resolution, again.resolution, bare, timings)


def raw_neighbourhood(graph: Graph, ids: list[str]) -> list[float]:
    """Seconds per customer for the reads the API makes for its full 360, one customer after another."""
    timings = []
    for customer_id in ids:
        started = time.perf_counter()
        repository_sequence(graph, customer_id)
        timings.append(time.perf_counter() - started)
    return timings


def exported_clusters(graph: Graph) -> dict[str, str]:
    """Record → customer exactly as ``c360 export clusters`` writes it (its query, its columns)."""
    return {f"{row['source']}:{row['source_id']}": row["customer_id"] for row in graph.read("export_clusters")}


def _timed_resolve(graph: Graph, settings: Settings) -> tuple[pipeline.Resolved, float]:
    """``pipeline.resolve`` called as ``c360 resolve`` calls it, and its wall time (homes included)."""
    started = time.perf_counter()
    resolved = pipeline.resolve(graph, cache_dir=settings.home / "cache", engine=settings.c360_match_backend)
    return resolved, time.perf_counter() - started


def _print_resolution(label: str, resolved: pipeline.Resolved, wall: float) -> None:
    summary = resolved.resolution
    steps = ", ".join(f"{name} {seconds:.2f}" for name, seconds in summary.steps.items())
    print(f"{label} {wall:8.2f} s   {summary.mode}: resolution {summary.seconds:.2f} s (steps: {steps}), then "
          f"homes {resolved.located.seconds:.2f} s; {summary.records:,} records considered, "
          f"{summary.customers:,} customers, {summary.similar_added:,} probabilistic links added, "
          f"{summary.records_moved:,} records moved")



if __name__ == "__main__":
    main()
