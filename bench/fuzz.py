"""Fuzz pass (issue 14): generated source rows through the real ``c360 load``, then generated GraphQL
operations against the real app, on one fresh embedded store; prints what was tried, every server error
found (grouped, with an example), the seconds each took, and the data size.

1. The generator's demo data (``--customers`` people, every source kind) loaded, resolved and scored.
2. ``--rows`` generated source rows (``bench.fuzz_sources``), a few files per ``c360 load`` run; then
   ``c360 resolve`` and ``c360 score`` over the graph they made, which must not fail either.
3. ``--operations`` generated GraphQL operations (``bench.fuzz_operations``) by every role, through the real
   ASGI app, with values the graph now holds (the hostile rows included).

Deterministic: the same ``--seed`` draws the same rows and operations.

    .venv/bin/python -m bench.fuzz --operations 10000 --rows 1000 --customers 200 --seed 14
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graphql import build_schema
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from api.app import create_app
from api.auth import signing_key
from api.schema import schema
from bench.fuzz_operations import Tally, known_values, operations, role_headers, server_log, try_operation
from bench.fuzz_sources import LoadTally, batches, c360, load_and_check, templates
from bench.scratch import demo_graph, fresh_graph
from graph import Settings, open_graph
from scoring.score import score_customers

#: no shrinking, no example database: every example runs once, and errors are counted, not stopped at
RUN = settings(deadline=None, database=None, phases=[Phase.generate], suppress_health_check=list(HealthCheck))


def prepare(settings_: Settings, scratch: Path, customers: int) -> dict[str, int]:
    """The demo data, loaded, resolved and scored; the graph's counts."""
    with open_graph(settings_) as graph:
        demo_graph(graph, settings_.home, scratch / "demo", customers)
        score_customers(graph)
        return dict(graph.read("graph_counts")[0])


def fuzz_sources(settings_: Settings, scratch: Path, rows: int, seed_: int) -> tuple[LoadTally, list[str]]:
    """Load generated files until ``rows`` rows were tried; then resolve and score what they made."""
    tally = LoadTally()
    found = templates()
    with open_graph(settings_) as graph:

        @settings(RUN, max_examples=max(1, rows // 10))  # batches of 1 to 120 rows, 25 on average: enough
        @seed(seed_)
        @given(st.data())
        def load_batches(data: st.DataObject) -> None:
            run = tally.files
            files = data.draw(batches(found, f"fz{run}-"))  # drawn whatever follows, as hypothesis requires
            if tally.rows >= rows:
                return
            load_and_check(graph, settings_.home, files, scratch / "sources" / f"run{run}", tally)

        load_batches()
    after = []
    for command in ("resolve", "score"):
        result = c360(settings_.home, command)
        if result.returncode != 0 or result.stderr.strip():
            after.append(f"c360 {command} exited {result.returncode}: {result.stderr.strip()[-3000:]}")
    return tally, after


def fuzz_operations(settings_: Settings, count: int, seed_: int) -> Tally:
    """``count`` generated operations through the real app, each with one role's token (or none, or a
    forged one)."""
    tally = Tally()
    with open_graph(settings_) as graph:
        known = known_values(graph)
    headers = role_headers(signing_key(settings_))
    strategy = operations(build_schema(schema.as_str()), known)
    with TestClient(create_app(settings_)) as client, server_log() as log:

        @settings(RUN, max_examples=count)
        @seed(seed_)
        @given(st.data())
        def send(data: st.DataObject) -> None:
            try_operation(client, headers, data.draw(strategy), log, tally)

        send()
    return tally


def _print_errors(errors: dict[str, tuple[str, str, int]]) -> None:
    """Each distinct server error: how often, the operation that caused it, the end of its traceback."""
    for key, (error, operation, times) in errors.items():
        print(f"\n--- server error, {times} times: {key}\n{operation[:2000]}\n{error[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operations", type=int, default=10_000, help="GraphQL operations to generate")
    parser.add_argument("--rows", type=int, default=1_000, help="source rows to generate (at least)")
    parser.add_argument("--customers", type=int, default=200, help="people in the demo data underneath")
    parser.add_argument("--seed", type=int, default=14, help="the same seed draws the same rows and operations")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with fresh_graph("c360-bench-fuzz-") as (settings_, scratch):
        started = time.perf_counter()
        counts = prepare(settings_, scratch, args.customers)
        report["prepare"] = time.perf_counter() - started
        started = time.perf_counter()
        loads, after = fuzz_sources(settings_, scratch, args.rows, args.seed)
        report["sources"] = time.perf_counter() - started
        started = time.perf_counter()
        tally = fuzz_operations(settings_, args.operations, args.seed)
        report["operations"] = time.perf_counter() - started
        with open_graph(settings_) as graph:
            final = dict(graph.read("graph_counts")[0])
    print(f"c360 fuzz pass, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, seed {args.seed}")
    print(f"data: {args.customers:,} people generated → {counts['records']:,} source records, "
          f"{counts['customers']:,} customers ({report['prepare']:.0f} s); after the fuzz: {final['records']:,} "
          f"records, {final['customers']:,} customers, {final['identifiers']:,} identifiers")
    print(f"source rows: {loads.rows:,} in {loads.files} files ({loads.files and loads.rows // loads.files} a file), "
          f"{loads.accepted:,} accepted, {loads.rejected:,} rejected with a reason; "
          f"{len(loads.failures) + len(after)} failures; {report['sources']:.0f} s")
    print(f"GraphQL operations: {tally.tried:,} tried, {len(tally.errors)} server errors "
          f"({len(tally.distinct())} distinct); {report['operations']:.0f} s "
          f"({tally.tried / report['operations']:.0f} operations/s)")
    print("answers: " + ", ".join(f"{outcome} {n:,}" for outcome, n in tally.outcomes.most_common()))
    for failure in [*loads.failures, *after]:
        print(f"\n--- source failure:\n{failure[:4000]}")
    _print_errors(tally.distinct())


if __name__ == "__main__":
    main()
