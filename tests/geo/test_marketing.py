"""Marketing: offline geocoding, homes and shopping places, radius queries, invitations, RFM segments.

Expected distances come from an independent haversine formula; expected visits and consents from the
source rows the test writes.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.testclient import TestClient

from api.app import create_app
from geo.gazetteer import fold, gazetteer
from geo.invitations import invitations
from geo.locate import home_row, locate
from geo.near import near, point, venue
from graph import Graph, Settings
from graph.errors import InputError
from loaders.run import load_file, plan
from resolution import resolve
from scoring.rfm import quintile, segment
from scoring.score import score_customers
from tests.helpers import bearer, c360, customer_of, graphql, one_error_line, query

PARIS = (48.85341, 2.3488)
# id, first, last, email, street, postcode, city, country, latitude, longitude
PEOPLE = [
    ("1", "Anne", "Roux", "anne@x.fr", "1 rue de Rivoli", "75001", "Paris", "FR", "", ""),
    ("2", "Anne", "Roux", "anne@x.fr", "1 rue de Rivoli", "75001", "Paris", "FR", "", ""),  # same person again
    ("3", "Bruno", "Petit", "bruno@x.fr", "2 av. de Paris", "78000", "Versailles", "FR", "", ""),
    ("4", "Chloé", "Martin", "chloe@x.fr", "3 quai Perrache", "69002", "Lyon", "FR", "", ""),
    ("5", "Denis", "Morel", "denis@x.fr", "4 rue X", "75011", "Atlantis", "FR", "48.8600", "2.3800"),
    ("6", "Emma", "Blanc", "emma@x.fr", "5 rue Y", "99999", "Nowhere-sur-Mer", "FR", "", ""),
    ("7", "Félix", "Noir", "felix@x.fr", "6 rue Z", "69003", "Lyon", "FR", "", ""),
]
STORES = [("S1", "c360 Paris Centre", "Paris", "FR", "48.8606", "2.3376"),
          ("S2", "c360 Lyon Part-Dieu", "Lyon", "FR", "45.7606", "4.8596")]
# Félix lives in Lyon but shops in Paris: his usual store brings him into a Paris radius
TRANSACTIONS = [("T1", "2024-01-05T10:00:00Z", "50.00", "S1", "anne@x.fr"),
                ("T2", "2024-06-01T10:00:00Z", "70.00", "S1", "anne@x.fr"),
                ("T3", "2024-12-20T10:00:00Z", "20.00", "S1", "anne@x.fr"),
                ("T4", "2024-03-01T10:00:00Z", "15.00", "S1", "bruno@x.fr"),
                ("T5", "2024-11-01T10:00:00Z", "300.00", "S2", "chloe@x.fr"),
                ("T6", "2024-10-01T10:00:00Z", "40.00", "S1", "felix@x.fr"),
                ("T7", "2024-10-02T10:00:00Z", "40.00", "S1", "felix@x.fr")]
CONSENTS = [("K1", "2023-01-01T00:00:00Z", "marketing_email", "yes", "anne@x.fr"),
            ("K2", "2023-01-01T00:00:00Z", "marketing_email", "yes", "bruno@x.fr"),
            ("K3", "2024-02-01T00:00:00Z", "marketing_email", "no", "bruno@x.fr"),  # withdrawal wins
            ("K4", "2023-01-01T00:00:00Z", "marketing_email", "yes", "denis@x.fr"),
            ("K5", "2023-01-01T00:00:00Z", "marketing_email", "yes", "felix@x.fr"),
            ("K6", "2023-01-01T00:00:00Z", "marketing_sms", "yes", "chloe@x.fr")]


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371.0088 * math.asin(math.sqrt(h))


def _source(directory: Path, name: str, kind: str, header: list[str], rows: Sequence[tuple[str, ...]],
            columns: dict[str, str]) -> None:
    with open(directory / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    mapped = "\n".join(f'{k} = "{v}"' for k, v in columns.items())
    (directory / f"{name}.toml").write_text(f'[source]\nname = "{name}"\nkind = "{kind}"\nid = "id"\n'
                                            f'default_region = "FR"\n[columns]\n{mapped}\n', encoding="utf-8")


def write_sources(directory: Path, people: Sequence[tuple[str, ...]] = PEOPLE) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    person = ["first", "last", "email", "street", "postcode", "city", "country", "lat", "lon"]
    _source(directory, "crm", "customers", ["id", *person], people,
            dict(zip(["first_name", "last_name", "email", "street", "postcode", "city", "country", "latitude",
                      "longitude"], person, strict=True)))
    _source(directory, "stores", "stores", ["id", "name", "city", "country", "lat", "lon"], STORES,
            {"name": "name", "city": "city", "country": "country", "latitude": "lat", "longitude": "lon"})
    _source(directory, "tills", "transactions", ["id", "at", "amount", "store", "email"],
            [(*t, ) for t in TRANSACTIONS], {"at": "at", "amount": "amount", "store": "store", "email": "email"})
    (directory / "tills.toml").write_text((directory / "tills.toml").read_text().replace(
        "[columns]", '[columns]\ncurrency = "currency"'), encoding="utf-8")
    with open(directory / "tills.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "at", "amount", "store", "email", "currency"])
        writer.writerows([(*t, "EUR") for t in TRANSACTIONS])
    _source(directory, "consents", "consents", ["id", "at", "purpose", "granted", "email"], CONSENTS,
            {"at": "at", "purpose": "purpose", "granted": "granted", "email": "email"})
    return directory


def load_all(graph: Graph, directory: Path, home: Path) -> None:
    for path, mapping in plan([directory]):
        load_file(graph, path, mapping, home)


@pytest.fixture
def marketing(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:
    load_all(embedded_graph, write_sources(tmp_path / "sources"), embedded_settings.home)
    resolve(embedded_graph)
    locate(embedded_graph)
    score_customers(embedded_graph)
    return embedded_graph


# -- pure parts --------------------------------------------------------------------------------------------

def test_gazetteer_finds_towns_whatever_the_spelling() -> None:
    places = gazetteer()
    assert fold("Saint-Étienne") == fold("SAINT ETIENNE") == "saint etienne"
    for country, spelling, expected in [("FR", "saint-etienne", "Saint-Étienne"), ("BE", "Bruxelles", "Brussels"),
                                        ("BE", "Brussel", "Brussels"), ("NL", "'s-Gravenhage", "The Hague"),
                                        ("fr", "PARIS", "Paris")]:
        found = places.locate(country, spelling)
        assert found is not None and found.name == expected, spelling
    assert places.locate("FR", "Atlantis") is None
    assert places.locate("NL", "Paris") is None  # a town is looked up in its own country
    lyon = places.locate("FR", "Lyon")
    assert lyon is not None and haversine_km((lyon.latitude, lyon.longitude), (45.76, 4.84)) < 5


def test_home_precision_source_coordinates_win() -> None:
    exact = home_row({"id": "C1", "street": "x", "city": "Paris", "country": "FR", "latitude": 1.5,
                      "longitude": 2.5})
    assert (exact["home"]["precision"], exact["home"]["latitude"]) == ("exact", 1.5)
    town = home_row({"id": "C2", "street": "x", "city": "paris", "country": "FR"})
    assert town["home"]["precision"] == "city" and town["home"]["latitude"] == pytest.approx(PARIS[0], abs=0.01)
    assert home_row({"id": "C3", "city": "Atlantis", "country": "FR"})["home"]["precision"] == "unknown"
    assert home_row({"id": "a", "street": "1 Rue X", "city": "Paris", "country": "FR"})["key"] == \
        home_row({"id": "b", "street": "1 rue x", "city": "PARIS", "country": "FR"})["key"]  # one home, two people


@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=200))
def test_quintiles_are_monotone_and_share_ties(values: list[float]) -> None:
    array = np.array(values)
    scores = quintile(array)
    assert set(scores.tolist()) <= {1, 2, 3, 4, 5}
    order = np.argsort(array, kind="stable")
    assert all(scores[order][i] <= scores[order][i + 1] for i in range(len(values) - 1))
    for value in set(values):
        assert len(set(scores[array == value].tolist())) == 1


def test_a_point_must_be_on_earth() -> None:
    for latitude, longitude in [(float("inf"), 0.0), (0.0, float("nan")), (91.0, 0.0), (0.0, -180.5)]:
        with pytest.raises(InputError) as refused:
            point(latitude, longitude)
        assert refused.value.field == "latitude"
    assert point(48.85, 2.35).label == "48.85000,2.35000"


def test_segment_grid() -> None:
    assert segment(5, 5) == segment(4, 5) == segment(5, 4) == "Champions"
    assert segment(5, 1) == "New" and segment(1, 5) == "Cannot lose them" and segment(1, 1) == "Lost"
    assert segment(2, 4) == "At risk" and segment(3, 2) == "About to sleep" and segment(4, 3) == "Potential loyalists"


# -- on the store -------------------------------------------------------------------------------------------



@pytest.mark.store
def test_homes_and_shops_at(marketing: Graph) -> None:
    homes = {r["email"]: r for r in query(marketing, "MATCH (c:Customer)-[:LIVES_AT]->(h:Home) "
                                                     "RETURN c.email AS email, h.precision AS precision, "
                                                     "h.latitude AS lat, h.longitude AS lon")}
    assert homes["denis@x.fr"]["precision"] == "exact" and homes["denis@x.fr"]["lat"] == 48.86
    assert homes["anne@x.fr"]["precision"] == homes["chloe@x.fr"]["precision"] == "city"
    assert homes["emma@x.fr"]["precision"] == "unknown" and homes["emma@x.fr"]["lat"] is None
    visits = {(r["email"], r["store"]): (r["visits"], r["usual"]) for r in query(
        marketing, "MATCH (c:Customer)-[v:SHOPS_AT]->(s:Store) RETURN c.email AS email, s.key AS store, "
                   "v.visits AS visits, v.usual AS usual")}
    expected: dict[tuple[str, str], int] = {}
    for _, _, _, store_key, email in TRANSACTIONS:
        expected[(email, store_key)] = expected.get((email, store_key), 0) + 1
    assert {k: v[0] for k, v in visits.items()} == expected
    assert all(usual for _, usual in visits.values())  # each shops at one store here


@pytest.mark.store
def test_a_move_keeps_the_history(marketing: Graph, embedded_settings: Settings, tmp_path: Path) -> None:
    moved = [p if p[0] != "4" else ("4", "Chloé", "Martin", "chloe@x.fr", "9 rue Neuve", "13001", "Marseille",
                                    "FR", "", "") for p in PEOPLE]
    load_all(marketing, write_sources(tmp_path / "again", moved), embedded_settings.home)
    resolve(marketing)
    summary = locate(marketing)
    assert summary.customers >= 1
    lived = query(marketing, "MATCH (c:Customer {email: 'chloe@x.fr'})-[l:LIVES_AT|LIVED_AT]->(h) "
                             "RETURN h.city AS city, type(l) AS kind, l.since AS since, l.until AS until ORDER BY kind")
    assert [(r["city"], r["kind"], r["until"] is not None) for r in lived] == \
        [("Lyon", "LIVED_AT", True), ("Marseille", "LIVES_AT", False)]
    assert lived[0]["since"] is not None and lived[0]["since"] <= lived[0]["until"] <= lived[1]["since"]


@pytest.mark.store
def test_radius_query_agrees_with_haversine(marketing: Graph) -> None:
    found = near(marketing, venue(marketing, f"{PARIS[0]},{PARIS[1]}"), 30)
    by_email = {query(marketing, "MATCH (c:Customer {id: $id}) RETURN c.email AS e", id=r["id"])[0]["e"]: r
                for r in found}
    assert set(by_email) == {"anne@x.fr", "bruno@x.fr", "denis@x.fr", "felix@x.fr"}  # not Chloé in Lyon
    assert by_email["felix@x.fr"]["via"] == "usual store"
    assert by_email["denis@x.fr"]["metres"] / 1000 == pytest.approx(haversine_km(PARIS, (48.86, 2.38)), rel=0.01)
    versailles = gazetteer().locate("FR", "Versailles")
    assert versailles is not None
    store_s1 = (float(STORES[0][4]), float(STORES[0][5]))
    home_km, store_km = haversine_km(PARIS, (versailles.latitude, versailles.longitude)), haversine_km(PARIS, store_s1)
    assert by_email["bruno@x.fr"]["metres"] / 1000 == pytest.approx(min(home_km, store_km), rel=0.01)
    assert by_email["bruno@x.fr"]["via"] == ("usual store" if store_km < home_km else "home")
    assert [r["metres"] for r in found] == sorted(r["metres"] for r in found)
    assert not near(marketing, venue(marketing, "S2"), 1)[1:]  # a 1 km radius around Lyon's store: few or none


@pytest.mark.store
def test_invitations_are_consent_clean_one_row_per_customer(marketing: Graph) -> None:
    chosen = invitations(marketing, venue(marketing, "S1"), 30)
    emails = [i.email or "" for i in chosen]
    # Anne (two records, one customer), Denis, Félix: granted; Bruno withdrew; Chloé only gave SMS and is far
    assert sorted(emails) == ["anne@x.fr", "denis@x.fr", "felix@x.fr"]
    assert len({i.customer_id for i in chosen}) == len(chosen)
    assert all("marketing_email granted" in i.reason and "km from c360 Paris Centre" in i.reason for i in chosen)
    assert [i.distance_km for i in chosen] == sorted(i.distance_km for i in chosen)
    anne = customer_of(marketing, "email:anne@x.fr")
    [only_champions] = [i for i in chosen if i.customer_id == anne]
    assert [i.customer_id for i in invitations(marketing, venue(marketing, "S1"), 30,
                                               segment=only_champions.segment)] == [anne]
    assert invitations(marketing, venue(marketing, "S1"), 30, limit=1) == chosen[:1]
    with pytest.raises(InputError, match="segment: no segment 'VIP'"):
        invitations(marketing, venue(marketing, "S1"), 30, segment="VIP")
    for spec, message in [("S404", "no store 'S404'"), ("91,0", "not a point on Earth"), ("a,b", "neither")]:
        with pytest.raises(InputError, match=message):
            venue(marketing, spec)


@pytest.mark.store
def test_scores_and_segments(marketing: Graph) -> None:
    rows = {r["email"]: r for r in query(marketing, "MATCH (c:Customer)-[:IN_SEGMENT]->(s:Segment) RETURN "
                                                    "c.email AS email, s.name AS segment, c.rfm AS rfm, "
                                                    "c.ltv_minor AS ltv, c.purchases AS purchases")}
    assert rows["anne@x.fr"]["ltv"] == 14000 and rows["anne@x.fr"]["purchases"] == 3
    assert rows["anne@x.fr"]["rfm"][1] == "5"  # most purchases
    assert rows["emma@x.fr"]["segment"] == "Prospects" and rows["emma@x.fr"]["rfm"] is None
    counts = query(marketing, "MATCH (c:Customer) OPTIONAL MATCH (c)-[r:IN_SEGMENT]->() "
                              "RETURN c.id AS id, count(r) AS n")
    assert {r["n"] for r in counts} == {1}


@pytest.fixture
def client(marketing: Graph, embedded_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(embedded_settings)) as test_client:
        yield test_client


def _as(client: TestClient, settings: Settings, role: str, document: str) -> dict[str, Any]:
    return graphql(client, document, bearer(settings, role))


@pytest.mark.store
def test_graphql_marketing_view(client: TestClient, embedded_settings: Settings) -> None:
    document = """{ invitations(venue: "S1", radiusKm: 30) { distanceKm via segment reason
      customer { id email home { street city latitude precision } segment { name } scores { rfm
        lifetimeValue { amount currency } } } }
      customersNear(latitude: 48.85341, longitude: 2.3488, radiusKm: 30, first: 2) { distanceKm customer { id } } }"""
    marketer = _as(client, embedded_settings, "marketing", document)["data"]
    assert sorted(i["customer"]["email"] for i in marketer["invitations"]) == ["anne@x.fr", "denis@x.fr", "felix@x.fr"]
    anne = next(i for i in marketer["invitations"] if i["customer"]["email"] == "anne@x.fr")
    assert anne["customer"]["scores"]["lifetimeValue"] == {"amount": "140", "currency": "EUR"}
    assert anne["customer"]["home"]["precision"] == "city" and anne["customer"]["home"]["latitude"]
    assert len(marketer["customersNear"]) == 2
    refused = _as(client, embedded_settings, "analyst", document)["errors"]
    assert {e["extensions"]["code"] for e in refused} == {"FORBIDDEN"}  # invitation lists, finding people by place
    homes = ('{ searchCustomers(postcode: "75001") { edges { node { email '
             'home { street latitude longitude precision } } } } }')
    [anne] = [e["node"] for e in _as(client, embedded_settings, "analyst", homes)["data"]["searchCustomers"]["edges"]]
    paris = gazetteer().locate("FR", "Paris")
    assert paris is not None and anne["email"].startswith("psn:")
    assert anne["home"] == {"street": None, "latitude": paris.latitude, "longitude": paris.longitude,
                            "precision": "city"}  # no more precise than the city an analyst sees
    bad = _as(client, embedded_settings, "marketing", '{ invitations(venue: "S1", radiusKm: 0) { reason } }')
    assert bad["errors"][0]["message"].startswith("radiusKm: must be more than 0")


@pytest.mark.store
def test_invite_command_writes_one_row_per_customer(marketing: Graph, embedded_settings: Settings,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "invite.csv"
    result = c360("invite", "--venue", "S1", "--radius", "30", "--out", str(out), home=embedded_settings.home)
    assert result.returncode == 0, result.stderr
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert next(iter(rows[0])) == "customer_id"
    assert sorted(r["email"] for r in rows) == ["anne@x.fr", "denis@x.fr", "felix@x.fr"]
    failed = c360("invite", "--venue", "nowhere", "--radius", "5", "--out", str(out), home=embedded_settings.home)
    assert failed.returncode == 1
    assert one_error_line(failed) == "error: --venue: no store 'nowhere'; give a store id or LAT,LON"


@pytest.mark.store
def test_catchment_far_shoppers_and_geojson(client: TestClient, embedded_settings: Settings) -> None:
    document = """{ storeCatchment(storeKey: "S1", first: 10) { visits usual distanceKm customer { email } }
      farShoppers(minKm: 100, first: 10) { storeKey distanceKm customer { email } } }"""
    data = _as(client, embedded_settings, "marketing", document)["data"]
    visits = {row["customer"]["email"]: row["visits"] for row in data["storeCatchment"]}
    assert visits == {"anne@x.fr": 3, "bruno@x.fr": 1, "felix@x.fr": 2}  # from TRANSACTIONS at S1
    lyon = gazetteer().locate("FR", "Lyon")
    assert lyon is not None
    [felix] = data["farShoppers"]  # lives in Lyon, shops in Paris
    assert felix["customer"]["email"] == "felix@x.fr" and felix["storeKey"] == "S1"
    assert felix["distanceKm"] == pytest.approx(
        haversine_km((lyon.latitude, lyon.longitude), (float(STORES[0][4]), float(STORES[0][5]))), rel=0.01)
    headers = bearer(embedded_settings, "marketing")
    for path, count in [("/geo/catchment.geojson?storeKey=S1", 3), ("/geo/far.geojson?minKm=100", 1),
                        ("/geo/stores.geojson", 2), ("/geo/near.geojson?venue=S1&radiusKm=30", 4)]:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["type"] == "FeatureCollection" and len(response.json()["features"]) == count, path
    assert client.get("/geo/homes.geojson").status_code == 401
    bad = client.get("/geo/catchment.geojson?storeKey=S404", headers=headers)
    assert bad.status_code == 400 and "no store 'S404'" in bad.json()["message"]
