"""Marketing benchmark: radius queries, invitation lists, locating and scoring at 100 000 customers.

The graph is written straight into a fresh store (resolution is measured by bench/resolve.py): customers
with one source record and email each, living in real towns of France, Belgium and the Netherlands drawn by
population, 200 stores in towns, about three purchases per buying customer at one of the stores nearest
to their town, and a marketing consent for half of them. Then, timed: `locate` (homes and SHOPS_AT),
`score` (RFM), radius queries around random towns and stores, invitation lists for a 10 km radius.

    .venv/bin/python -m bench.geo --customers 100000 --stores 200
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from neo4j import RoutingControl

from bench.figures import percentiles_ms
from bench.scratch import fresh_graph
from geo.gazetteer import Place, gazetteer
from geo.invitations import Invitation, invitations
from geo.locate import locate
from geo.near import Venue, near, venue
from graph import Graph, open_graph
from scoring.score import score_customers

COUNTRIES = {"FR": 0.5, "BE": 0.25, "NL": 0.25}
SETUP = {
    "stores": "UNWIND $rows AS row CREATE (s:Store) SET s = row, "
              "s.location = point({latitude: row.latitude, longitude: row.longitude})",
    "customers": "UNWIND $rows AS row CREATE (c:Customer {id: row.id, first_name: row.first, last_name: row.last, "
                 "email: row.email, street: row.street, postcode: row.postcode, city: row.city, "
                 "country: row.country, updated_at: $now})-[:HAS_RECORD]->(r:SourceRecord {key: row.record, "
                 "source: 'bench', email: row.email})-[:HAS_IDENTIFIER]->(:Identifier {key: 'email:' + row.email, "
                 "type: 'email', value: row.email})",
    "transactions": "UNWIND $rows AS row MATCH (i:Identifier {key: row.identifier}), (s:Store {key: row.store}) "
                    "CREATE (i)<-[:BY]-(:Transaction {key: row.key, at: row.at, amount: row.amount, "
                    "amount_minor: row.minor, currency: 'EUR', loaded_at: $now})-[:AT]->(s)",
    "consents": "MERGE (p:Purpose {name: 'marketing_email'}) WITH p UNWIND $rows AS row "
                "MATCH (i:Identifier {key: row.identifier}) CREATE (i)<-[:FOR]-(:ConsentEvent {key: row.key, "
                "at: row.at, granted: row.granted, source: 'bench'})-[:ABOUT]->(p)",
}


def _towns(rng: random.Random, count: int) -> list[Place]:
    towns: list[Place] = []
    for country, share in COUNTRIES.items():
        places = gazetteer().places(country)
        towns += rng.choices(places, weights=[p.population for p in places], k=round(count * share))
    return towns


def _km(a: Place, b: Place) -> float:
    return math.hypot(a.latitude - b.latitude, (a.longitude - b.longitude) * math.cos(math.radians(a.latitude))) * 111


def build(graph: Graph, customers: int, stores: int, seed: int = 5) -> dict[str, int]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    shops = _towns(rng, stores)
    store_rows = [{"key": f"S{n:04d}", "name": f"c360 {town.name}", "city": town.name, "country": town.country,
                   "latitude": town.latitude + rng.uniform(-0.02, 0.02),
                   "longitude": town.longitude + rng.uniform(-0.02, 0.02)} for n, town in enumerate(shops)]
    homes = _towns(rng, customers)
    nearest: dict[str, list[str]] = {}
    people, purchases, consents = [], [], []
    for n, town in enumerate(homes):
        email = f"p{n}@bench.example"
        people.append({"id": f"C{n:07d}", "record": f"bench:{n}", "first": "Alex", "last": f"Person{n}",
                       "email": email, "street": f"{n % 300} Main Street", "postcode": f"{n % 9000 + 1000}",
                       "city": town.name, "country": town.country})
        if town.name not in nearest:
            candidates = [(s, p) for s, p in zip(store_rows, shops, strict=True) if p.country == town.country]
            nearest[town.name] = [str(s["key"]) for s, p in sorted(candidates, key=lambda sp: _km(town, sp[1]))[:3]]
        if rng.random() < 0.6:
            for k in range(rng.randint(1, 6)):
                minor = rng.randint(500, 30_000)
                purchases.append({"key": f"T{n}-{k}", "identifier": f"email:{email}", "store": rng.choice(
                    nearest[town.name]), "at": now - timedelta(days=rng.randint(1, 720)), "amount": minor / 100,
                    "minor": minor})
        if rng.random() < 0.5:
            consents.append({"key": f"K{n}", "identifier": f"email:{email}", "granted": rng.random() < 0.9,
                             "at": now - timedelta(days=rng.randint(1, 900))})
    for name, rows in (("stores", store_rows), ("customers", people), ("transactions", purchases),
                       ("consents", consents)):
        for start in range(0, len(rows), 5000):
            graph.driver.execute_query(SETUP[name], rows=rows[start:start + 5000], now=now,
                                       database_=graph.database, routing_=RoutingControl.WRITE)
    return {"stores": len(store_rows), "customers": len(people), "transactions": len(purchases),
            "consents": len(consents)}


def _invite(graph: Graph, store_key: str) -> list[Invitation]:
    return invitations(graph, venue(graph, store_key), 10)


def _timed(runs: list[Callable[[], Any]]) -> tuple[list[float], list[int]]:
    seconds, sizes = [], []
    for run in runs:
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
        sizes.append(len(result))
    return seconds, sizes


def _percentiles(samples: list[float]) -> str:
    p50, p99 = percentiles_ms(samples)
    return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(11)
    with fresh_graph("c360-bench-geo-") as (settings, _), open_graph(settings) as graph:
        started = time.perf_counter()
        sizes = build(graph, args.customers, args.stores)
        built = time.perf_counter() - started
        located = locate(graph, full=True)
        scored = score_customers(graph)
        points = [Venue(t.name, t.latitude, t.longitude) for t in _towns(rng, args.queries)]
        for place in points[:20]:
            near(graph, place, 10)  # warm-up
        radius_s, radius_n = _timed([partial(near, graph, p, 10) for p in points])
        wide_s, wide_n = _timed([partial(near, graph, p, 50) for p in points[:50]])
        store_keys = rng.sample([f"S{n:04d}" for n in range(sizes["stores"])], min(50, sizes["stores"]))
        invite_s, invite_n = _timed([partial(_invite, graph, k) for k in store_keys])
    print(f"c360 geo benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"graph: {sizes['customers']:,} customers, {sizes['stores']} stores, {sizes['transactions']:,} "
          f"transactions, {sizes['consents']:,} consents (written in {built:.1f} s)")
    print(f"locate (homes + SHOPS_AT, full): {located.seconds:.1f} s (exact {located.exact:,}, town "
          f"{located.city:,}, unknown {located.unknown:,})")
    print(f"score (RFM, segments, value): {scored.seconds:.1f} s for {scored.customers:,} customers "
          f"({scored.buyers:,} with purchases)")
    print(f"radius 10 km around {len(points)} towns: {_percentiles(radius_s)}, "
          f"median {sorted(radius_n)[len(radius_n) // 2]:,} customers found")
    print(f"radius 50 km around {len(wide_s)} towns: {_percentiles(wide_s)}, "
          f"median {sorted(wide_n)[len(wide_n) // 2]:,} customers found")
    print(f"invitation list, 10 km around {len(invite_s)} stores: {_percentiles(invite_s)}, "
          f"median {sorted(invite_n)[len(invite_n) // 2]:,} invitees")


if __name__ == "__main__":
    main()
