"""The shop's stores: reference data kept in a spreadsheet, placed where the customers live.

Towns are real (see ``pools``): a store sits in its town, near the town's coordinates, and people shop at
the stores nearest to their own town, so distances in the graph mean something. A town the gazetteer does
not know falls back to a synthetic anchor per postcode region (its first two characters).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from geo.gazetteer import gazetteer
from synthetic.people import REFERENCE_DATE, Person

STORE_COLUMNS = ("Store ID", "Name", "Street", "No", "Postcode", "City", "Country", "Lat", "Lon", "Website")
SHEET = "Stores"
UNKNOWN_STORE = "S999"  # quoted by a few bad transactions; never a real store
PEOPLE_PER_STORE = 500
MIN_STORES = 20
MAX_STORES = 200
BOUNDS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "FR": ((41.3, 51.1), (-4.8, 9.6)), "BE": ((49.6, 51.4), (2.6, 6.3)), "NL": ((50.8, 53.4), (3.4, 7.1)),
}
_JITTER = 0.08  # degrees around a synthetic region's anchor
_STORE_JITTER = 0.02  # degrees around the town's centre: a store is in town
_SUFFIXES: dict[str, tuple[str, ...]] = {
    "FR": ("Centre", "Gare", "Nord", "Sud", "Est", "Ouest", "Les Halles", "République"),
    "BE": ("Centrum", "Station", "Noord", "Zuid", "Oost", "West", "Markt", "Haven"),
    "NL": ("Centrum", "Station", "Noord", "Zuid", "Oost", "West", "Markt", "Haven"),
}
_ZIP_TIME = (REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day, 0, 0, 0)


@dataclass(frozen=True)
class _Site:
    """A store before it has an id: where it is."""

    name: str
    street: str
    house_number: str
    postcode: str
    city: str
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Store(_Site):
    """A site with the id transactions quote and a website cell (sometimes a spreadsheet formula)."""

    store_id: str
    website: str


class Geography:
    """Anchors of postcode regions and, per region, its stores nearest first."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._anchors: dict[tuple[str, str], tuple[float, float]] = {}
        self._nearest: dict[tuple[str, str], tuple[Store, ...]] = {}
        self.stores: tuple[Store, ...] = ()

    def anchor(self, country: str, postcode: str, city: str | None = None) -> tuple[float, float]:
        """The town's coordinates, or a fixed point per postcode region, drawn from its own RNG so the order of
        questions does not matter."""
        town = gazetteer().locate(country, city)
        if town:
            return town.latitude, town.longitude
        key = (country, postcode[:2])
        if key not in self._anchors:
            rng = random.Random(f"{self._seed}:region:{country}:{postcode[:2]}")
            (south, north), (west, east) = BOUNDS[country]
            self._anchors[key] = (rng.uniform(south + _JITTER, north - _JITTER),
                                  rng.uniform(west + _JITTER, east - _JITTER))
        return self._anchors[key]

    def nearest(self, country: str, postcode: str, city: str | None = None) -> tuple[Store, ...]:
        """The country's stores, nearest to the town first; cached, as a town has many people."""
        key = (country, city or postcode[:2])
        if key not in self._nearest:
            lat, lon = self.anchor(country, postcode, city)
            scale = math.cos(math.radians(lat))
            candidates = [s for s in self.stores if s.country == country]
            self._nearest[key] = tuple(sorted(
                candidates, key=lambda s: ((s.latitude - lat) ** 2 + ((s.longitude - lon) * scale) ** 2,
                                           s.store_id)))
        return self._nearest[key]


def store_count(people: int) -> int:
    return min(MAX_STORES, max(MIN_STORES, people // PEOPLE_PER_STORE))


def build_stores(people: Sequence[Person], geography: Geography, rng: random.Random) -> tuple[Store, ...]:
    """Stores spread over the countries like the people, each in a locality where customers live."""
    by_country: dict[str, list[Person]] = {}
    for person in people:
        by_country.setdefault(person.country, []).append(person)
    sites: list[_Site] = []
    names: set[str] = set()
    for country, count in _allocate(store_count(len(people)), by_country).items():
        sites += [_site(by_country[country], geography, names, rng) for _ in range(count)]
    rng.shuffle(sites)
    formulas = set(rng.sample(range(len(sites)), rng.randint(1, 2)))
    stores = tuple(_store(site, number, number - 1 in formulas) for number, site in enumerate(sites, start=1))
    geography.stores = stores
    return stores


def _allocate(total: int, by_country: dict[str, list[Person]]) -> dict[str, int]:
    """Stores per country in proportion to its people, at least one wherever anyone lives."""
    people = sum(map(len, by_country.values()))
    return {country: max(1, round(total * len(members) / people)) for country, members in sorted(by_country.items())}


def _site(residents: list[Person], geography: Geography, names: set[str], rng: random.Random) -> _Site:
    locality = rng.choice(residents).address
    lat, lon = geography.anchor(locality.country, locality.postcode, locality.city)
    (south, north), (west, east) = BOUNDS[locality.country]
    return _Site(
        name=_name(locality.city, locality.country, names, rng), street=rng.choice(residents).address.street,
        house_number=str(rng.randint(1, 250)), postcode=locality.postcode, city=locality.city,
        country=locality.country,
        latitude=round(min(north, max(south, lat + rng.uniform(-_STORE_JITTER, _STORE_JITTER))), 5),
        longitude=round(min(east, max(west, lon + rng.uniform(-_STORE_JITTER, _STORE_JITTER))), 5),
    )


def _name(city: str, country: str, taken: set[str], rng: random.Random) -> str:
    """``c360 Lille Centre``: unique, as a chain names its stores by town and quarter."""
    suffixes = list(_SUFFIXES[country])
    rng.shuffle(suffixes)
    candidates = [f"c360 {city} {suffix}" for suffix in suffixes]
    name = next((c for c in candidates if c not in taken), None)
    number = 2
    while name is None or name in taken:
        name = f"c360 {city} {number}"
        number += 1
    taken.add(name)
    return name


def _store(site: _Site, number: int, formula: bool) -> Store:
    store_id = f"S{number:03d}"
    url = f"https://example.com/{store_id.lower()}"
    website = f'=HYPERLINK("{url}","site")' if formula else url
    return Store(**asdict(site), store_id=store_id, website=website)


def write_stores(path: Path, stores: Sequence[Store]) -> Path:
    """One sheet, header in row 1; a text starting with ``=`` is stored by openpyxl as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append(list(STORE_COLUMNS))
    for s in stores:
        number: int | str = int(s.house_number) if s.house_number.isdigit() else s.house_number
        sheet.append([s.store_id, s.name, s.street, number, s.postcode, s.city, s.country, s.latitude,
                      s.longitude, s.website])
    path.write_bytes(_workbook_bytes(workbook))
    return path


def _workbook_bytes(workbook: Workbook) -> bytes:
    """The workbook with fixed document and zip-member times, so the same stores give the same bytes."""
    fixed = datetime(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day)
    workbook.properties.created = workbook.properties.modified = fixed
    written = io.BytesIO()
    ExcelWriter(workbook, ZipFile(written, "w", ZIP_DEFLATED)).save()  # save_workbook would stamp "now"
    return _restamped(written.getvalue())


def _restamped(archive: bytes) -> bytes:
    """The same zip with every member dated ``REFERENCE_DATE`` instead of the time of writing."""
    restamped = io.BytesIO()
    with ZipFile(io.BytesIO(archive)) as source, ZipFile(restamped, "w", ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = ZipInfo(member.filename, date_time=_ZIP_TIME)
            info.compress_type, info.external_attr = ZIP_DEFLATED, member.external_attr
            target.writestr(info, source.read(member))
    return restamped.getvalue()
