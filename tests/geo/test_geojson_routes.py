"""The GeoJSON routes speak one vocabulary and RFC 7946, against the real app and store.

Their parameters are the GraphQL arguments' names (``venue``, ``radiusKm``, ``storeKey``, ``minKm``,
``segment``, ``limit``, ``purpose``); a parameter a route does not take is refused naming it (and the name to
use, for an outdated one) rather than ignored; answers are ``application/geo+json``; every feature has a
stable ``id``, a customer's being its ``customer_id`` as the caller's role may see it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from api.access import Masker
from api.auth import Principal, Role, signing_key
from graph import Graph, Settings
from tests.geo.test_marketing import client, marketing  # noqa: F401  (the fixtures: the app on a scored graph)
from tests.helpers import bearer

pytestmark = pytest.mark.store
#: every GeoJSON route, as called by a role allowed on it
ROUTES = {"/geo/stores.geojson": "marketing", "/geo/homes.geojson": "marketing",
          "/geo/near.geojson?venue=S1&radiusKm=30": "marketing",
          "/geo/catchment.geojson?storeKey=S1": "marketing", "/geo/far.geojson?minKm=100": "marketing",
          "/geo/invitations.geojson?venue=S1&radiusKm=30&segment=&limit=10&purpose=marketing_email": "marketing"}
CUSTOMER_ROUTES = [path for path in ROUTES if "/stores." not in path and "/homes." not in path]


@pytest.fixture
def get(client: TestClient, embedded_settings: Settings) -> Iterator[Any]:  # noqa: F811
    def call(path: str, role: str = "marketing") -> Any:
        return client.get(path, headers=bearer(embedded_settings, role))
    yield call


@pytest.mark.parametrize("path", list(ROUTES))
def test_answers_are_geojson_with_a_stable_id_per_feature(get: Any, path: str) -> None:
    first, again = get(path, ROUTES[path]), get(path, ROUTES[path])
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/geo+json"
    features = first.json()["features"]
    assert features, "the walk must see features"
    ids = [feature["id"] for feature in features]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids), ids
    assert ids == [feature["id"] for feature in again.json()["features"]]  # stable from one call to the next


@pytest.mark.parametrize("role", ["agent", "marketing", "admin"])
@pytest.mark.parametrize("path", CUSTOMER_ROUTES)
def test_a_customer_features_id_follows_the_customer_id_rule(get: Any, path: str, role: str,
                                                              embedded_settings: Settings) -> None:
    response = get(path, role)
    if response.status_code == 403:  # invitations are not for agents
        assert "invitations" in path and role == "agent"
        return
    masker = Masker.for_principal(Principal("t", Role(role)), signing_key(embedded_settings))
    for feature in response.json()["features"]:
        assert feature["id"] == feature["properties"]["customer_id"]
        assert feature["id"] == masker.value("customer_id", feature["id"])  # shown as the role's rule shows it


def test_store_and_place_ids(get: Any) -> None:
    stores = get("/geo/stores.geojson").json()["features"]
    assert sorted(f["id"] for f in stores) == sorted(f["properties"]["key"] for f in stores) == ["S1", "S2"]
    # a place's id is made of what its feature shows, nothing else: the same shown place has the same id for
    # every role, and a home an analyst sees at its town's centre has the town's id, not the home's
    shown: dict[str, set[Any]] = {}
    for role in ("agent", "analyst"):
        for feature in get("/geo/homes.geojson", role).json()["features"]:
            assert feature["id"].startswith("place:")
            place = (*feature["geometry"]["coordinates"], feature["properties"]["city"],
                     feature["properties"]["precision"])
            shown.setdefault(feature["id"], set()).add(place)
    assert all(len(places) == 1 for places in shown.values()), shown
    assert len({next(iter(places)) for places in shown.values()}) == len(shown) >= 4


@pytest.mark.parametrize(("path", "message"), [
    ("/geo/far.geojson?min_km=100", "min_km: unknown parameter; use 'minKm'"),
    ("/geo/far.geojson?km=100", "km: unknown parameter; use 'minKm'"),
    ("/geo/near.geojson?venue=S1&radius=30", "radius: unknown parameter; use 'radiusKm'"),
    ("/geo/invitations.csv?venue=S1&radius_km=30", "radius_km: unknown parameter; use 'radiusKm'"),
    ("/geo/catchment.geojson?store=S1", "store: unknown parameter; use 'storeKey'"),
    ("/geo/stores.geojson?bbox=1,2,3,4", "bbox: unknown parameter; this route takes no parameters"),
    ("/geo/near.geojson?venue=S1&radiusKm=30&segment=Champions",
     "segment: unknown parameter; this route takes venue, radiusKm"),
    ("/geo/invitations.geojson?venue=S1&radiusKm=30&colour=red",
     "colour: unknown parameter; this route takes venue, radiusKm, segment, limit, purpose"),
    ("/geo/near.geojson?venue=S1&venue=S2&radiusKm=30", "venue: given more than once"),
    ("/geo/far.geojson?minKm=-1", "minKm: must be between 0 and 20000, got -1.0"),
    ("/geo/near.geojson?venue=S1&radiusKm=0", "radiusKm: must be more than 0 and at most 1000 km, got 0.0"),
    ("/geo/catchment.geojson?storeKey=S404", "storeKey: no store 'S404'; give a store id or LAT,LON"),
    ("/geo/near.geojson?venue=S1", "radiusKm: required"),
])
def test_parameters_a_route_does_not_take_are_refused_naming_them(get: Any, path: str, message: str) -> None:
    response = get(path)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "bad_request", "message": message}


def test_the_parameters_are_read(get: Any, marketing: Graph) -> None:  # noqa: F811
    far = {km: len(get(f"/geo/far.geojson?minKm={km}").json()["features"]) for km in (0, 100, 1000)}
    assert far[0] > far[100] == 1 and far[1000] == 0  # Félix lives in Lyon, shops in Paris
    near = {km: len(get(f"/geo/near.geojson?venue=S1&radiusKm={km}").json()["features"]) for km in (1, 30)}
    assert near[1] < near[30]
    invitations = "/geo/invitations.geojson?venue=S1&radiusKm=30"
    assert len(get(invitations).json()["features"]) == 3
    assert len(get(f"{invitations}&limit=1").json()["features"]) == 1
    assert get(f"{invitations}&purpose=marketing_sms").json()["features"] == []  # nobody granted that one
