"""Who is near a place: customers within a radius of a store or a point, a store's catchment, far shoppers.

Distances are along the Earth's surface from a customer's current home or usual store, whichever is nearer;
homes are found through the indexed cells they are filed in (``geo.locate.cell``), on any store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from geo.locate import CELL_DEGREES
from graph.database import Graph
from graph.errors import InputError

EARTH_METRES_PER_DEGREE = 111_320
MAX_RADIUS_KM = 1000


@dataclass(frozen=True)
class Venue:
    label: str
    latitude: float
    longitude: float


def km(metres: float) -> float:
    """A distance as every list shows it: kilometres, to 10 m."""
    return round(metres / 1000, 2)


def point(latitude: float, longitude: float, label: str | None = None, field: str = "latitude") -> Venue:
    """A place on Earth, or an ``InputError`` naming ``field``: NaN, infinities and out-of-range degrees are
    refused before they reach a cell or a query."""
    if not (math.isfinite(latitude) and math.isfinite(longitude) and -90 <= latitude <= 90
            and -180 <= longitude <= 180):
        raise InputError(f"{latitude},{longitude} is not a point on Earth (latitude within ±90, longitude within "
                         "±180)", field)
    return Venue(label or f"{latitude:.5f},{longitude:.5f}", latitude, longitude)


def venue(graph: Graph, spec: str, field: str = "venue") -> Venue:
    """A store id (``S009``) or ``LAT,LON`` in decimal degrees; ``field`` names the input in errors."""
    text = spec.strip()
    parts = text.split(",")
    if len(parts) == 2:
        try:
            latitude, longitude = float(parts[0]), float(parts[1])
        except ValueError:
            raise InputError(f"{spec!r} is neither a store id nor LAT,LON", field) from None
        if not (math.isfinite(latitude) and math.isfinite(longitude)
                and -90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise InputError(f"{spec!r} is not a point on Earth (LAT within ±90, LON within ±180)", field)
        return Venue(f"{latitude:.5f},{longitude:.5f}", latitude, longitude)
    found = graph.read("geo_store", key=text)
    if not found:
        raise InputError(f"no store {text!r}; give a store id or LAT,LON", field)
    if found[0]["latitude"] is None or found[0]["longitude"] is None:  # a source may give one and not the other
        raise InputError(f"store {text!r} has no coordinates in its source", field)
    return Venue(found[0]["name"] or text, found[0]["latitude"], found[0]["longitude"])


def cells(place: Venue, metres: float) -> list[str]:
    """The home cells (``geo.locate.cell``) a circle around ``place`` touches."""
    dlat = metres / EARTH_METRES_PER_DEGREE
    # the circle is widest in longitude on its edge nearest a pole
    widest = min(abs(place.latitude) + dlat, 89.9)
    dlon = min(metres / (EARTH_METRES_PER_DEGREE * math.cos(math.radians(widest))), 180.0)
    rows = range(math.floor((place.latitude - dlat) / CELL_DEGREES),
                 math.floor((place.latitude + dlat) / CELL_DEGREES) + 1)
    columns = range(math.floor((place.longitude - dlon) / CELL_DEGREES),
                    math.floor((place.longitude + dlon) / CELL_DEGREES) + 1)
    return [f"{r}:{c}" for r in rows for c in columns]


def near(graph: Graph, place: Venue, radius_km: float, limit: int = 100_000) -> list[dict[str, Any]]:
    """Customers whose current home or usual store is within ``radius_km``, nearest first (the nearer way)."""
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise InputError(f"must be more than 0 and at most {MAX_RADIUS_KM} km, got {radius_km}", "radius_km")
    metres = radius_km * 1000
    rows = graph.read("geo_customers_near", latitude=place.latitude, longitude=place.longitude, metres=metres,
                      cells=cells(place, metres))
    nearest: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["id"] not in nearest or row["metres"] < nearest[row["id"]]["metres"]:
            nearest[row["id"]] = row
    return sorted(nearest.values(), key=lambda r: (r["metres"], r["id"]))[:limit]


def catchment(graph: Graph, store_key: str) -> list[dict[str, Any]]:
    """Where a store's shoppers live: each with visits, spend, home point and distance (most visits first)."""
    venue(graph, store_key, "store_key")  # a clear error for an unknown store
    return graph.read("geo_store_catchment", key=store_key)


def far_shoppers(graph: Graph, min_km: float, limit: int = 1000) -> list[dict[str, Any]]:
    """Customers whose usual store is more than ``min_km`` from home, farthest first."""
    if not 0 <= min_km <= 20_000:
        raise InputError(f"must be between 0 and 20000, got {min_km}", "min_km")
    return graph.read("geo_far_shoppers", metres=min_km * 1000, limit=limit)
