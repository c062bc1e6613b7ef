"""Who is near a place, and who to invite there: radius queries and consent-clean invitation lists.

An invitation list has one row per customer (never per source record), only customers whose current
consent for the purpose is a grant (the newest event wins, so a withdrawal beats any older grant), nearest
first, each with the reason it was chosen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from api.repository import CustomerRepository
from geo.locate import CELL_DEGREES
from graph.errors import InputError
from graph.store import Store
from scoring.rfm import DESCRIPTIONS

EARTH_METRES_PER_DEGREE = 111_320
CONSENT_PURPOSE = "marketing_email"
MAX_RADIUS_KM = 1000


@dataclass(frozen=True)
class Venue:
    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Invitation:
    customer_id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    postcode: str | None
    city: str | None
    distance_km: float
    via: str
    segment: str | None
    rfm: str | None
    reason: str


def km(metres: float) -> float:
    """A distance as every list shows it: kilometres, to 10 m."""
    return round(metres / 1000, 2)


def venue(store: Store, spec: str) -> Venue:
    """A store id (``S009``) or ``LAT,LON`` in decimal degrees."""
    text = spec.strip()
    parts = text.split(",")
    if len(parts) == 2:
        try:
            latitude, longitude = float(parts[0]), float(parts[1])
        except ValueError:
            raise InputError(f"venue: {spec!r} is neither a store id nor LAT,LON") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise InputError(f"venue: {spec!r} is not a point on Earth (LAT within ±90, LON within ±180)")
        return Venue(f"{latitude:.5f},{longitude:.5f}", latitude, longitude)
    found = store.read("geo_store", key=text)
    if not found:
        raise InputError(f"venue: no store {text!r}; give a store id or LAT,LON")
    if found[0]["latitude"] is None:
        raise InputError(f"venue: store {text!r} has no coordinates in its source")
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


def near(store: Store, place: Venue, radius_km: float, limit: int = 100_000) -> list[dict[str, Any]]:
    """Customers whose current home or usual store is within ``radius_km``, nearest first (the nearer way)."""
    if not 0 < radius_km <= MAX_RADIUS_KM:
        raise InputError(f"radius: must be more than 0 and at most {MAX_RADIUS_KM} km, got {radius_km}")
    metres = radius_km * 1000
    rows = store.read("geo_customers_near", latitude=place.latitude, longitude=place.longitude, metres=metres,
                      cells=cells(place, metres))
    nearest: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["id"] not in nearest or row["metres"] < nearest[row["id"]]["metres"]:
            nearest[row["id"]] = row
    return sorted(nearest.values(), key=lambda r: (r["metres"], r["id"]))[:limit]


def catchment(store: Store, store_key: str) -> list[dict[str, Any]]:
    """Where a store's shoppers live: each with visits, spend, home point and distance (most visits first)."""
    venue(store, store_key)  # a clear error for an unknown store
    return store.read("geo_store_catchment", key=store_key)


def far_shoppers(store: Store, min_km: float, limit: int = 1000) -> list[dict[str, Any]]:
    """Customers whose usual store is more than ``min_km`` from home, farthest first."""
    if not 0 <= min_km <= 20_000:
        raise InputError(f"minKm: must be between 0 and 20000, got {min_km}")
    return store.read("geo_far_shoppers", metres=min_km * 1000, limit=limit)


def invitations(store: Store, place: Venue, radius_km: float, *, segment: str | None = None,
                limit: int | None = None, purpose: str = CONSENT_PURPOSE) -> list[Invitation]:
    if segment is not None and segment not in DESCRIPTIONS:
        raise InputError(f"segment: no segment {segment!r}; one of {', '.join(DESCRIPTIONS)}")
    if limit is not None and limit < 1:
        raise InputError(f"limit: must be at least 1, got {limit}")
    candidates = near(store, place, radius_km)
    repository = CustomerRepository(store)
    ids = [c["id"] for c in candidates]
    consents = repository.per_customer("api_consents", repository.identities(ids)) if ids else []
    granted = {customer_id: next(r for r in rows if r["purpose"] == purpose)
               for customer_id, rows in zip(ids, consents, strict=True)
               if any(r["purpose"] == purpose and r["granted"] for r in rows)}
    details = {row["id"]: row for row in store.read("geo_invitees", ids=sorted(granted))}
    chosen: list[Invitation] = []
    for candidate in candidates:
        person = details.get(candidate["id"])
        if person is None or (segment is not None and person["segment"] != segment):
            continue
        distance = km(candidate["metres"])
        consent = granted[candidate["id"]]
        reason = f"{candidate['via']} {distance} km from {place.label}"
        if person["segment"]:
            reason += f"; segment {person['segment']} (RFM {person['rfm']})"
        reason += f"; {purpose} granted {consent['at']:%Y-%m-%d}"
        chosen.append(Invitation(person["id"], person["first_name"], person["last_name"], person["email"],
                                 person["phone"], person["postcode"], person["city"], distance, candidate["via"],
                                 person["segment"], person["rfm"], reason))
        if limit is not None and len(chosen) >= limit:
            break
    return chosen
