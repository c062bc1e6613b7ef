"""Per-locale pools of names, streets and localities, drawn from Faker once.

Faker costs 5-80 µs a call; drawing a few thousand values per locale up front and sampling them with our
own seeded RNG keeps 100 000 people well inside a minute while keeping Faker's frequency weighting.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from faker import Faker

from geo.gazetteer import gazetteer

COUNTRY_OF_LOCALE: dict[str, str] = {"fr_FR": "FR", "nl_BE": "BE", "fr_BE": "BE", "nl_NL": "NL"}
# Half the people are French; Belgians are three Flemish to two French-speaking, as the country is.
LOCALE_WEIGHTS: dict[str, float] = {"fr_FR": 0.5, "nl_BE": 0.15, "fr_BE": 0.10, "nl_NL": 0.25}
# Faker's own Belgian-French streets and postcodes are not Belgian: French street names, Flemish postcodes.
_ADDRESS_LOCALE: dict[str, str] = {"fr_BE": "fr_FR"}
_POSTCODE_LOCALE: dict[str, str] = {"fr_BE": "nl_BE"}

_NAME_POOL_MAX = 2_000
_STREET_POOL_MAX = 3_000
_LOCALITY_POOL_MAX = 1_500
_NL_POSTCODE = re.compile(r"^(\d{4})\s?([A-Za-z]{2})$")


@dataclass(frozen=True)
class LocalePool:
    """Values one locale's people are built from; duplicates are kept so common names stay common."""

    locale: str
    country: str
    female_first_names: tuple[str, ...]
    male_first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    localities: tuple[tuple[str, str], ...]  # (postcode, city): one city per postcode, as in real life


def build_pool(locale: str, people: int, seed: int) -> LocalePool:
    """A pool sized to the people it serves, so small test runs stay fast and big runs stay varied."""
    fake = _faker(locale, seed)
    streets = _faker(_ADDRESS_LOCALE[locale], seed) if locale in _ADDRESS_LOCALE else fake
    postcodes = _faker(_POSTCODE_LOCALE[locale], seed) if locale in _POSTCODE_LOCALE else fake
    names = _pool_size(people, _NAME_POOL_MAX)
    country = COUNTRY_OF_LOCALE[locale]
    return LocalePool(
        locale=locale,
        country=country,
        female_first_names=tuple(fake.first_name_female() for _ in range(names)),
        male_first_names=tuple(fake.first_name_male() for _ in range(names)),
        last_names=tuple(fake.last_name() for _ in range(names)),
        streets=tuple(streets.street_name() for _ in range(_pool_size(people, _STREET_POOL_MAX))),
        localities=_localities(postcodes, country, _pool_size(people // 3, _LOCALITY_POOL_MAX), seed, locale),
    )


def _faker(locale: str, seed: int) -> Faker:
    fake = Faker(locale)
    fake.seed_instance(seed)
    return fake


def _localities(fake: Faker, country: str, count: int, seed: int, locale: str) -> tuple[tuple[str, str], ...]:
    """Real towns of the country (so addresses geocode as real ones do), drawn by population; the
    postcode is Faker's. One town per postcode."""
    places = gazetteer().places(country)
    rng = random.Random(f"{seed}:localities:{locale}")
    towns = rng.choices(places, weights=[max(p.population, 1) for p in places], k=count)
    return tuple((_postcode(fake.postcode(), country), town.name) for town in towns)


def _pool_size(people: int, ceiling: int) -> int:
    return max(20, min(people, ceiling))


def _postcode(raw: str, country: str) -> str:
    """Faker's Dutch postcodes sometimes lack the space; the ground truth uses the official ``1234 AB``."""
    if country != "NL":
        return raw
    match = _NL_POSTCODE.match(raw)
    if not match:
        raise ValueError(f"unexpected Dutch postcode from Faker: {raw!r}")
    return f"{match[1]} {match[2].upper()}"
