"""Load benchmark on the embedded store: rows/s per kind, graph elements/s, and the store's raw write rate.

Generates the synthetic sources for N people (100 000 people ≈ 190 000 customer rows, 200 000 transactions,
300 000 web events), loads them into a fresh store, and measures in the same run the store's bare
``UNWIND … CREATE`` rate for nodes and relationships, so the loader's overhead is a ratio, not a guess.

    .venv/bin/python -m bench.load --customers 100000
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import RoutingControl

from bench.scratch import fresh_graph
from graph import Graph, Settings, open_graph
from loaders.run import load_file, plan
from synthetic import generate

ELEMENTS = ("MATCH (n) RETURN count(n) AS n", "MATCH ()-[r]->() RETURN count(r) AS n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000, help="people to generate")
    parser.add_argument("--raw", type=int, default=100_000, help="nodes (and as many relationships) for the raw rate")
    args = parser.parse_args()
    with fresh_graph("c360-bench-load-") as (settings, scratch):
        run(args, settings, scratch / "data")


def run(args: argparse.Namespace, settings: Settings, data: Path) -> None:
    print(f"c360 load benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, Python "
          f"{platform.python_version()}, {args.customers:,} people")
    generate(args.customers, data, seed=42)
    with open_graph(settings) as graph:
        total_elements, total_seconds = 0, 0.0
        for path, mapping in plan([data]):
            before = _elements(graph)
            summary = load_file(graph, path, mapping, settings.home)
            elements = _elements(graph) - before
            total_elements += elements
            total_seconds += summary.seconds
            print(f"{summary.kind:<12} {summary.source:<12} {summary.read:>9,} rows {summary.seconds:8.2f} s "
                  f"{summary.read / summary.seconds:>9,.0f} rows/s {elements:>9,} elements "
                  f"{elements / summary.seconds:>8,.0f} elements/s  written {summary.written:,}")
        loader_rate = total_elements / total_seconds
        print(f"{'all':<25} {total_seconds:19.2f} s {total_elements:>26,} elements {loader_rate:>8,.0f} elements/s")
        node_rate, rel_rate = _raw_rates(graph, args.raw)
        raw_rate = 2 / (1 / node_rate + 1 / rel_rate)
        print(f"raw UNWIND…CREATE: {node_rate:,.0f} nodes/s, {rel_rate:,.0f} relationships/s "
              f"({args.raw:,} each); loader overhead {raw_rate / loader_rate:.2f}x the raw element rate")
    print(f"client peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


def _elements(graph: Graph) -> int:
    return sum(_scalar(graph, q) for q in ELEMENTS)


def _scalar(graph: Graph, text: str, **params: Any) -> int:
    records, _, _ = graph.driver.execute_query(text, params, database_=graph.database,
                                               routing_=RoutingControl.READ)
    return int(records[0]["n"]) if records else 0


def _raw_rates(graph: Graph, count: int) -> tuple[float, float]:
    """The store alone: bare creates by batches of 10 000, keyed like c360's nodes, with a unique index."""
    run = graph.driver.execute_query
    run("CREATE CONSTRAINT bench_raw IF NOT EXISTS FOR (n:BenchRaw) REQUIRE n.key IS UNIQUE", database_=graph.database)
    rows = [{"key": f"raw:{i}", "a": f"value {i}", "b": i} for i in range(count)]
    started = time.perf_counter()
    for i in range(0, count, 10_000):
        run("UNWIND $rows AS row CREATE (n:BenchRaw) SET n = row", {"rows": rows[i:i + 10_000]},
            database_=graph.database)
    node_rate = count / (time.perf_counter() - started)
    pairs = [{"a": f"raw:{i}", "b": f"raw:{(i * 7919) % count}"} for i in range(count)]
    started = time.perf_counter()
    for i in range(0, count, 10_000):
        run("UNWIND $rows AS row MATCH (a:BenchRaw {key: row.a}) MATCH (b:BenchRaw {key: row.b}) "
            "CREATE (a)-[:BENCH_RAW]->(b)", {"rows": pairs[i:i + 10_000]}, database_=graph.database)
    rel_rate = count / (time.perf_counter() - started)
    return node_rate, rel_rate


if __name__ == "__main__":
    main()
