"""A CRM on a real HTTP server in a thread (``bench.receiver``, which checks each event's signature): it applies
each event once (by the ``Idempotency-Key``) to its own table of customers, and can be told to fail or be down.

It keeps its own contacts too (``contacts``: its rows by its own record id, as it posts them back to
``POST /ingest/crm``): a golden change applies to every contact of the customer it names. It counts what it
received and what it applied by idempotency key, and the events whose origin was its own source: the test of
two-way sync checks that each change arrived exactly once and none of its own came back.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from bench.receiver import Arrival, receiving

SECRET = "s3cret-of-the-crm"


@dataclass
class Crm:
    """What the receiver holds and saw."""

    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: which customer each record belongs to, as the CRM keys its own contacts
    records: dict[str, str] = field(default_factory=dict)
    applied: list[dict[str, Any]] = field(default_factory=list)
    #: its own table: each contact's row by the CRM's record id (``records`` names its customer as "crm:<id>")
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)
    #: events received (signature good) and applied, by idempotency key
    received: Counter[str] = field(default_factory=Counter)
    applications: Counter[str] = field(default_factory=Counter)
    #: events received whose origin is this CRM's own source (the no-echo rule says: none)
    echoes: int = 0
    source: str = "crm"
    requests: int = 0
    bad_signatures: int = 0
    #: answer 500 this many times (after applying: the answer is what gets lost)
    fail: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def receive(self, arrival: Arrival) -> int:
        """A signed event: applied unless already applied; the status code to answer."""
        with self.lock:
            self.requests += 1
            event = arrival.event
            if arrival.headers.get("idempotency-key") != event["id"]:
                return 400
            self.received[event["id"]] += 1
            self.echoes += event["data"].get("origin") == self.source
            if event["id"] not in self.applications:
                self.applications[event["id"]] += 1
                self.applied.append(event)
                self._apply(event)
            if self.fail:
                self.fail -= 1
                return 500
            return 204

    def refuse(self, arrival: Arrival) -> None:
        """A POST whose signature did not hold (answered 401)."""
        with self.lock:
            self.requests += 1
            self.bad_signatures += 1

    def _apply(self, event: dict[str, Any]) -> None:
        data, kind = event["data"], event["type"].removeprefix("c360.customer.")
        if kind == "golden_changed":
            row = self.customers.setdefault(event["subject"], {})
            row.update({name: change["new"] for name, change in data["changes"].items()})
            for key, customer in self.records.items():
                contact = self.contacts.get(key.removeprefix(f"{self.source}:"))
                if customer == event["subject"] and contact is not None:
                    contact.update({name: change["new"] or "" for name, change in data["changes"].items()
                                    if name in contact})
        elif kind == "merged":
            for old, keys in data["from"].items():
                for key in keys:
                    self.records[key] = event["subject"]
                if old not in self.records.values():
                    gone = self.customers.pop(old, {})
                    self.customers.setdefault(event["subject"], {}).update(
                        {k: v for k, v in gone.items() if k not in self.customers.get(event["subject"], {})})
        elif kind == "split":
            for customer, keys in data["into"].items():
                for key in keys:
                    self.records[key] = customer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serving(crm: Crm, port: int = 0) -> AbstractContextManager[str]:
    """The CRM listening on ``port`` (0: any free one); its events URL."""
    return receiving(SECRET.encode(), crm.receive, port=port, on_refused=crm.refuse)
