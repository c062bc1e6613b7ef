"""Homes and shopping places follow every change of profiles, whichever way it came: a split on the command
line, a correction through the API.

Expected values come from the source rows, not from c360's own queries: each customer shops where the
transactions of their records' phones were made, and lives at their golden address's town.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import pipeline
from graph import Graph, Settings
from loaders.run import plan
from tests.helpers import api_client, c360, graphql_data, query, write_people

pytestmark = pytest.mark.store

PARIS = {"street": "1 rue de Rivoli", "postcode": "75001", "city": "Paris", "country": "FR"}
LYON = {"street": "3 quai Perrache", "postcode": "69002", "city": "Lyon", "country": "FR"}
# two people wrongly joined by one email; each pays with their own phone in their own town's store
PEOPLE = [{"id": "1", "first_name": "Ann", "last_name": "Lee", "email": "ann@x.fr", "phone": "+33611111111",
           **PARIS},
          {"id": "2", "first_name": "Ann", "last_name": "Lee", "email": "ann@x.fr", "phone": "+33622222222",
           **LYON}]
STORES = [("S1", "Paris Centre", "Paris", "FR", "48.8606", "2.3376"),
          ("S2", "Lyon Part-Dieu", "Lyon", "FR", "45.7606", "4.8596")]
PURCHASES = [("T1", "2024-01-05T10:00:00Z", "50.00", "EUR", "S1", "+33611111111"),
             ("T2", "2024-02-05T10:00:00Z", "20.00", "EUR", "S1", "+33611111111"),
             ("T3", "2024-03-05T10:00:00Z", "80.00", "EUR", "S2", "+33622222222")]


def _csv(directory: Path, name: str, kind: str, header: list[str], rows: Sequence[tuple[str, ...]]) -> None:
    with open(directory / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    columns = "\n".join(f'{c} = "{c}"' for c in header[1:])
    (directory / f"{name}.toml").write_text(f'[source]\nname = "{name}"\nkind = "{kind}"\nid = "id"\n'
                                            f'default_region = "FR"\n[columns]\n{columns}\n', encoding="utf-8")


@pytest.fixture
def joined(embedded_graph: Graph, embedded_settings: Settings, tmp_path: Path) -> Graph:
    sources = tmp_path / "sources"
    write_people(sources, "crm", PEOPLE)
    _csv(sources, "stores", "stores", ["id", "name", "city", "country", "latitude", "longitude"], STORES)
    _csv(sources, "tills", "transactions", ["id", "at", "amount", "currency", "store", "phone"], PURCHASES)
    pipeline.load(embedded_graph, plan([sources]), embedded_settings.home)
    pipeline.resolve(embedded_graph)
    assert len(_customers(embedded_graph)) == 1, "the shared email joins them"
    return embedded_graph


def _customers(graph: Graph) -> dict[str, dict[str, Any]]:
    """Per customer: its records, golden town, current home's town, and the stores it shops at."""
    rows = query(graph, "MATCH (c:Customer)-[:HAS_RECORD]->(r:SourceRecord) "
                        "OPTIONAL MATCH (c)-[:LIVES_AT]->(h:Home) "
                        "WITH c, collect(DISTINCT r.key) AS records, collect(DISTINCT h.city) AS homes "
                        "OPTIONAL MATCH (c)-[s:SHOPS_AT]->(store:Store) "
                        "RETURN c.id AS id, c.city AS city, records, homes, "
                        "collect({store: store.key, visits: s.visits}) AS shops")
    return {r["id"]: {"records": sorted(r["records"]), "city": r["city"], "homes": r["homes"],
                      "shops": {s["store"]: s["visits"] for s in r["shops"] if s["store"]}} for r in rows}


def _expected_shops(records: list[str]) -> dict[str, int]:
    """From the source rows: visits per store of the purchases made with the records' phones."""
    phones = {p["phone"] for p in PEOPLE if f"crm:{p['id']}" in records}
    visits: dict[str, int] = {}
    for _, _, _, _, store, phone in PURCHASES:
        if phone in phones:
            visits[store] = visits.get(store, 0) + 1
    return visits


def _assert_current(graph: Graph) -> dict[str, dict[str, Any]]:
    customers = _customers(graph)
    for customer in customers.values():
        assert customer["homes"] == [customer["city"]], customer
        assert customer["shops"] == _expected_shops(customer["records"]), customer
    return customers


def test_a_split_on_the_command_line_moves_homes_and_shops(joined: Graph, embedded_settings: Settings) -> None:
    _assert_current(joined)
    split = c360("split", "crm:1", "crm:2", "--by", "agent-7", "--why", "two people", home=embedded_settings.home)
    assert split.returncode == 0, split.stderr
    after = _assert_current(joined)
    assert sorted(c["records"] for c in after.values()) == [["crm:1"], ["crm:2"]]
    assert sorted(c["city"] for c in after.values()) == ["Lyon", "Paris"]


def test_a_correction_through_the_api_moves_the_home(joined: Graph, embedded_settings: Settings) -> None:
    [customer_id] = _customers(joined)
    [before] = query(joined, "MATCH (:Customer {id: $id})-[:LIVES_AT]->(h:Home) RETURN h.street AS street",
                     id=customer_id)
    new_address = {"street": "8 rue Mercière", "postcode": "69002", "city": "Lyon", "country": "FR"}
    with api_client(embedded_settings, "agent") as client:
        graphql_data(client, "mutation($id: ID!, $to: ContactCorrection!) { correctContact(customerId: $id, "
                             "correction: $to, why: \"moved\") { key } }", id=customer_id,
                     to={"street": new_address["street"], "postcode": "69002", "city": "Lyon", "country": "FR"})
        shown = graphql_data(client, "query($id: ID!) { customer(id: $id) { city home { city street } } }",
                             id=customer_id)["customer"]
    assert shown["city"] == "Lyon" and shown["home"] == {"city": "Lyon", "street": new_address["street"]}
    _assert_current(joined)
    moved = query(joined, "MATCH (:Customer {id: $id})-[:LIVED_AT]->(h:Home) RETURN h.street AS street",
                  id=customer_id)
    assert [r["street"] for r in moved] == [before["street"]]  # the old home is kept as history
