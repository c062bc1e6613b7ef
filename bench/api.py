"""API benchmark: the full 360 query against `c360 serve` on loopback, beside the same neighbourhood read
straight through the driver.

1. Demo data (``--customers`` people, every source kind) generated, loaded and resolved into a fresh store,
   or an existing ``--home`` reused as it is.
2. `c360 serve` started as its own process (``--workers`` each in turn). At 1 client, ``--requests`` customers
   drawn at random, each read three ways one after another, the order turning from customer to customer so
   that none always runs on the caches another warmed:
   (a) the API: the full 360 query (profile, identifiers, addresses, devices, the last 10 transactions,
       tickets with notes, stores) over HTTP (asyncio client, keep-alive);
   (b) the API's repository code: the five queries the API sends for it, one after another through the
       driver, with their results converted (the baseline of earlier runs, kept to compare with them);
   (c) the hand-written query: one round trip (``cypher/customer_360_neighbourhood.cypher``) returning the
       same values (``tests/bench/test_api_baseline.py`` proves they are the same).
   API / hand-written is what HTTP, GraphQL, auth, masking and the API's five-query plan cost together.
3. The API at 50 concurrent clients, ``--requests`` in all: throughput. A name search at 1 client.

    .venv/bin/python -m bench.api --customers 10000 --requests 2000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
from neo4j import RoutingControl

from bench.figures import machine_line, percentiles_ms
from bench.scratch import demo_graph, fresh_graph
from bench.serving import served, token
from customers.repository import CustomerRepository, PageRequest
from graph import Graph, Settings, open_graph

#: the hand-written query reads one more purchase and ticket than the page shows: whether more follow
NEIGHBOURHOOD_LIMIT = 11
#: customers read the three ways before each server is measured
WARM_UP = 500
SEARCH = """query($name: String!) { searchCustomers(name: $name, first: 10) {
  edges { node { id firstName lastName postcode email } } pageInfo { hasNextPage endCursor } } }"""
QUERY = """query($id: ID!) { customer(id: $id) {
  id firstName lastName birthDate email phone street houseNumber postcode city country customerNumber
  identifiers { type value } addresses { street postcode city recordKeys } devices
  transactions(first: 10) { edges { cursor node { key at amount { amount currency } channel storeName } }
    pageInfo { hasNextPage endCursor } }
  tickets(first: 10) { edges { node { key openedAt status subject notes { at by text } } } }
  stores { store { key name city latitude longitude } visits spend { amount currency } lastVisit } } }"""


def _sample(graph: Graph, size: int) -> list[str]:
    """Customers drawn at random (a fixed seed, so runs compare), the pages a service agent opens."""
    records, _, _ = graph.driver.execute_query("MATCH (c:Customer) RETURN c.id AS id", database_=graph.database,
                                              routing_=RoutingControl.READ)
    ids = [r["id"] for r in records]
    return random.Random(7).sample(ids, min(size, len(ids)))


def repository_sequence(graph: Graph, customer_id: str) -> None:
    """(b) The API's repository code for QUERY: its five queries one after another, results converted (the API
    itself sends the three list queries at once)."""
    repository = CustomerRepository(graph)
    repository.customers([customer_id])
    [identities] = repository.identities([customer_id])
    request = [(PageRequest(customer_id, 10), identities)]
    repository.pages("transactions", request)
    repository.pages("tickets", request)
    repository.stores([identities])


def hand_written(graph: Graph, customer_id: str) -> None:
    """(c) The same neighbourhood in one round trip, results converted as every ``graph.read`` converts them."""
    graph.read("customer_360_neighbourhood", id=customer_id, limit=NEIGHBOURHOOD_LIMIT)


Way = Callable[[str], Any]


async def side_by_side(url: str, bearer: str, graph: Graph, ids: list[str]) -> dict[str, list[float]]:
    """Seconds per customer for (a), (b) and (c), at 1 client: each customer read the three ways in turn, the
    order rotating, so that the machine's moods and the store's caches fall on all three alike."""
    timings: dict[str, list[float]] = {"api": [], "repository": [], "hand_written": []}
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {bearer}"}, timeout=30) as client:

        async def api(customer_id: str) -> None:
            response = await client.post(url, json={"query": QUERY, "variables": {"id": customer_id}})
            if response.status_code != 200 or "errors" in response.json():
                raise SystemExit(f"the API failed for {customer_id}: {response.text[:500]}")

        ways: list[tuple[str, Way]] = [("api", api), ("repository", lambda i: repository_sequence(graph, i)),
                                       ("hand_written", lambda i: hand_written(graph, i))]
        for number, customer_id in enumerate(ids):
            turn = number % len(ways)
            for name, way in ways[turn:] + ways[:turn]:
                started = time.perf_counter()
                done = way(customer_id)
                if asyncio.iscoroutine(done):
                    await done
                timings[name].append(time.perf_counter() - started)
    return timings


async def _load(url: str, bearer: str, ids: list[str], requests: int, clients: int,
                query: str = QUERY, variable: str = "id") -> tuple[list[float], float, int]:
    """``requests`` POSTs shared by ``clients`` workers: latencies, wall seconds, failures."""
    queue = iter(random.Random(clients).choices(ids, k=requests))
    latencies: list[float] = []
    failures = 0
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {bearer}"}, limits=limits,
                                  timeout=30) as client:

        async def worker() -> None:
            nonlocal failures
            for customer_id in queue:
                started = time.perf_counter()
                response = await client.post(url, json={"query": query, "variables": {variable: customer_id}})
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200 or "errors" in response.json():
                    failures += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies, time.perf_counter() - started, failures


def run(settings: Settings, requests: int, port: int, workers: list[int]) -> dict[str, Any]:
    with open_graph(settings) as graph:
        ids = _sample(graph, 2000)
        customers = graph.read("graph_counts")[0]["customers"]
        records, _, _ = graph.driver.execute_query("MATCH (c:Customer) WHERE c.last_name IS NOT NULL "
                                                   "RETURN c.last_name AS name LIMIT 500", database_=graph.database,
                                                   routing_=RoutingControl.READ)
        names = [r["name"].lower() for r in records]
        bearer = token(settings, "agent")
        chosen = random.Random(1).choices(ids, k=requests)
        report: dict[str, Any] = {"customers": customers, "one_client": {}, "loaded": {}, "load": []}
        for count in workers:
            with served(settings, port, count) as base:
                url = f"{base}/graphql"
                # warm-up: caches, pools, the store's JIT (after 100 customers the first server still ran slower
                # than the second, the driver paths too)
                asyncio.run(side_by_side(url, bearer, graph, ids[:WARM_UP]))
                report["load"].append(os.getloadavg()[0])
                report["one_client"][count] = asyncio.run(side_by_side(url, bearer, graph, chosen))
                report["loaded"][count] = asyncio.run(_load(url, bearer, ids, requests, 50))
                report["load"].append(os.getloadavg()[0])
                if count == workers[0]:
                    report["search"] = asyncio.run(_load(url, bearer, names, 200, 1, SEARCH, "name"))
    return report


def _figures(samples: list[float]) -> str:
    p50, p99 = percentiles_ms(samples)
    mean = statistics.mean(samples) * 1000
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, mean {mean:.1f} ms ({len(samples):,} samples)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000, help="people to generate (fresh store)")
    parser.add_argument("--home", type=Path, help="reuse this C360_HOME instead of generating")
    parser.add_argument("--requests", type=int, default=2000,
                        help="customers read each way at 1 client, and requests at 50 clients")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="c360 serve --workers, each in turn")
    args = parser.parse_args()
    print(machine_line("API"))
    print(f"load average (1 min) at start: {os.getloadavg()[0]:.1f}")
    if args.home:
        report = run(Settings(neo4j_uri=None, c360_home=args.home), args.requests, args.port, args.workers)
    else:
        with fresh_graph("c360-bench-api-") as (settings, scratch):
            with open_graph(settings) as graph:
                demo_graph(graph, settings.home, scratch / "sources", args.customers)
            report = run(settings, args.requests, args.port, args.workers)
    print(f"{report['customers']:,} customers; full 360 query (profile, identifiers, addresses, devices, last 10 "
          f"transactions, tickets with notes, stores)")
    print("load average (1 min) around the measurements: "
          + ", ".join(f"{load:.1f}" for load in report["load"]))
    for workers, timings in report["one_client"].items():
        print(f"-- c360 serve --workers {workers}, 1 client, each customer read the three ways in turn")
        print(f"(a) API, full 360 query over HTTP: {_figures(timings['api'])}")
        print(f"(b) the API's repository code, five queries in sequence: {_figures(timings['repository'])}")
        print(f"(c) hand-written query, one round trip: {_figures(timings['hand_written'])}")
        api, hand, repository = (percentiles_ms(timings[k]) for k in ("api", "hand_written", "repository"))
        print(f"API / hand-written (target <= 3): p50 {api[0] / hand[0]:.2f}x, p99 {api[1] / hand[1]:.2f}x, mean "
              f"{statistics.mean(timings['api']) / statistics.mean(timings['hand_written']):.2f}x")
        print(f"API / repository code (the earlier baseline): p50 {api[0] / repository[0]:.2f}x, "
              f"p99 {api[1] / repository[1]:.2f}x")
        latencies, seconds, failures = report["loaded"][workers]
        print(f"API, 50 clients: {len(latencies):,} requests in {seconds:.1f} s, {len(latencies) / seconds:,.0f} "
              f"req/s, {_figures(latencies)}, {failures} failed")
    latencies, _, failures = report["search"]
    p50, _ = percentiles_ms(latencies)
    print(f"searchCustomers(name: <a last name>, first: 10), 1 client: p50 {p50:.1f} ms, max of {len(latencies)} "
          f"{max(latencies) * 1000:.1f} ms, {failures} failed")


if __name__ == "__main__":
    main()
