"""Load benchmark on the embedded store: rows/s per kind, graph elements/s, and the store's own write rates.

Generates the synthetic sources for N people (100 000 people ≈ 190 000 customer rows, 200 000 transactions,
300 000 web events), loads them into a fresh store, then measures in the same run, on the same store:

- the store's ceiling: bare ``UNWIND … CREATE`` of 3-property nodes and of relationships, batches of 10 000;
- the fair baseline: the store alone writing what the loader writes for a customer record — its
  ``bench.customer_rows`` shape (as many properties, a date and the batch's datetime included), the loader's
  batch size, ``MERGE`` on a uniquely-constrained key, identifiers and their links by ``MERGE`` — measured
  after the load and, on the empty store, before it, since a shared machine's load drifts during a run;
- the loader's own query (``load_customers``) on those same prepared rows, without validation or transform;

so the loader's overhead is a ratio against each, not a guess.

    python -m bench.load --customers 100000
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from neo4j import RoutingControl

from bench.customer_rows import (
    MERGE_LINKED,
    PROPERTIES,
    Labels,
    batch_params,
    customer_rows,
    elements,
    write_batches,
)
from bench.scratch import fresh_graph
from graph import Graph, Settings, open_graph
from loaders.run import BATCH_SIZE, load_file, plan
from synthetic import generate

ELEMENTS = ("MATCH (n) RETURN count(n) AS n", "MATCH ()-[r]->() RETURN count(r) AS n")
#: what the loader wrote per customer record, by source: the fair baseline's shape is checked against it
RECORD_SHAPE = """
MATCH (r:SourceRecord)
WITH r.source AS source, size(keys(r)) AS properties, COUNT { (r)-[:HAS_IDENTIFIER]->() } AS identifiers
RETURN source, count(*) AS records, avg(properties) AS properties, min(properties) AS fewest,
       max(properties) AS most, avg(identifiers) AS identifiers
ORDER BY source
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000, help="people to generate")
    parser.add_argument("--raw", type=int, default=100_000, help="nodes (and as many relationships) for the raw rate")
    parser.add_argument("--fair", type=int, default=40_000, help="customer-shaped rows for the fair baseline")
    args = parser.parse_args(argv)
    with fresh_graph("c360-bench-load-") as (settings, scratch):
        run(args, settings, scratch / "data")


def run(args: argparse.Namespace, settings: Settings, data: Path) -> None:
    print(f"c360 load benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, Python "
          f"{platform.python_version()}, {args.customers:,} people")
    generate(args.customers, data, seed=42)
    with open_graph(settings) as graph:
        fair_rate(graph, BATCH_SIZE, "Warm")  # untimed: a freshly started store's first writes are cold (its JIT)
        _printed("fair baseline on the empty store, before the load", fair_rate(graph, args.fair, "FairBefore"),
                 args.fair)
        elements_by: dict[str, int] = {"customers": 0, "all": 0}
        seconds_by: dict[str, float] = {"customers": 0.0, "all": 0.0}
        for path, mapping in plan([data]):
            before = _elements(graph)
            summary = load_file(graph, path, mapping, settings.home)
            added = _elements(graph) - before
            for kind in {"all", summary.kind} & elements_by.keys():
                elements_by[kind] += added
                seconds_by[kind] += summary.seconds
            print(f"{summary.kind:<12} {summary.source:<12} {summary.read:>9,} rows {summary.seconds:8.2f} s "
                  f"{summary.read / summary.seconds:>9,.0f} rows/s {added:>9,} elements "
                  f"{added / summary.seconds:>8,.0f} elements/s  written {summary.written:,}{_load()}")
        rates = {kind: elements_by[kind] / seconds_by[kind] for kind in elements_by}
        for kind, rate in rates.items():
            print(f"{kind:<25} {seconds_by[kind]:19.2f} s {elements_by[kind]:>26,} elements {rate:>8,.0f} elements/s")
        _print_record_shape(graph)
        node_rate, rel_rate = _raw_rates(graph, args.raw)
        ceiling = 2 / (1 / node_rate + 1 / rel_rate)
        print(f"store's ceiling, UNWIND…CREATE of 3-property nodes, batches of 10 000: {node_rate:,.0f} nodes/s, "
              f"{rel_rate:,.0f} relationships/s ({args.raw:,} each), {ceiling:,.0f} elements/s{_load()}")
        fair = _printed("fair baseline (store alone, loader's shape)", fair_rate(graph, args.fair), args.fair)
        query = _printed("loader's query alone on prepared rows", loader_query_rate(graph, args.fair), args.fair)
        for kind in ("customers", "all"):
            print(f"loader overhead, {kind}: {ceiling / rates[kind]:.2f}x the store's ceiling, "
                  f"{fair[1] / rates[kind]:.2f}x the fair baseline, {query[1] / rates[kind]:.2f}x its own query alone "
                  f"(elements/s)")
    print(f"client peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


def _printed(name: str, rate: tuple[float, float], count: int) -> tuple[float, float]:
    print(f"{name}: {rate[0]:,.0f} rows/s, {rate[1]:,.0f} elements/s ({count:,} rows of {PROPERTIES} properties, "
          f"batches of {BATCH_SIZE:,}){_load()}")
    return rate


def _print_record_shape(graph: Graph) -> None:
    records, _, _ = graph.driver.execute_query(RECORD_SHAPE, database_=graph.database, routing_=RoutingControl.READ)
    for r in records:
        print(f"loaded {r['source']} records: {r['records']:,}, {r['properties']:.1f} properties "
              f"({r['fewest']}-{r['most']}), {r['identifiers']:.2f} identifiers each")


def fair_rate(graph: Graph, count: int, name: str = "Fair") -> tuple[float, float]:
    """The store alone writing customer-shaped rows as the loader writes them: rows/s and elements/s."""
    labels = Labels(name)
    labels.create_schema(graph.driver, graph.database)
    rows = customer_rows(count, name.lower())
    seconds = write_batches(graph.driver, graph.database, labels.query(MERGE_LINKED), rows, BATCH_SIZE,
                            batch_params())
    return count / seconds, elements(rows) / seconds


def loader_query_rate(graph: Graph, count: int) -> tuple[float, float]:
    """The loader's ``load_customers`` query on the fair baseline's rows (new keys, into the loaded graph)."""
    rows = customer_rows(count, "query")
    started = time.perf_counter()
    for i in range(0, count, BATCH_SIZE):
        graph.upsert("load_customers", rows[i:i + BATCH_SIZE], **batch_params())
    seconds = time.perf_counter() - started
    return count / seconds, elements(rows) / seconds


def _load() -> str:
    """The machine's 1-minute load average, printed beside each figure: the reference machine is shared."""
    return f"  (load {os.getloadavg()[0]:.1f})"


def _elements(graph: Graph) -> int:
    return sum(_scalar(graph, q) for q in ELEMENTS)


def _scalar(graph: Graph, text: str, **params: Any) -> int:
    records, _, _ = graph.driver.execute_query(text, params, database_=graph.database,
                                               routing_=RoutingControl.READ)
    return int(records[0]["n"]) if records else 0


def _raw_rates(graph: Graph, count: int) -> tuple[float, float]:
    """The store's ceiling: bare creates of 3-property nodes by batches of 10 000, with a unique key."""
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
