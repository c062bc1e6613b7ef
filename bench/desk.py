"""Service-desk benchmark: what a contact correction costs, and what keeping homes current adds to it.

A demo graph of ``--customers`` people (every source kind) is generated, loaded, resolved and located in a
fresh store. Then ``--corrections`` address corrections, each of another random customer, alternate between
the desk command alone (write, audit, re-resolve) and the same through ``pipeline`` (plus the incremental
``locate`` that moves the customer's home and shopping places), so both are measured on the same graph in
the same run. Last, ``--together`` agents correct one customer's email at once (threads through ``pipeline``,
as the API's are): corrections of one customer are serialised, so this shows what waiting for each other costs.

Every latency is printed with its sample count; the tail is a p99 only from 1 000 samples (nearest rank),
otherwise the maximum, named as such.

    .venv/bin/python -m bench.desk --customers 10000 --corrections 60 --together 10
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pipeline
from bench.figures import latencies, machine_line
from bench.scratch import demo_graph, fresh_graph
from desk.contact import correct_contact
from graph import Graph, open_graph
from resolution.rules import default_rules

#: fewer samples than this and the 99th percentile is one of the few slowest: the maximum is printed instead
TOWNS = [("75011", "Paris", "FR"), ("69002", "Lyon", "FR"), ("1000", "Brussels", "BE"), ("3011 AB", "Rotterdam", "NL")]


def _corrections(graph: Graph, count: int, rng: random.Random) -> tuple[list[float], list[float]]:
    """Seconds per correction: desk alone, and through the pipeline (homes and stores follow)."""
    rules = default_rules()
    ids = [row["customer_id"] for row in graph.read("export_clusters")]
    chosen = rng.sample(sorted(set(ids)), count)
    alone: list[float] = []
    followed: list[float] = []
    for n, customer_id in enumerate(chosen):
        postcode, city, country = TOWNS[n % len(TOWNS)]
        address = {"street": f"{n + 1} rue du Banc", "postcode": postcode, "city": city, "country": country}
        started = time.perf_counter()
        if n % 2:
            pipeline.correct_contact(graph, rules, customer_id, address, "bench")
            followed.append(time.perf_counter() - started)
        else:
            correct_contact(graph, rules, customer_id, address, "bench")
            alone.append(time.perf_counter() - started)
    return alone, followed


def _together(graph: Graph, count: int, rng: random.Random) -> tuple[list[float], int]:
    """Seconds per correction when ``count`` agents correct one customer at once, and how many failed."""
    rules = default_rules()
    customer_id = rng.choice(sorted({row["customer_id"] for row in graph.read("export_clusters")}))
    start = threading.Barrier(count)

    def one(n: int) -> float:
        start.wait()
        started = time.perf_counter()
        pipeline.correct_contact(graph, rules, customer_id, {"email": f"together.{n}@example.org"}, "bench")
        return time.perf_counter() - started

    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(one, n) for n in range(count)]
    seconds = [f.result() for f in futures if f.exception() is None]
    return seconds, count - len(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--corrections", type=int, default=100)
    parser.add_argument("--together", type=int, default=10, help="agents correcting one customer at once")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with fresh_graph("c360-bench-desk-") as (settings, scratch), open_graph(settings) as graph:
        resolved = demo_graph(graph, settings.home, scratch / "sources", args.customers)
        transactions = graph.read("graph_counts")[0]
        alone, followed = _corrections(graph, args.corrections, random.Random(5))
        together, failed = _together(graph, args.together, random.Random(7)) if args.together else ([], 0)
    print(machine_line("desk") + f"; load average {load_before:.1f} at the start, "
          "{:.1f} / {:.1f} / {:.1f} at the end (1 / 5 / 15 min)".format(*os.getloadavg()))
    print(f"graph: {args.customers:,} people, {resolved.resolution.customers:,} customers, "
          + ", ".join(f"{k} {v:,}" for k, v in transactions.items()))
    for label, seconds in (("desk command alone (write, audit, re-resolve)", alone),
                           ("through pipeline (+ home and stores follow)", followed)):
        print(f"{label}: {latencies(seconds, digits=0)}")
    if together:
        print(f"{args.together} agents correcting one customer at once: {latencies(together, digits=0)}, "
              f"{failed} failed")
    elif args.together:
        print(f"{args.together} agents correcting one customer at once: all {failed} failed")


if __name__ == "__main__":
    main()
