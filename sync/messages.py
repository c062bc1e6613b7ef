"""What one destination is sent of one change event: the kinds and fields it wants, under its own names, as a
CloudEvent (structured mode, JSON) with its HMAC signature."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from graph.outbox import ChangeEvent
from sync.destinations import Destination

SIGNATURE_HEADER = "X-C360-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
#: kinds whose payload lists fields (golden values, identifier types) that ``fields`` and ``rename`` apply to
SHAPED = ("golden_changed", "identifiers_changed")


@dataclass(frozen=True)
class Message:
    """A change event as one destination receives it."""

    seq: int
    customer_id: str
    event: dict[str, Any]

    def body(self) -> bytes:
        """The exact bytes sent and signed: compact, keys sorted, UTF-8."""
        return json.dumps(self.event, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def skip_reason(destination: Destination, event: ChangeEvent) -> str | None:
    """Why ``destination`` is not sent ``event`` (gates aside), or None: a kind it does not want, its own
    change (the no-echo rule), or no field it wants."""
    if event.kind not in destination.kinds:
        return "kind"
    if event.origin is not None and event.origin == destination.name:
        return "echo"
    if event.kind in SHAPED and not _shaped(destination, event.kind, event.payload):
        return "fields"
    return None


def message(destination: Destination, event: ChangeEvent, source: str) -> Message:
    """The CloudEvent for ``destination``: id is the event's number, subject the customer's id."""
    payload = _shaped(destination, event.kind, event.payload) if event.kind in SHAPED else event.payload
    data = {"customer_id": event.customer_id, "previous_customer_ids": list(event.previous_customer_ids),
            "origin": event.origin, **payload}
    cloud = {"specversion": "1.0", "id": str(event.seq), "source": source, "type": f"c360.customer.{event.kind}",
             "subject": event.customer_id, "time": event.at.isoformat(), "datacontenttype": "application/json",
             "data": data}
    return Message(event.seq, event.customer_id, cloud)


def signature(secret: bytes, body: bytes) -> str:
    """The ``X-C360-Signature`` header's value: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def _shaped(destination: Destination, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with only the fields the destination wants, renamed; {} when none is left."""
    wanted = set(destination.fields) if destination.fields is not None else None
    name = destination.rename
    if kind == "golden_changed":
        changes = {name.get(a, a): v for a, v in payload["changes"].items() if wanted is None or a in wanted}
        return {"changes": changes, "created": payload["created"]} if changes else {}
    shaped = {side: [{"type": name.get(i["type"], i["type"]), "value": i["value"]} for i in payload[side]
                     if wanted is None or i["type"] in wanted] for side in ("added", "removed")}
    return shaped if shaped["added"] or shaped["removed"] else {}
