"""Golden values: per attribute, which of a customer's records the profile takes its value from.

Two ways, chosen per attribute in the rules (``[golden]``):

- majority (names, birth date): the value most of the person's records agree on, after folding case,
  accents and spacing; a spelling one slip away from another votes with it, so a typo in one source
  ("aPtricia" beside two "Patricia") never wins; ties go to the most trusted source, then the most recent.
- trusted (contact data, the address): the most trusted source's value, then the most recent record's, so
  a service-desk correction wins over what older sources still say.

``value_sources`` names the record each value came from ('first_name=crm:C1', …).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from rapidfuzz.distance import OSA

from graph.database import Queries
from resolution.features import fold
from resolution.rules import Rules

ATTRIBUTES = ("first_name", "last_name", "birth_date", "email", "phone", "street", "house_number", "postcode",
              "city", "country", "customer_number")
BATCH = 2000
#: folded values at least this long can be a slip of one another (shorter ones differ by a letter on purpose)
_SLIP_MIN_LENGTH = 4


def golden(records: list[dict[str, Any]], trust: dict[str, float], majority: Iterable[str]) -> dict[str, Any]:
    """The profile's values, ``value_sources`` and ``record_count`` from its records. Pure."""
    ranked = sorted(records, key=lambda r: (-trust.get(r["source"], 1.0), -_age(r.get("loaded_at")), r["key"]))
    by_majority = set(majority)
    values: dict[str, Any] = {}
    sources: list[str] = []
    for attribute in ATTRIBUTES:
        having = [r for r in ranked if r.get(attribute) is not None]
        chosen = _by_majority(having, attribute) if attribute in by_majority else (having[0] if having else None)
        values[attribute] = chosen[attribute] if chosen else None
        if chosen:
            sources.append(f"{attribute}={chosen['key']}")
    return {"values": values, "sources": sources, "count": len(records)}


def _age(loaded_at: Any) -> float:
    return loaded_at.timestamp() if isinstance(loaded_at, datetime) else 0.0


def _key(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else fold(value)


def _by_majority(ranked: list[dict[str, Any]], attribute: str) -> dict[str, Any] | None:
    """The first-ranked record holding the most agreed spelling of the most agreed group of near spellings."""
    if not ranked:
        return None
    votes = Counter(_key(r[attribute]) for r in ranked)
    rank: dict[str, int] = {}
    for position, record in enumerate(ranked):
        rank.setdefault(_key(record[attribute]), position)
    heads: list[str] = []  # most voted first: a near spelling joins the group of the first head it slips from
    group_of: dict[str, str] = {}
    for value in sorted(votes, key=lambda v: (-votes[v], rank[v])):
        head = next((h for h in heads if _slip(value, h)), None)
        if head is None:
            heads.append(value)
            head = value
        group_of[value] = head
    support = Counter[str]()
    for value, count in votes.items():
        support[group_of[value]] += count
    winner = min(heads, key=lambda h: (-support[h], min(rank[v] for v in votes if group_of[v] == h)))
    return ranked[rank[winner]]


def _slip(value: str, other: str) -> bool:
    return min(len(value), len(other)) >= _SLIP_MIN_LENGTH and OSA.distance(value, other) <= 1


def refresh(graph: Queries, ids: list[str], rules: Rules, now: datetime) -> None:
    """Recompute and write the golden values of the given customers, in batches (of a graph, or inside one
    transaction of it: profiles are written with their records and golden values at once).

    Each batch locks its customers before reading their records: a service-desk correction committed
    meanwhile is either read or makes the transaction replay, so a run that overlaps corrections never
    writes back a value one of them replaced.
    """
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        graph.write("resolve_golden_lock", ids=batch, now=now)
        records: dict[str, list[dict[str, Any]]] = {i: [] for i in batch}
        for found in graph.read("resolve_golden_records", ids=batch):
            records[found["id"]].append(found)
        rows = [{"id": i, **golden(found, rules.sources, rules.golden.majority)}
                for i, found in records.items() if found]
        graph.write("resolve_golden_write", rows=rows, now=now)
