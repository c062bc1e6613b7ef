"""Marketing benchmark: radius queries, invitation lists, locating and scoring at 100 000 customers.

The graph is written straight into a fresh store (resolution is measured by bench/resolve.py): customers
with one source record and email each, living in real towns of France, Belgium and the Netherlands drawn by
population, 200 stores in towns, about three purchases per buying customer at one of the stores nearest
to their town, and a marketing consent ledger as the loader writes it today (a choice about marketing by
email for half of them, a later refusal of all marketing for a few). A share of the customers then restrict
marketing or profiling through ``privacy.restrictions``, as an agent would. Then, timed, through the
functions the CLI and the API call: ``locate`` (homes and SHOPS_AT), ``score`` (RFM), radius queries of
10 km and 50 km around towns drawn by population, and 10 km invitation lists around stores drawn at random.

Every latency is printed with its sample count. The tail is a p99 only from 1 000 samples (nearest rank);
a kind that reaches its time budget first stops there and prints the maximum of what it measured instead.

    .venv/bin/python -m bench.geo --customers 100000 --stores 200 --queries 1000
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from collections.abc import Callable, Sized
from datetime import UTC, datetime, timedelta
from functools import partial

from neo4j import RoutingControl

from bench.figures import latencies, machine_line
from bench.scratch import fresh_graph
from geo.gazetteer import Place, gazetteer
from geo.invitations import Invitation, invitations
from geo.locate import locate
from geo.near import Venue, near, venue
from graph import Graph, open_graph
from privacy.restrictions import restrict
from scoring.score import score_customers

COUNTRIES = {"FR": 0.5, "BE": 0.25, "NL": 0.25}
#: fewer samples than this and the 99th percentile is one of the few slowest: the maximum is printed instead
WARM_UP = 10
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
    # as loaders/consents.py writes them: purpose and channel apart, the purpose node named by the purpose
    "consents": "MERGE (p:Purpose {name: 'marketing'}) WITH p UNWIND $rows AS row "
                "MATCH (i:Identifier {key: row.identifier}) CREATE (i)<-[:FOR]-(:ConsentEvent {key: row.key, "
                "source: 'bench', source_id: row.key, at: row.at, purpose: 'marketing', channel: row.channel, "
                "granted: row.granted, captured_via: 'web', loaded_at: $now})-[:ABOUT]->(p)",
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
            at = now - timedelta(days=rng.randint(30, 900))
            consents.append({"key": f"K{n}", "identifier": f"email:{email}", "channel": "email",
                             "granted": rng.random() < 0.9, "at": at})
            if rng.random() < 0.03:  # "no more marketing, by any means", after the choice by email
                consents.append({"key": f"K{n}-all", "identifier": f"email:{email}", "channel": None,
                                 "granted": False, "at": at + timedelta(days=rng.randint(1, 29))})
    for name, rows in (("stores", store_rows), ("customers", people), ("transactions", purchases),
                       ("consents", consents)):
        for start in range(0, len(rows), 5000):
            graph.driver.execute_query(SETUP[name], rows=rows[start:start + 5000], now=now,
                                       database_=graph.database, routing_=RoutingControl.WRITE)
    return {"stores": len(store_rows), "customers": len(people), "transactions": len(purchases),
            "consents": len(consents)}


def restrict_some(graph: Graph, customers: int, share: float, seed: int = 9) -> dict[str, int]:
    """A ``share`` of the customers restrict processing through the product's own path (ledger, edge, audit,
    change feed): two in three object to marketing, one in three restricts profiling."""
    rng = random.Random(seed)
    chosen = rng.sample(range(customers), round(customers * share))
    counts = {"marketing": 0, "profiling": 0}
    for k, n in enumerate(chosen):
        purpose = "profiling" if k % 3 == 2 else "marketing"
        restrict(graph, f"C{n:07d}", purpose, by="bench", why="benchmark", objection=purpose == "marketing")
        counts[purpose] += 1
    return counts


def _invite(graph: Graph, store_key: str) -> list[Invitation]:
    """What `c360 invite --venue <store> --radius 10` lists."""
    return invitations(graph, venue(graph, store_key), 10)


def _timed(label: str, runs: list[Callable[[], Sized]], budget: float) -> tuple[list[float], list[int]]:
    """Seconds and result sizes of ``runs`` one after another, stopping once ``budget`` seconds are spent."""
    seconds: list[float] = []
    sizes: list[int] = []
    began = time.perf_counter()
    for run in runs:
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
        sizes.append(len(result))
        if len(seconds) % 100 == 0:
            print(f"  {label}: {len(seconds)} in {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        if time.perf_counter() - began > budget:
            print(f"  {label}: budget of {budget:.0f} s spent after {len(seconds)} of {len(runs)}", file=sys.stderr,
                  flush=True)
            break
    return seconds, sizes


def _median(sizes: list[int]) -> int:
    return sorted(sizes)[len(sizes) // 2]


def _phase(label: str, started: float) -> None:
    print(f"{label}: done after {time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.1f}",
          file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--stores", type=int, default=200)
    parser.add_argument("--queries", type=int, default=1000, help="samples of each kind of query")
    parser.add_argument("--restricted", type=float, default=0.005,
                        help="share of customers who restrict marketing or profiling")
    parser.add_argument("--budget", type=float, default=1800,
                        help="seconds each kind of query may take in all; it stops there")
    args = parser.parse_args()
    rng = random.Random(11)
    load_before = os.getloadavg()[0]
    began = time.perf_counter()
    with fresh_graph("c360-bench-geo-") as (settings, _), open_graph(settings) as graph:
        started = time.perf_counter()
        sizes = build(graph, args.customers, args.stores)
        built = time.perf_counter() - started
        _phase("written", began)
        started = time.perf_counter()
        restricted = restrict_some(graph, sizes["customers"], args.restricted)
        restricting = time.perf_counter() - started
        _phase("restricted", began)
        located = locate(graph, full=True)
        _phase("located", began)
        scored = score_customers(graph)
        _phase("scored", began)
        points = [Venue(t.name, t.latitude, t.longitude) for t in _towns(rng, args.queries)]
        rng.shuffle(points)  # the countries' towns interleaved, as the budget may stop a kind early
        store_keys = rng.choices([f"S{n:04d}" for n in range(sizes["stores"])], k=args.queries)
        for place, key in zip(points[:WARM_UP], store_keys[:WARM_UP], strict=False):
            near(graph, place, 10)
            _invite(graph, key)
        radius_s, radius_n = _timed("radius 10 km", [partial(near, graph, p, 10) for p in points], args.budget)
        wide_s, wide_n = _timed("radius 50 km", [partial(near, graph, p, 50) for p in points], args.budget)
        invite_s, invite_n = _timed("invitations", [partial(_invite, graph, k) for k in store_keys], args.budget)
    print(machine_line("geo") + f"; load average {load_before:.1f} at the start, "
          "{:.1f} / {:.1f} / {:.1f} at the end (1 / 5 / 15 min)".format(*os.getloadavg()))
    print(f"graph: {sizes['customers']:,} customers, {sizes['stores']} stores, {sizes['transactions']:,} "
          f"transactions, {sizes['consents']:,} consent events (written in {built:.1f} s)")
    print(f"restrictions: {restricted['marketing']} objections to marketing, {restricted['profiling']} "
          f"restrictions of profiling ({restricting:.1f} s)")
    print(f"locate (homes + SHOPS_AT, full): {located.seconds:.1f} s (exact {located.exact:,}, town "
          f"{located.city:,}, unknown {located.unknown:,})")
    print(f"score (RFM, segments, value): {scored.seconds:.1f} s for {scored.customers:,} customers "
          f"({scored.buyers:,} with purchases)")
    print(f"radius 10 km around towns: {latencies(radius_s)}; median {_median(radius_n):,} customers found, "
          f"most {max(radius_n):,}")
    print(f"radius 50 km around towns: {latencies(wide_s)}; median {_median(wide_n):,} customers found, "
          f"most {max(wide_n):,}")
    print(f"invitation list, 10 km around a store ({len(set(store_keys[:len(invite_s)]))} stores drawn): "
          f"{latencies(invite_s)}; median {_median(invite_n):,} invitees, most {max(invite_n):,}")
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
