"""What the embedded store's write rate depends on, the store alone: property count, temporal values, MERGE
versus CREATE, one writer versus two, identifier links — so the loader's figures can be read against it.

Every case writes the same number of rows by ``UNWIND $rows …`` in batches of the loader's size, on fresh
labels with a unique key (so each case and repetition starts from empty indexes); repetitions are
interleaved across cases, so a busy moment of a shared machine does not fall on one case only.

    python -m bench.store_writes --rows 20000 --batch 4000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from neo4j import RoutingControl

from bench.customer_rows import (
    CREATE_RECORDS,
    IDENTIFIERS,
    MERGE_LINKED,
    MERGE_RECORDS,
    PROPERTIES,
    Labels,
    batch_params,
    customer_rows,
    elements,
    write_batches,
)
from bench.figures import machine_line
from bench.scratch import fresh_graph
from graph import Graph, open_graph
from loaders.run import BATCH_SIZE

#: plain nodes: a unique key, then the case's properties, all from the row
CREATE_PLAIN = "UNWIND $rows AS row CREATE (n:{record}) SET n = row"
#: the same with one instant passed once for the batch, as the loader passes its load time
CREATE_PLAIN_AT = "UNWIND $rows AS row CREATE (n:{record}) SET n = row, n.at = $at"
KEY_ONLY = "CREATE CONSTRAINT {name}_key IF NOT EXISTS FOR (n:{record}) REQUIRE n.key IS UNIQUE"
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

#: a case's rows for ``count`` rows and a tag that keeps its keys apart from other cases'
Rows = Callable[[int, str], list[dict[str, Any]]]


@dataclass(frozen=True)
class Case:
    """One way of writing ``rows`` nodes; ``writers`` > 1 splits the batches between concurrent writers."""

    name: str
    query: str
    rows: Rows
    customer: bool = False
    writers: int = 1
    batch_params: dict[str, Any] = field(default_factory=dict)

    def elements(self, rows: list[dict[str, Any]]) -> int:
        """Nodes and relationships one run writes: records, then identifiers and links where the case has them."""
        return elements(rows) if self.query == MERGE_LINKED else len(rows)


def plain(strings: int, instant: str | None = None) -> Rows:
    """Rows of ``strings`` string properties (the key is one), plus ``at`` as a datetime, a date or an integer."""
    def rows(count: int, tag: str) -> list[dict[str, Any]]:
        made = []
        for i in range(count):
            row: dict[str, Any] = {"key": f"{tag}:{i}"}
            row |= {f"p{j}": f"value {j} of row {i}" for j in range(1, strings)}
            at = _EPOCH + timedelta(seconds=i * 37)
            if instant == "datetime":
                row["at"] = at
            elif instant == "date":
                row["at"] = date(2000, 1, 1) + timedelta(days=i % 9000)
            elif instant == "integer":
                row["at"] = int(at.timestamp() * 1_000_000)
            made.append(row)
        return made
    return rows


CASES = (
    Case("3 string properties", CREATE_PLAIN, plain(3)),
    Case("10 string properties", CREATE_PLAIN, plain(10)),
    Case("20 string properties", CREATE_PLAIN, plain(20)),
    Case("10 string properties + one datetime in each row", CREATE_PLAIN, plain(10, "datetime")),
    Case("10 string properties + one datetime per batch", CREATE_PLAIN_AT, plain(10),
         batch_params={"at": _EPOCH}),
    Case("10 string properties + one date", CREATE_PLAIN, plain(10, "date")),
    Case("10 string properties + the instant as an integer", CREATE_PLAIN, plain(10, "integer")),
    Case(f"customer record ({PROPERTIES} properties) by CREATE", CREATE_RECORDS, customer_rows, customer=True),
    Case(f"customer record ({PROPERTIES} properties) by MERGE", MERGE_RECORDS, customer_rows, customer=True),
    Case(f"customer record + {IDENTIFIERS} identifier links by MERGE, one writer", MERGE_LINKED, customer_rows,
         customer=True),
    Case(f"customer record + {IDENTIFIERS} identifier links by MERGE, two writers", MERGE_LINKED, customer_rows,
         customer=True, writers=2),
)


@dataclass(frozen=True)
class Measured:
    """A case's runs: rows/s and graph elements/s of each repetition."""

    case: Case
    rows: int
    batch: int
    rows_per_s: list[float]
    elements_per_s: list[float]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000, help="rows (nodes) written per case and repetition")
    parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="rows per transaction (the loader's by default)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of every case; min-max is printed")
    args = parser.parse_args(argv)
    print(machine_line("store writes"))
    with fresh_graph("c360-bench-writes-") as (settings, _), open_graph(settings) as graph:
        run(graph, args.rows, args.batch, args.repeat)


def run(graph: Graph, rows: int, batch: int, repeat: int) -> list[Measured]:
    """Every case ``repeat`` times, interleaved, printed as a table once all have run. One untimed batch of
    every case first: the store's first writes of a kind are slower (its JIT warms up), whichever case runs first.
    """
    for index, case in enumerate(CASES):
        warm = Labels(f"Warm{index:02d}")
        _write(graph, case, warm, case.rows(batch, warm.name.lower()), batch)
    runs: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(CASES))}
    load: list[float] = []
    for repetition in range(1, repeat + 1):
        for index, case in enumerate(CASES):
            labels = Labels(f"W{index:02d}r{repetition}")
            written = case.rows(rows, labels.name.lower())
            seconds = _write(graph, case, labels, written, batch)
            runs[index].append((len(written) / seconds, case.elements(written) / seconds))
            load.append(os.getloadavg()[0])
    measured = [Measured(case, rows, batch, [r for r, _ in runs[i]], [e for _, e in runs[i]])
                for i, case in enumerate(CASES)]
    print(f"{'nodes written by UNWIND … (unique key, fresh labels)':<72} {'rows':>7} {'batch':>6} "
          f"{'rows/s min-max (median)':>25} {'elements/s min-max (median)':>29}  runs")
    for m in measured:
        print(f"{m.case.name:<72} {m.rows:>7,} {m.batch:>6,} {_span(m.rows_per_s):>25} "
              f"{_span(m.elements_per_s):>29}  {len(m.rows_per_s)}")
    print(f"machine load average (1 min) after each case: {min(load):.1f}-{max(load):.1f}")
    return measured


def _write(graph: Graph, case: Case, labels: Labels, rows: list[dict[str, Any]], batch: int) -> float:
    """Seconds to write the case's rows; the schema is created before the clock starts."""
    driver, database = graph.driver, graph.database
    if case.customer:
        labels.create_schema(driver, database)
    else:
        driver.execute_query(labels.query(KEY_ONLY), database_=database, routing_=RoutingControl.WRITE)
    query, params = labels.query(case.query), case.batch_params | (batch_params() if case.customer else {})
    if case.writers == 1:
        return write_batches(driver, database, query, rows, batch, params)
    # writer w takes batches w, w + writers, …: the loader's batches, shared out as a second writer would take them
    chunks = [rows[i:i + batch] for i in range(0, len(rows), batch)]
    shares = [[row for chunk in chunks[w::case.writers] for row in chunk] for w in range(case.writers)]
    with ThreadPoolExecutor(max_workers=case.writers, thread_name_prefix="c360-bench-writer") as pool:
        def concurrently() -> None:
            for done in [pool.submit(write_batches, driver, database, query, share, batch, params)
                         for share in shares]:
                done.result()
        return _timed(concurrently)


def _timed(work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _span(rates: list[float]) -> str:
    low, high, middle = min(rates), max(rates), statistics.median(rates)
    return f"{low:,.0f}" if round(low) == round(high) else f"{low:,.0f}-{high:,.0f} ({middle:,.0f})"


if __name__ == "__main__":
    main()
