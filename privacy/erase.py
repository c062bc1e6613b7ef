"""Erasure that stays erased (GDPR art. 17): every personal value of one person leaves the graph and the files
c360 wrote, the non-personal facts stay, and a later load of the same rows does not bring them back.

What goes: the person's source records (with their links and decisions), the identifiers no other record
carries, the cookies and devices only they logged in through, their customer node with its homes (a home
nobody else lives at goes too), shopping places and segment membership, ticket subjects and notes, web
session keys (they hold the cookie), user agents and pages, unmapped ``attr_*`` columns of their events,
the before/after/why of audit events about them, their record keys in merge/split events (keyed hashes
instead), and their lines in files under ``C360_HOME`` (``privacy.files``).

What stays: their transactions, tickets, consents and web sessions with amounts, currencies, stores, times,
statuses, channels, purposes, grants and page counts, re-pointed ``-[:BY|RAISED_BY|FOR|FROM]->`` to one
anonymous ``(:Erased)`` tombstone per erasure, so sums per store or day and counts do not change. The
tombstone holds keyed hashes of the erased record and identifier keys only: what the loaders check each row
against (``loaders.erased``). The graph's part is one transaction: all of it or nothing; the files follow.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import phonenumbers

from graph import outbox
from graph.database import Graph, Transaction
from graph.errors import InputError
from graph.keyed import keyed_hash
from loaders.erased import erasure_key
from privacy.files import Traces, scrub

#: what an audit event's before, after and why say once the customer they were about is erased
MARKER = json.dumps({"erased": True})
#: properties of events that are personal whatever the source (``attr_*`` columns are too: unknown meaning)
PERSONAL_EVENT_PROPERTIES = {
    "Transaction": ("hash",),
    "Ticket": ("subject", "hash"),
    "ConsentEvent": ("hash",),
    "WebSession": ("user_agent", "pages", "hash"),
}
EVENT_QUERIES = {"Transaction": "erase_transactions", "Ticket": "erase_tickets",
                 "ConsentEvent": "erase_consents", "WebSession": "erase_sessions"}
#: record fields whose values identify the person in any line of text (a city or a street would match
#: the lines of many others)
TRACE_FIELDS = ("source_id", "email", "phone", "customer_number", "loyalty_card", "national_id")


@dataclass(frozen=True)
class Erasure:
    """What one erasure did: its tombstone, its audit event, and how much of each kind it removed."""

    tombstone: str
    audit_id: str
    customer_erased: bool
    counts: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class _Subject:
    """Everything erasure touches, gathered before anything is written."""

    customer: str | None
    records: list[str]
    homes: list[str]
    identifiers: list[dict[str, Any]]
    events: list[dict[str, Any]]
    traces: Traces


def erase(graph: Graph, home: Path, *, by: str, why: str, customer_id: str | None = None,
          record_key: str | None = None) -> Erasure:
    """Erase the customer ``customer_id``, or the one holding ``record_key`` (the record alone when it was
    never resolved). Errors name what was given, never a value the graph holds."""
    if (customer_id is None) == (record_key is None):
        raise InputError("give either a customer id or a record key, not both and not neither", "customer")
    if not why.strip():
        raise InputError("say why, for the audit trail", "why")
    started = time.perf_counter()
    subject = _subject(graph, customer_id, record_key)
    key = erasure_key(graph)
    at = datetime.now(UTC)
    tombstone = f"erased-{uuid.uuid4().hex[:12]}"
    audit_id = f"audit-{uuid.uuid4().hex[:12]}"
    erased = {i["key"] for i in subject.identifiers}
    left = {r["key"] for r in graph.by_keys("erase_left_identifiers", erased)} - erased
    counts = graph.transaction(lambda tx: _audited(tx, subject, key, tombstone, audit_id, at, by, why))
    counts["identifiers_swept"] = sweep_orphans(graph, left)
    scrubbed = scrub(home, subject.traces)
    counts |= {"reject_lines": scrubbed.reject_lines, "file_lines": scrubbed.lines,
               "files_rewritten": scrubbed.files, "cache_files": scrubbed.cache_files}
    graph.write("erase_audit_counts", id=audit_id, counts=json.dumps(counts, sort_keys=True))
    return Erasure(tombstone, audit_id, subject.customer is not None, counts,
                   round(time.perf_counter() - started, 3))


def sweep_orphans(graph: Graph, keys: set[str]) -> int:
    """Delete the identifiers among ``keys`` nothing points to any more, then the devices that leaves alone:
    an identifier only the erased person's events used would otherwise outlive them, value and all."""
    deleted = 0
    while keys:
        rows = graph.by_keys("erase_orphans", keys, write=True, batch_size=2000)
        deleted += len(rows)
        keys = {device for row in rows for device in row["devices"]}
    return deleted


def _subject(graph: Graph, customer_id: str | None, record_key: str | None) -> _Subject:
    if record_key is not None:
        found = graph.read("erase_record_holder", key=record_key)
        if not found:
            raise InputError("no source record with this key", "record")
        customer_id = found[0]["customer"]
        records, homes = [record_key], []
    if customer_id is not None:
        held = graph.read("erase_customer_records", id=customer_id)
        if not held:
            raise InputError("no customer with this id", "customer")
        records, homes = sorted(held[0]["records"]), sorted(held[0]["homes"])
    read = graph.by_keys("erase_records_read", records)
    carried = graph.by_keys("erase_identifiers_read", records)
    identifiers = [{"key": r["key"], "value": r["value"]} for r in carried if r["others"] == 0]
    identifiers += _web_identifiers(graph, [i["key"] for i in identifiers])
    events = graph.by_keys("erase_events_read", [i["key"] for i in identifiers])
    traces = _traces(read, identifiers, events)
    return _Subject(customer_id, records, homes, identifiers, events, traces)


def _web_identifiers(graph: Graph, identifier_keys: list[str]) -> list[dict[str, Any]]:
    """Cookies that logged in as the person only, and devices seen with those cookies only."""
    cookies = graph.by_keys("erase_cookies_read", identifier_keys)
    erased = {c["key"] for c in cookies}
    found = [{"key": c["key"], "value": c["value"]} for c in cookies]
    devices = {d["key"]: d for c in cookies for d in c["devices"] if set(d["cookies"]) <= erased}
    return found + [{"key": d["key"], "value": d["value"]} for _, d in sorted(devices.items())]


def _traces(records: list[dict[str, Any]], identifiers: list[dict[str, Any]],
            events: list[dict[str, Any]]) -> Traces:
    """What identifies the person in a line of a file: their values in every form c360 knows."""
    values: set[str] = set()
    names: set[tuple[str, str]] = set()
    for record in records:
        props = record["props"]
        values.add(record["key"])
        values |= {str(props[f]) for f in TRACE_FIELDS if props.get(f)}
        if props.get("first_name") and props.get("last_name"):
            names.add((props["first_name"], props["last_name"]))
    for identifier in identifiers:
        values.add(str(identifier["value"]))
    values |= {national for v in values if (national := _national_number(v))}
    rows = [(r["file"], r["props"]["line"]) for r in (*records, *events)
            if r["file"] and isinstance(r["props"].get("line"), int)]
    return Traces.of(values, names, rows)


def _national_number(value: str) -> str | None:
    """A phone as sources write it at home (``06 12 34 56 78``) holds its national number, not its E.164 form."""
    if not value.startswith("+"):
        return None
    try:
        return str(phonenumbers.parse(value).national_number)
    except phonenumbers.NumberParseException:
        return None


def _audited(tx: Transaction, subject: _Subject, key: bytes, tombstone: str, audit_id: str, at: datetime,
             by: str, why: str) -> dict[str, int]:
    """The graph's part and its audit event, together: the event's counts are completed once the files are
    scrubbed."""
    counts = _write(tx, subject, key, tombstone, at, by, why)
    tx.write("erase_audit", id=audit_id, by=by, at=at, why=why, tombstone=tombstone,
             counts=json.dumps(counts, sort_keys=True))
    return counts


def _write(tx: Transaction, subject: _Subject, key: bytes, tombstone: str, at: datetime, by: str,
           why: str) -> dict[str, int]:
    """The graph's part of an erasure, in one transaction (replayed whole if it collides with another)."""
    hashed = [{"key": k, "hash": keyed_hash(key, k)} for k in subject.records]
    tx.write("erase_tombstone", id=tombstone, at=at, by=by, why=why, records=[h["hash"] for h in hashed],
             identifiers=sorted(keyed_hash(key, i["key"]) for i in subject.identifiers))
    counts = {"records": len(subject.records), "identifiers": len(subject.identifiers)}
    for label, query in EVENT_QUERIES.items():
        rows = [_anonymous(event, key) for event in subject.events if event["label"] == label]
        if rows:
            tx.write(query, rows=rows, tombstone=tombstone)
        counts[_plural(label)] = len(rows)
    tickets = [e["key"] for e in subject.events if e["label"] == "Ticket"]
    counts["ticket_notes"] = tx.write("erase_ticket_notes", keys=tickets)[0]["notes"] if tickets else 0
    targets = subject.records + [e["key"] for e in subject.events]
    counts["audit_events"] = tx.write("erase_audit_changes", customer=subject.customer, targets=targets,
                                      hashed=hashed, marker=MARKER, tombstone=tombstone)[0]["events"]
    counts["audit_events"] += tx.write("erase_audit_decisions", keys=subject.records, hashed=hashed,
                                       marker=MARKER)[0]["events"]
    counts["restrictions"] = sum(row["restrictions"] for row in tx.write("erase_restrictions", keys=subject.records))
    counts["change_events"] = _outbox(tx, subject, tombstone)
    tx.write("erase_identifiers", keys=[i["key"] for i in subject.identifiers])
    tx.write("erase_records", keys=subject.records)
    counts["customers"] = 0
    if subject.customer is not None:
        tx.write("erase_customer", id=subject.customer)
        counts["customers"] = 1
    counts["homes"] = tx.write("erase_homes", keys=subject.homes)[0]["homes"] if subject.homes else 0
    return counts


def _outbox(tx: Transaction, subject: _Subject, tombstone: str) -> int:
    """The change feed forgets the person too: an ``erased`` event tells destinations whom to delete (the
    ids they know the person by, nothing else), then every earlier event about them, or holding their values
    or record keys, keeps only its number, kind and time; the delivery log forgets them and their dead
    letters name the tombstone."""
    ids = {subject.customer} if subject.customer else set()
    if subject.customer:
        former = outbox.former_ids(tx, subject.customer)
        outbox.append(tx, kind="erased", customer_id=subject.customer, previous_customer_ids=sorted(former))
        ids |= former
    quoted = [json.dumps(key) for key in subject.records]
    held = outbox.holding(tx, lambda payload: subject.traces.held_by(payload) or any(k in payload for k in quoted))
    tx.write("erase_deliveries", ids=sorted(ids))
    tx.write("erase_dead_letters", ids=sorted(ids), tombstone=tombstone)
    return outbox.redact(tx, ids, tombstone, held)


def _anonymous(event: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The event's personal properties, each mapped to null (``SET e += removed`` drops them)."""
    props = event["props"]
    personal = PERSONAL_EVENT_PROPERTIES[event["label"]]
    removed: dict[str, Any] = {k: None for k in props if k.startswith("attr_") or k in personal}
    if event["label"] == "WebSession":  # its key is SOURCE:COOKIE:START
        removed["key"] = f"{props.get('source')}:erased-{keyed_hash(key, event['key'])[:16]}"
    return {"key": event["key"], "removed": removed}


def _plural(label: str) -> str:
    return {"Transaction": "transactions", "Ticket": "tickets", "ConsentEvent": "consents",
            "WebSession": "web_sessions"}[label]
