"""Who looked at whom: every read of a customer's personal data through the API, kept for the person to see.

A person may ask who their data was disclosed to (GDPR art. 15(1)(c)), and a controller must be able to show
that access was lawful (art. 5(2), 32): so each request that reads customers leaves one ``(:AccessLog)`` node
per customer it read — who (the token's subject and role), which fields, when, and the operation's name —
written in one statement for the whole request. The entries hold no personal value of the customer, only
their profile id; they are kept ``C360_ACCESS_LOG_DAYS`` days and purged after.

``Seen`` gathers one request's reads; ``record`` writes them, ``entries`` reads one customer's back
(``c360 access-log``, the subject-access export's ``seen_by``) and ``purge`` applies the retention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from graph.database import Graph, Queries


@dataclass(frozen=True)
class Reader:
    """Who reads: the token's subject and role, and the operation's name when the client gave one."""

    subject: str
    role: str
    operation: str | None = None


@dataclass
class Seen:
    """The customers one request read, each with the fields read of them, in the order first read."""

    fields: dict[str, set[str]] = field(default_factory=dict)

    def saw(self, customer: str, *names: str) -> None:
        self.fields.setdefault(customer, set()).update(names)

    def saw_all(self, customers: Iterable[str], *names: str) -> None:
        for customer in customers:
            self.saw(customer, *names)

    def rows(self, reader: Reader, at: datetime) -> list[dict[str, Any]]:
        return [{"at": at, "subject": reader.subject, "role": reader.role, "customer": customer,
                 "fields": sorted(names), "operation": reader.operation}
                for customer, names in self.fields.items()]


def record(graph: Queries, seen: Seen, reader: Reader, at: datetime) -> int:
    """One request's reads in one statement (none when it read no customer); how many entries it wrote."""
    rows = seen.rows(reader, at)
    if rows:
        graph.write("access_log_write", rows=rows)
    return len(rows)


def entries(graph: Queries, customer: str, since: datetime | None = None) -> list[dict[str, Any]]:
    """Who read ``customer``'s data (since ``since``), oldest first: at, subject, role, fields, operation."""
    return graph.read("access_log_customer", customer=customer, since=since)


def purge(graph: Graph, days: int, now: datetime) -> int:
    """Entries older than ``days`` days deleted; how many."""
    found = graph.write("access_log_purge", before=now - timedelta(days=days))
    return int(found[0]["purged"]) if found else 0
