"""Subject access and portability (GDPR art. 15/20): everything c360 holds about one person, in one document.

The document is built from the same read model the 360 and scoring use (``customers.repository``), so what a
person is shown is what staff see and what marketing uses: the golden profile with the record each value
came from, every source record as loaded, every identifier with its state, every event attached to them,
their consent history, homes, stores, scores with how they were computed, the resolution decisions and
evidence that made their profile, the service desk's audited changes, the systems their changes were sent to
(``sync``'s delivery log) and who read their data through the API (``privacy.access_log``): a person has a
right to know who their data was disclosed to. Reads are a fixed number of queries per person, however many
events they have (one more per generation of merges behind their id).

The JSON is the portable form (``FORMAT_VERSION``, stable keys, ISO-8601 times); ``privacy.access_page``
renders the same document as one readable page. Both are written owner-only: they are personal data.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from customers.repository import CustomerRepository, Identities, PageRequest
from customers.segments import DESCRIPTIONS
from graph import outbox
from graph.database import Graph
from graph.errors import InputError
from graph.home import private_dir
from privacy import restrictions
from privacy.access_log import entries
from privacy.access_page import render
from resolution.golden import ATTRIBUTES
from resolution.rules import Rules
from scoring.rfm import RULE_IN_WORDS

#: raised when a key is renamed or removed, or a value changes meaning; adding a key keeps the version
FORMAT_VERSION = 1
Format = Literal["json", "html"]
FORMATS: dict[str, Format] = {".json": "json", ".html": "html", ".htm": "html"}

RESOLUTION_RULE = (
    "Records are one person when a chain of evidence joins them: an identifier they share that may link "
    "(not blocked), a probabilistic match above the threshold, or a person's merge decision; a split decision "
    "or exclusive identifiers that conflict keep records apart. Golden values are chosen per attribute: the "
    "spelling most records agree on for {majority}, the most trusted source's (then the most recent) value "
    "for the rest."
)


@dataclass(frozen=True)
class Requester:
    """Who asks for the export and on whose behalf the data is held: the document's metadata."""

    by: str
    controller: str | None = None


def subject_access(graph: Graph, customer_id: str, requester: Requester, rules: Rules,
                   now: datetime) -> dict[str, Any]:
    """The whole account of one customer, as JSON-ready values (``InputError`` for an unknown customer)."""
    repository = CustomerRepository(graph)
    customer = repository.customer(customer_id)
    if customer is None:
        raise InputError(f"no customer {customer_id!r}", "customer")
    identities = repository.identities([customer_id])[0]
    records = _records(graph, customer_id, [(r.properties, r.identifiers) for r in customer.records])
    identifiers = _identifiers(graph, customer_id, identities)
    own = [i["key"] for i in identifiers]
    events = _events(repository, customer_id, identities)
    document: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "metadata": _metadata(requester, now),
        "customer": {"id": customer_id, "golden": _golden(customer.properties, records),
                     "profile": customer.properties},
        "records": records,
        "identifiers": identifiers,
        "events": events,
        "web_identities": graph.read("subject_access_cookies", own=own,
                                     cookies=sorted(set(identities.keys) - set(own))),
        "consents": {"current": [_without(row, "request") for row in repository.consents([identities])[0]],
                     "history": [{**row["event"], "purpose": row["purpose"], "identifiers": row["identifiers"]}
                                 for row in graph.read("subject_access_consents", keys=list(identities.keys))]},
        "restrictions": {"in_force": restrictions.in_force(graph, customer_id),
                         "history": restrictions.history(graph, customer_id)},
        "homes": graph.read("subject_access_homes", id=customer_id),
        "stores": [_without(row, "request") for row in repository.stores([identities])[0]],
        "scores": _scores(graph, customer_id, customer.properties),
        "resolution": _resolution(graph, customer_id, [r["key"] for r in records], rules),
        "service_desk_audit": [_audit_entry(event) for event in repository.changes([customer_id])[0]],
        "synced_to": graph.read("subject_access_deliveries",
                                ids=sorted({customer_id, *outbox.former_ids(graph, customer_id)})),
        "seen_by": entries(graph, customer_id),
    }
    document["counts"] = _counts(document)
    return _plain(document)  # type: ignore[no-any-return]


def _metadata(requester: Requester, now: datetime) -> dict[str, Any]:
    found = {"generated_at": now, "generated_by": requester.by, "c360_version": _version()}
    return found | ({"controller": requester.controller} if requester.controller else {})


def _version() -> str:
    try:
        return metadata.version("c360")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def _records(graph: Graph, customer_id: str, found: list[tuple[dict[str, Any], list[dict[str, str]]]]
             ) -> list[dict[str, Any]]:
    joined = {row["key"]: row for row in graph.read("subject_access_records", id=customer_id)}
    records = []
    for properties, identifiers in found:
        key = properties["key"]
        records.append({"key": key, "source": properties.get("source"),
                        "joined_profile_at": joined.get(key, {}).get("since"),
                        "joined_by_run": joined.get(key, {}).get("run"),
                        "identifiers": sorted(identifiers, key=lambda i: (i["type"], i["value"])),
                        "properties": properties})
    return sorted(records, key=lambda r: r["key"])


def _identifiers(graph: Graph, customer_id: str, identities: Identities) -> list[dict[str, Any]]:
    """One entry per identifier: the records carrying it, first and last seen over them, blocked and why."""
    rows = graph.read("subject_access_identifiers", id=customer_id)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row["key"]].append(row)
    attaching = set(identities.keys)
    identifiers = []
    for key, carried in sorted(grouped.items()):
        first = carried[0]
        identifiers.append({
            "key": key, "type": first["type"], "value": first["value"],
            "first_seen": min((r["first_seen"] for r in carried if r["first_seen"]), default=None),
            "last_seen": max((r["last_seen"] for r in carried if r["last_seen"]), default=None),
            "records": sorted(r["record"] for r in carried),
            "blocked": first["blocked"] is not None, "blocked_reason": first["blocked"],
            "attaches_events": key in attaching})
    return identifiers


def _events(repository: CustomerRepository, customer_id: str, identities: Identities) -> dict[str, Any]:
    """Every transaction, ticket and web session, newest first: a count, then one page that holds them all."""
    lists: dict[str, Any] = {}
    for kind in ("transactions", "tickets", "web_sessions"):
        counted = repository.counts(kind, [(PageRequest(customer_id, 0), identities)])[0]
        total = sum(row["count"] for row in counted)
        page = repository.pages(kind, [(PageRequest(customer_id, max(total, 1)), identities)])[0]
        lists[kind] = [_event(kind, row) for row in page]
    return lists


def _event(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    if kind == "transactions":
        return {**row["node"], "store": {"key": row["store_key"], "name": row["store_name"]}}
    if kind == "tickets":
        return {**row["node"], "notes": row["notes"]}
    return {**row["node"], "cookie": row["cookie"]}


def _golden(profile: dict[str, Any], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each golden attribute with its value and the record (and so the source) it was taken from."""
    chosen = dict(entry.split("=", 1) for entry in profile.get("value_sources") or [] if "=" in entry)
    source_of = {r["key"]: r["source"] for r in records}
    return [{"attribute": attribute, "value": profile.get(attribute), "record": chosen.get(attribute),
             "source": source_of.get(chosen.get(attribute, ""))}
            for attribute in ATTRIBUTES if profile.get(attribute) is not None or attribute in chosen]


SCORE_FIELDS = ("rfm", "recency_days", "purchases", "ltv_minor", "predicted_value_minor", "currency")


def _scores(graph: Graph, customer_id: str, profile: dict[str, Any]) -> dict[str, Any]:
    segment = graph.read("subject_access_segment", id=customer_id)
    run = graph.read("subject_access_score_run")
    name = segment[0]["segment"] if segment else profile.get("segment")
    rfm = profile.get("rfm") or ""
    scores: dict[str, Any] = {
        "segment": name, "segment_meaning": DESCRIPTIONS.get(name) if name else None,
        "in_segment_since": segment[0]["since"] if segment else None,
        **{field: profile.get(field) for field in SCORE_FIELDS},
        "recency_score": int(rfm[0]) if len(rfm) == 3 else None,
        "frequency_score": int(rfm[1]) if len(rfm) == 3 else None,
        "monetary_score": int(rfm[2]) if len(rfm) == 3 else None,
        "computed_at": run[0]["run"].get("finished_at") if run else None,
        "reference_date": run[0]["run"].get("as_of") if run else None,
        "rule": RULE_IN_WORDS,
        "bands": graph.read("subject_access_score_bands") if run else [],
    }
    return scores


def _resolution(graph: Graph, customer_id: str, keys: list[str], rules: Rules) -> dict[str, Any]:
    """Decisions touching the records, their audit entries, and the links that joined the records."""
    decisions: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in graph.read("explain_decisions", keys=keys):
        a, b = sorted((row["key"], row["other"]))
        decisions[(row["decision"], a, b)] = {
            "decision": "merge" if row["decision"] == "SAME_AS" else "split", "records": [a, b],
            "both_in_profile": a in keys and b in keys, "by": row["by"], "why": row["why"], "at": row["at"]}
    through: dict[str, list[str]] = defaultdict(list)
    matches = []
    for row in graph.read("subject_access_links", id=customer_id):
        if row["kind"] == "identifier":
            through[row["identifier"]].append(row["record"])
        else:
            matches.append({"kind": "match", "records": sorted((row["record"], row["other"])),
                            "score": row["score"], "rule": row["rule"],
                            "weights": json.loads(row["weights"]) if row["weights"] else None})
    links = [{"kind": "identifier", "identifier": key, "records": sorted(records)}
             for key, records in sorted(through.items())]
    return {"rule": RESOLUTION_RULE.format(majority=", ".join(rules.golden.majority)),
            "decisions": [decisions[k] for k in sorted(decisions)],
            "decision_audit": [row["event"] for row in graph.read("subject_access_decision_audit", keys=keys)],
            "links": links + sorted(matches, key=lambda m: m["records"])}


def _audit_entry(event: dict[str, Any]) -> dict[str, Any]:
    """A service-desk audit entry with its before and after (stored as JSON text) as values."""
    return {**event, **{side: _json_or_text(event.get(side)) for side in ("before", "after")}}


def _json_or_text(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


def _counts(document: dict[str, Any]) -> dict[str, int]:
    return {"records": len(document["records"]), "identifiers": len(document["identifiers"]),
            **{kind: len(items) for kind, items in document["events"].items()},
            "cookies": len(document["web_identities"]), "consent_events": len(document["consents"]["history"]),
            "restriction_events": len(document["restrictions"]["history"]),
            "homes": len(document["homes"]), "stores": len(document["stores"]),
            "decisions": len(document["resolution"]["decisions"]),
            "service_desk_audit": len(document["service_desk_audit"]), "seen_by": len(document["seen_by"])}


def _plain(value: Any) -> Any:
    """Store values as JSON values: instants and dates in ISO 8601, points as latitude and longitude."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "srid"):  # a spatial point, a tuple of coordinates (WGS-84: x is the longitude)
        return {"longitude": value[0], "latitude": value[1]}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a duration: ISO 8601 as the driver spells it


def format_of(path: Path, chosen: str | None) -> Format:
    """The format asked for (``json`` or ``html``), else the one the file's extension names."""
    if chosen is not None:
        if f".{chosen}" not in FORMATS:
            raise InputError(f"{chosen!r} is not a format: json or html", "format")
        return FORMATS[f".{chosen}"]
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise InputError(f"cannot tell the format of {path.name}: name it .json or .html, or choose one", "format")
    return found


def write(document: dict[str, Any], path: Path, fmt: Format) -> None:
    """The document as JSON or as a page, written owner-only (0600) whatever was there before.

    Written to a temporary file beside the target (``mkstemp`` makes it 0600 whatever the umask), then moved
    over it: an existing file made with wider permissions is replaced rather than rewritten in place, and a
    reader never sees half a document. Folders made for it are 0700, like the home's.
    """
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n" if fmt == "json" else render(document)
    private_dir(path.parent)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
