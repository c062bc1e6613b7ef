"""Where each customer lives and shops, materialised after loads and resolution for the map and invitations.

- ``Home``: the golden address of the customer, placed by the coordinates a source gives for it (precision
  ``exact``) or by the town through the offline gazetteer (``city``); otherwise it has no point
  (``unknown``). People at one address share one home; a move turns the old ``LIVES_AT`` into ``LIVED_AT``
  with ``until``.
- ``SHOPS_AT``: the stores a customer bought at, with visits, spend and last visit, through the same
  identities the API attaches purchases by (so the map and the 360 agree).

Runs are incremental: customers whose profile changed, and customers with transactions loaded, since the
last ``LocateRun`` started.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from customers.repository import CustomerRepository
from geo.gazetteer import fold, gazetteer
from graph.database import Graph
from graph.runs import Run, running

BATCH = 2000
ADDRESS = ("street", "house_number", "postcode", "city", "country")
#: homes are filed in cells of this many degrees (≈ 11 km north-south): a radius query looks up the few
#: cells its circle touches through an index, on any store, instead of scanning a band of latitude
CELL_DEGREES = 0.1


def cell(latitude: float, longitude: float) -> str:
    return f"{math.floor(latitude / CELL_DEGREES)}:{math.floor(longitude / CELL_DEGREES)}"


@dataclass(frozen=True)
class LocateSummary:
    run_id: str
    customers: int
    exact: int
    city: int
    unknown: int
    shoppers: int
    seconds: float


def home_row(customer: dict[str, Any]) -> dict[str, Any]:
    """The home of one customer: key, address, point and its precision. Pure, tested without a store."""
    address = {name: customer.get(name) for name in ADDRESS}
    key = hashlib.blake2b("|".join(fold(str(address[n] or "")) for n in ADDRESS).encode(),
                          digest_size=10).hexdigest()
    home: dict[str, Any] = {**address, "latitude": None, "longitude": None, "cell": None, "precision": "unknown"}
    if customer.get("latitude") is not None and customer.get("longitude") is not None:
        home |= {"latitude": customer["latitude"], "longitude": customer["longitude"], "precision": "exact"}
    elif town := gazetteer().locate(customer.get("country"), customer.get("city")):
        home |= {"latitude": town.latitude, "longitude": town.longitude, "precision": "city"}
    if home["latitude"] is not None:
        home["cell"] = cell(home["latitude"], home["longitude"])
    return {"id": customer["id"], "key": f"home:{key}", "home": home}


def locate(graph: Graph, *, full: bool = False) -> LocateSummary:
    last = None if full else graph.read("geo_last_locate_run")
    since = last[0]["started_at"] if last else None
    with running(graph, "locate", full=since is None) as run:
        summary = _locate(graph, run, since)
        run.record(**{k: v for k, v in asdict(summary).items() if k not in ("run_id", "seconds")})
    return summary


def _locate(graph: Graph, run: Run, since: datetime | None) -> LocateSummary:
    customers = graph.read("geo_customers_to_locate", since=since)
    homes = [home_row(c) for c in customers]
    graph.write_batches("geo_write_homes", homes, batch_size=BATCH, now=run.started_at)
    shoppers = {c["id"] for c in customers}
    if since is not None:
        shoppers |= {row["id"] for row in graph.read("geo_changed_shoppers", since=since)}
    ordered = sorted(shoppers)
    repository = CustomerRepository(graph)
    for start in range(0, len(ordered), BATCH):
        ids = ordered[start:start + BATCH]
        visits = repository.stores(repository.identities(ids))
        rows = [{"id": customer_id, "stores": [  # most visited first: the first is the usual store
                    {"store": v["store"]["key"], "visits": v["visits"], "spend_minor": v["spend_minor"],
                     "currency": v["currency"], "last_visit": v["last_visit"], "usual": rank == 0}
                    for rank, v in enumerate(stores)]}
                for customer_id, stores in zip(ids, visits, strict=True)]
        graph.write("geo_write_shops_at", rows=rows, now=run.started_at)
    precision = [h["home"]["precision"] for h in homes]
    return LocateSummary(run.run_id, len(homes), precision.count("exact"), precision.count("city"),
                         precision.count("unknown"), len(ordered), run.seconds)
