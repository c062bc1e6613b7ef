"""What a resolution transaction changed for each customer, as outbox events (``graph.outbox``).

Profiles change only in ``profiles``' transactions (records attached, moved, customers created and removed,
golden values refreshed), loads, ingests and service-desk corrections alike. Each transaction reads the
customers it touches before and after its writes and appends the difference in the same transaction:

- ``merged``: a customer now holds records of other customers (previous ids and the records each gave);
- ``split``: a customer's records now belong to several (which records went where);
- ``golden_changed``: golden values that differ, one event per source the new values came from (``origin``);
  a value that lost although it is newer than the one kept (a less trusted source's edit: "source trust,
  then time") is recorded under ``lost``, and the kept value restated if it did not change;
- ``identifiers_changed``: identifier values the customer's records gained or lost.

``origin`` is the source of the record a value comes from (the one it came from when it is cleared); an
identifier's is the source of the records carrying it when they are of one source, else none.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.database import Queries
from graph.outbox import Event
from resolution.golden import ATTRIBUTES
from resolution.rules import GoldenRules

#: attributes chosen by source trust then recency (the shipped ``[golden]`` rules): a newer value that lost
#: there lost on trust alone, which is what two applications editing one field need to see
CONTESTED = tuple(a for a in ATTRIBUTES if a not in GoldenRules().majority)


@dataclass
class State:
    """Customers as one transaction sees them at one moment."""

    golden: dict[str, dict[str, Any]] = field(default_factory=dict)
    holder: dict[str, str] = field(default_factory=dict)  # record key -> customer id
    source: dict[str, str] = field(default_factory=dict)  # record key -> source
    identifiers: dict[str, dict[tuple[str, str], set[str]]] = field(default_factory=dict)  # id -> value -> sources
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # id -> records' values, loaded_at


def state(tx: Queries, ids: Iterable[str], reported: bool = False) -> State:
    """The customers ``ids`` now; with ``reported``, their identifiers as last reported (``remember``) where
    they were, since a load changes a record's identifiers before resolution sees it. Without it (the state
    after the writes), also their records' values, which lost values are found among."""
    found = State()
    wanted = sorted(set(ids))
    if not wanted:
        return found
    for row in tx.read("outbox_customer_golden", ids=wanted):
        found.golden[row["id"]] = row["customer"]
        found.identifiers[row["id"]] = {}
    for row in tx.read("outbox_customer_records", ids=wanted):
        values = found.identifiers[row["id"]]
        found.holder[row["record"]] = row["id"]
        found.source[row["record"]] = row["source"]
        for key in row["identifiers"]:
            kind, _, value = str(key).partition(":")
            values.setdefault((kind, value), set()).add(row["source"])
    if not reported:
        for row in tx.read("resolve_golden_records", ids=wanted):
            found.records.setdefault(row["id"], []).append(row)
    else:
        for customer_id, golden in found.golden.items():
            if (kept := golden.get("reported_identifiers")) is not None:
                found.identifiers[customer_id] = {
                    (kind, value): set(sources)
                    for key, sources in json.loads(kept).items() for kind, _, value in [key.partition(":")]}
    return found


def remember(tx: Queries, before: State, after: State) -> None:
    """Keep each customer's identifiers (and the sources carrying each) as now reported, where they changed."""
    rows = [{"id": customer_id, "reported": json.dumps({f"{kind}:{value}": sorted(sources)
                                                         for (kind, value), sources in sorted(now.items())})}
            for customer_id, now in sorted(after.identifiers.items())
            if after.golden[customer_id].get("reported_identifiers") is None
            or now != before.identifiers.get(customer_id)]
    if rows:
        tx.write("outbox_customer_identifiers", rows=rows)


def events(before: State, after: State) -> list[Event]:
    """The events from ``before`` to ``after``: merges and splits first (a destination re-keys before it
    updates), then golden values, then identifiers, each by customer id. Pure."""
    return _merges(before, after) + _splits(before, after) + _golden(before, after) + _identifiers(before, after)


def _moves(before: State, after: State) -> tuple[dict[str, dict[str, list[str]]], dict[str, dict[str, list[str]]]]:
    """Per customer after, the records each previous customer gave it; per customer before, where its records
    went."""
    gained: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    spread: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key, now in sorted(after.holder.items()):
        was = before.holder.get(key)
        if was is not None:
            gained[now][was].append(key)
            spread[was][now].append(key)
    return gained, spread


def _merges(before: State, after: State) -> list[Event]:
    gained, _ = _moves(before, after)
    found = []
    for customer_id in sorted(gained):
        givers = {was: keys for was, keys in gained[customer_id].items() if was != customer_id}
        gone = [was for was in givers if was not in after.golden]
        if givers and (len(gained[customer_id]) >= 2 or gone):
            found.append(Event("merged", customer_id, {"from": dict(sorted(givers.items()))}, None,
                               tuple(sorted(givers))))
    return found


def _splits(before: State, after: State) -> list[Event]:
    _, spread = _moves(before, after)
    return [Event("split", was, {"into": dict(sorted(spread[was].items()))}, None, (was,))
            for was in sorted(spread) if len(spread[was]) >= 2]


def _golden(before: State, after: State) -> list[Event]:
    found = []
    for customer_id, new in sorted(after.golden.items()):
        old = before.golden.get(customer_id)
        by_origin: dict[str | None, dict[str, dict[str, Any]]] = defaultdict(dict)
        for attribute in ATTRIBUTES:
            was, now = (old or {}).get(attribute), new.get(attribute)
            if was == now:
                continue
            origin = _origin(after, new, attribute) if now is not None else _origin(before, old or {}, attribute)
            by_origin[origin][attribute] = {"old": was, "new": now}
        for attribute, lost in _lost(after, customer_id, old).items():
            change = by_origin[_origin(after, new, attribute)].setdefault(attribute, {"old": new[attribute],
                                                                                        "new": new[attribute]})
            change["lost"] = lost
        for origin, changes in sorted(by_origin.items(), key=lambda o: o[0] or ""):
            found.append(Event("golden_changed", customer_id, {"changes": changes, "created": old is None}, origin))
    return found


def _lost(after: State, customer_id: str, old: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """Per contested attribute, the values of the customer's records that differ from the one kept although
    they are newer than its record: with trust then recency, only a less trusted source loses that way.
    Only records loaded since the customer's values were last decided (``updated_at`` before) count, so a
    loss is told once, not at every later resolution of the customer; a new customer has none (sources
    disagreeing on a first load are a matter of data quality, not two edits of one value)."""
    since = (old or {}).get("updated_at")
    if since is None:
        return {}
    new = after.golden[customer_id]
    dated = sorted((r for r in after.records.get(customer_id, ()) if r["loaded_at"] is not None),
                   key=lambda r: (r["loaded_at"], r["key"]))
    by_key = {r["key"]: r for r in dated}
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in new.get("value_sources") or ():
        attribute, _, key = str(entry).partition("=")
        winner = by_key.get(key)
        if attribute not in CONTESTED or winner is None:
            continue
        lost = [{"value": r[attribute], "source": r["source"], "at": r["loaded_at"].isoformat()} for r in dated
                if r[attribute] is not None and r[attribute] != winner[attribute]
                and r["loaded_at"] > winner["loaded_at"] and r["loaded_at"] > since]
        if lost:
            found[attribute] = lost
    return found


def _origin(seen: State, customer: dict[str, Any], attribute: str) -> str | None:
    """The source of the record the customer's value of ``attribute`` comes from (``value_sources``)."""
    for entry in customer.get("value_sources") or ():
        name, _, key = str(entry).partition("=")
        if name == attribute:
            return seen.source.get(key) or key.partition(":")[0] or None
    return None


def _identifiers(before: State, after: State) -> list[Event]:
    found = []
    for customer_id, now in sorted(after.identifiers.items()):
        was = before.identifiers.get(customer_id, {})
        by_origin: dict[str | None, dict[str, list[dict[str, str]]]] = defaultdict(lambda: {"added": [],
                                                                                            "removed": []})
        for value in sorted(set(now) - set(was)):
            by_origin[_one(now[value])]["added"].append({"type": value[0], "value": value[1]})
        for value in sorted(set(was) - set(now)):
            by_origin[_one(was[value])]["removed"].append({"type": value[0], "value": value[1]})
        for origin, change in sorted(by_origin.items(), key=lambda o: o[0] or ""):
            found.append(Event("identifiers_changed", customer_id, change, origin))
    return found


def _one(sources: set[str]) -> str | None:
    return next(iter(sources)) if len(sources) == 1 else None
