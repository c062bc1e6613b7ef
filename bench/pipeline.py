"""Benchmark of the foundation pipeline on the embedded store: generate → load → resolve → read the 360.

Prints the data size and, per step, seconds and rows/s; resolution beside the bare in-database component
call on the same graph; pairwise quality against truth.csv; p50/p99 of the 360 read; client peak RSS.

    .venv/bin/python -m bench.pipeline --customers 10000
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.scratch import fresh_graph
from customers.repository import CustomerRepository
from graph import Settings, open_graph
from loaders.run import load_file, plan
from resolution import resolve
from resolution.quality import pairwise_quality, read_clusters
from resolution.resolve import LINK_RELATIONSHIPS
from synthetic import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=500, help="360 reads to time")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    with fresh_graph("c360-bench-pipeline-") as (settings, scratch):
        run(args, settings, scratch / "data")


def run(args: argparse.Namespace, settings: Settings, data: Path) -> None:
    print(f"c360 pipeline benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {args.customers:,} people")
    started = time.perf_counter()
    generated = generate(args.customers, data, seed=args.seed)
    rows = sum(generated.records.values())
    print(f"generate   {time.perf_counter() - started:7.2f} s   {rows:,} rows over {len(generated.records)} sources")

    with open_graph(settings) as graph:
        load_started = time.perf_counter()
        for path, mapping in plan([data]):
            summary = load_file(graph, path, mapping, settings.home)
            print(f"load {summary.source:<8} {summary.seconds:6.2f} s   {summary.read:,} rows   "
                  f"{summary.read / summary.seconds:,.0f} rows/s")
        load_seconds = time.perf_counter() - load_started
        print(f"load all   {load_seconds:7.2f} s   {rows / load_seconds:,.0f} rows/s")

        resolved = resolve(graph)
        bare_started = time.perf_counter()
        graph.components(LINK_RELATIONSHIPS)
        bare = time.perf_counter() - bare_started
        print(f"resolve    {resolved.seconds:7.2f} s   {resolved.customers:,} customers; bare components call "
              f"{bare:.2f} s; ratio {resolved.seconds / bare:.1f}x")
        again = resolve(graph)
        print(f"re-resolve {again.seconds:7.2f} s   {again.records_moved} records moved")

        predicted = {r["key"]: r["customer_id"] for r in graph.components(LINK_RELATIONSHIPS)}
        truth = read_clusters(data / "truth.csv", "person_id")
        quality = pairwise_quality(predicted, truth)
        print(f"quality    precision {quality.precision:.4f}  recall {quality.recall:.4f}  f1 {quality.f1:.4f}")

        repository = CustomerRepository(graph)
        ids = sorted(set(predicted.values()))
        sample = random.Random(args.seed).sample(ids, min(args.reads, len(ids)))
        timings = []
        for customer_id in sample:
            read_started = time.perf_counter()
            repository.customer(customer_id)
            timings.append((time.perf_counter() - read_started) * 1000)
        p50, p99 = statistics.median(timings), statistics.quantiles(timings, n=100)[98]
        print(f"360 read   p50 {p50:.1f} ms  p99 {p99:.1f} ms  ({len(timings)} sequential reads via the driver)")
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"client peak RSS {rss_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
