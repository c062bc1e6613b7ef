"""Rows shaped like a loaded customer record, and the store-only Cypher that writes them, so that the store's
rate for what the loader writes is measured without the loader (``bench.load``, ``bench.store_writes``).

The shape is a full CRM record as ``loaders.validation.node_row`` builds it and ``load_customers`` writes it:
18 properties — lineage (key, source, source_id, hash, line), ten strings, a birth ``date``, and the load's run
id and ``datetime`` passed once per batch, as the loader passes them — and three identifiers (email, phone,
customer number; the customer number is shared by two rows, as people with two records share one) linked by
``MERGE`` with the loader's relationship properties. Labels are the caller's, with the loader's indexes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from neo4j import Driver, RoutingControl

#: properties of one written record node: the row's own, then ``load_run`` and ``loaded_at`` from the batch
PROPERTIES = 18
#: identifiers per row, of which one (the customer number) is shared with the next row
IDENTIFIERS = 3

#: write records alone by MERGE on their key, as ``load_customers`` does (without its content-hash check and
#: stale-identifier removal, which are the loader's logic, not the store's work)
MERGE_RECORDS = """
UNWIND $rows AS row
MERGE (r:{record} {{key: row.key}})
SET r = row.props, r.load_run = $run_id, r.loaded_at = $loaded_at
"""
#: the same records by CREATE: what MERGE costs over a bare create
CREATE_RECORDS = """
UNWIND $rows AS row
CREATE (r:{record})
SET r = row.props, r.load_run = $run_id, r.loaded_at = $loaded_at
"""
#: records with their identifiers, each identifier and link by MERGE with the loader's properties
MERGE_LINKED = MERGE_RECORDS + """WITH r, row
UNWIND row.identifiers AS ident
MERGE (i:{identifier} {{key: ident.key}})
  ON CREATE SET i.type = ident.type, i.value = ident.value
MERGE (r)-[h:{link}]->(i)
  ON CREATE SET h.first_seen = $loaded_at, h.source = r.source
SET h.last_seen = $loaded_at
"""
#: the loader's schema for records and identifiers (``cypher/schema.cypher``), on the caller's labels
SCHEMA = (
    "CREATE CONSTRAINT {name}_key IF NOT EXISTS FOR (n:{record}) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX {name}_source IF NOT EXISTS FOR (n:{record}) ON (n.source, n.source_id)",
    "CREATE CONSTRAINT {name}_identifier_key IF NOT EXISTS FOR (n:{identifier}) REQUIRE n.key IS UNIQUE",
    "CREATE INDEX {name}_identifier_type IF NOT EXISTS FOR (n:{identifier}) ON (n.type)",
)
_CITIES = ("Lyon", "Paris", "Nantes", "Lille", "Bordeaux", "Toulouse", "Rennes", "Nice")
_NAMES = ("Camille", "Louis", "Léa", "Hugo", "Chloé", "Gabriel", "Manon", "Jules", "Inès", "Arthur")


class Labels:
    """Where a case writes: its own labels, so each case and repetition starts from empty indexes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.record = f"{name}Record"
        self.identifier = f"{name}Identifier"
        self.link = f"{name.upper()}_HAS_IDENTIFIER"

    def query(self, template: str) -> str:
        return template.format(record=self.record, identifier=self.identifier, link=self.link, name=self.name)

    def create_schema(self, driver: Driver, database: str) -> None:
        for statement in SCHEMA:
            driver.execute_query(self.query(statement), database_=database, routing_=RoutingControl.WRITE)


def customer_rows(count: int, tag: str) -> list[dict[str, Any]]:
    """``count`` rows as ``node_row`` gives them to ``load_customers`` (key, hash, props, identifiers); ``tag``
    keeps keys apart between cases written into one store."""
    rows = []
    born = date(1940, 1, 1)
    for i in range(count):
        name, city = _NAMES[i % len(_NAMES)], _CITIES[i % len(_CITIES)]
        email, phone, number = f"{name.lower()}.{tag}{i}@example.com", f"+336{i:08d}", f"{tag.upper()}{i // 2:08d}"
        key, digest = f"crm-{tag}:{i}", f"{i * 2654435761 % 2**96:024x}"
        props = {"key": key, "source": "crm", "source_id": str(i), "hash": digest, "line": i + 2,
                 "birth_date": born + timedelta(days=i * 7 % 25_000), "first_name": name,
                 "last_name": f"Martin-{i % 997}", "email": email, "phone": phone, "street": f"rue des Lilas {i % 50}",
                 "house_number": str(i % 200 + 1), "postcode": f"{69000 + i % 900:05d}", "city": city,
                 "country": "FR", "customer_number": number}
        identifiers = [{"key": f"{kind}:{value}", "type": kind, "value": value}
                       for kind, value in (("email", email), ("phone", phone), ("customer_number", number))]
        rows.append({"key": key, "hash": digest, "props": props, "identifiers": identifiers,
                     "identifier_keys": [i["key"] for i in identifiers]})
    return rows


def elements(rows: Sequence[dict[str, Any]]) -> int:
    """Nodes and relationships ``MERGE_LINKED`` writes for ``rows``: records, distinct identifiers, links."""
    identifiers = {i["key"] for row in rows for i in row["identifiers"]}
    return len(rows) + len(identifiers) + sum(len(row["identifiers"]) for row in rows)


def write_batches(driver: Driver, database: str, query: str, rows: Sequence[dict[str, Any]], batch: int,
                  params: dict[str, Any] | None = None) -> float:
    """Seconds to write ``rows`` by batches of ``batch``, one transaction each, one writer; ``params`` travel
    once per batch (the customer queries take ``run_id`` and ``loaded_at``, see ``batch_params``)."""
    started = time.perf_counter()
    for i in range(0, len(rows), batch):
        driver.execute_query(query, {"rows": rows[i:i + batch], **(params or {})}, database_=database,
                             routing_=RoutingControl.WRITE)
    return time.perf_counter() - started


def batch_params() -> dict[str, Any]:
    """What the loader passes once per batch: the load's run id and its start time."""
    return {"run_id": "bench", "loaded_at": datetime.now(UTC)}
