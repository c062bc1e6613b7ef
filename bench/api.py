"""API benchmark: the full 360 query against `c360 serve` on loopback, beside the raw Cypher it needs.

1. Demo data (``--customers`` people, every source kind) generated, loaded and resolved into a fresh store,
   or an existing ``--home`` reused as it is.
2. `c360 serve` started as its own process; a bounded load generator (this process, asyncio + HTTP keep-alive)
   sends the full 360 query (profile, identifiers, addresses, devices, the last 10 transactions, tickets,
   stores) for customers drawn at random: ``--requests`` at 1 client, then at 50 concurrent clients.
3. In the same run, the same neighbourhood read through the driver with the same queries the API sends,
   one customer after another: the API/raw ratio is what HTTP, GraphQL, auth and masking cost.

    .venv/bin/python -m bench.api --customers 10000 --requests 2000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from neo4j import RoutingControl

from api.auth import issue_token, signing_key
from bench.figures import percentiles_ms
from bench.scratch import demo_graph, fresh_graph
from customers.repository import CustomerRepository, PageRequest
from graph import Graph, Settings, open_graph

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
    """Customers drawn at random, weighted to those with purchases (the page a service agent opens)."""
    records, _, _ = graph.driver.execute_query("MATCH (c:Customer) RETURN c.id AS id", database_=graph.database,
                                              routing_=RoutingControl.READ)
    ids = [r["id"] for r in records]
    return random.Random(7).sample(ids, min(size, len(ids)))


def raw_neighbourhood(graph: Graph, ids: list[str]) -> list[float]:
    """Seconds per customer for the queries the API sends for QUERY, straight through the driver."""
    repository = CustomerRepository(graph)
    timings = []
    for customer_id in ids:
        started = time.perf_counter()
        repository.customers([customer_id])
        [identities] = repository.identities([customer_id])
        request = [(PageRequest(customer_id, 10), identities)]
        repository.pages("transactions", request)
        repository.pages("tickets", request)
        repository.stores([identities])
        timings.append(time.perf_counter() - started)
    return timings


async def _load(url: str, token: str, ids: list[str], requests: int, clients: int,
                query: str = QUERY, variable: str = "id") -> tuple[list[float], float, int]:
    """``requests`` POSTs shared by ``clients`` workers: latencies, wall seconds, failures."""
    queue = iter(random.Random(clients).choices(ids, k=requests))
    latencies: list[float] = []
    failures = 0
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, limits=limits,
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


def _serve(settings: Settings, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "C360_HOME": str(settings.home)}
    c360 = Path(sys.executable).with_name("c360")
    server = subprocess.Popen([str(c360), "serve", "--port", str(port), "--workers", str(workers)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx2.TransportError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"c360 serve did not become ready: {server.stderr.read().decode() if server.stderr else ''}")


def run(settings: Settings, requests: int, port: int, workers: list[int]) -> dict[str, Any]:
    with open_graph(settings) as graph:
        ids = _sample(graph, 2000)
        raw_neighbourhood(graph, ids[:50])  # warm the store's caches and the driver's pool
        raw = raw_neighbourhood(graph, ids[:500])
        customers = graph.read("graph_counts")[0]["customers"]
        records, _, _ = graph.driver.execute_query("MATCH (c:Customer) WHERE c.last_name IS NOT NULL "
                                                   "RETURN c.last_name AS name LIMIT 500", database_=graph.database,
                                                   routing_=RoutingControl.READ)
        names = [r["name"].lower() for r in records]
    token = issue_token(signing_key(settings), "agent", "bench", timedelta(hours=1))
    url = f"http://127.0.0.1:{port}/graphql"
    results = {}
    for count in workers:
        server = _serve(settings, port, count)
        try:
            asyncio.run(_load(url, token, ids, 100, 1))  # warm-up
            for clients in (1, 50):
                results[count, clients] = asyncio.run(_load(url, token, ids, requests, clients))
            if count == workers[0]:
                search = asyncio.run(_load(url, token, names, 200, 1, SEARCH, "name"))
        finally:
            server.terminate()
            server.wait(10)
    return {"raw": raw, "results": results, "customers": customers, "search": search}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=10_000, help="people to generate (fresh store)")
    parser.add_argument("--home", type=Path, help="reuse this C360_HOME instead of generating")
    parser.add_argument("--requests", type=int, default=2000, help="requests per concurrency level")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="c360 serve --workers, each in turn")
    args = parser.parse_args()
    if args.home:
        report = run(Settings(neo4j_uri=None, c360_home=args.home), args.requests, args.port, args.workers)
    else:
        with fresh_graph("c360-bench-api-") as (settings, scratch):
            with open_graph(settings) as graph:
                demo_graph(graph, settings.home, scratch / "sources", args.customers)
            report = run(settings, args.requests, args.port, args.workers)
    print(f"c360 API benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    raw_p50, raw_p99 = percentiles_ms(report["raw"])
    print(f"{report['customers']:,} customers; full 360 query (profile, "
          f"identifiers, addresses, devices, last 10 transactions, tickets, stores)")
    print(f"raw Cypher through the driver, same queries, 1 client: p50 {raw_p50:.1f} ms, p99 {raw_p99:.1f} ms")
    for (workers, clients), (latencies, seconds, failures) in report["results"].items():
        p50, p99 = percentiles_ms(latencies)
        print(f"API, {workers} worker(s), {clients:>2} client(s): {len(latencies):,} requests in {seconds:.1f} s, "
              f"{len(latencies) / seconds:,.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, {failures} failed")
        if clients == 1:
            print(f"API/raw ratio at 1 client: p50 {p50 / raw_p50:.2f}x, mean "
                  f"{statistics.mean(latencies) / statistics.mean(report['raw']):.2f}x")
    latencies, _, failures = report["search"]
    p50, p99 = percentiles_ms(latencies)
    print(f"searchCustomers(name: <a last name>, first: 10), 1 client: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"{failures} failed")


if __name__ == "__main__":
    main()
