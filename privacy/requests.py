"""Rights requests that arrive as support tickets: found, told apart, and closed once answered.

People rarely use a form: they write to customer service "Supprimer mon compte (RGPD)" or "Account
verwijderen (AVG)". The data-protection officer's inbox is therefore the tickets whose subject names the
law or a right, in the languages the customers write in, each with the customer who raised it and the
command that answers it. Closing the ticket is part of the answer, so the commands that answer take
``--ticket`` and close it once the right is carried out (an erasure then leaves the ticket closed, without
its subject and notes, linked to the tombstone).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from graph.database import Graph
from graph.errors import InputError

#: the law's name in the customers' languages: a subject naming it is a request even when no right is named
LAWS = ("gdpr", "rgpd", "avg", "dsgvo")
#: words naming each right, most specific first: "delete my account" is an erasure, not an objection
RIGHTS: dict[str, tuple[str, ...]] = {
    "erasure": ("delete my", "supprimer mon compte", "effacer", "verwijder", "löschen", "erase", "forget me"),
    "objection": ("unsubscribe", "désabonner", "désinscri", "afmelden", "no more marketing", "stop marketing"),
    "access": ("copy of my data", "my data", "mes données", "mijn gegevens", "inzage", "auskunft"),
}
_WORDS = tuple(sorted({*LAWS, *(w for words in RIGHTS.values() for w in words)}))
_LAW = re.compile(rf"\b(?:{'|'.join(LAWS)})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Request:
    ticket: str
    subject: str
    status: str | None
    opened_at: datetime | None
    customer_id: str | None
    right: str  # erasure, objection, access, or "unspecified"

    def command(self) -> str:
        """The command that answers it (and closes the ticket)."""
        customer = self.customer_id or "CUSTOMER_ID"
        why = f'--why "ticket {self.ticket}" --ticket {self.ticket}'
        return {
            "erasure": f"c360 erase --customer {customer} {why}",
            "objection": f"c360 restrict --customer {customer} --purpose marketing --objection {why}",
            "access": f"c360 subject-access --customer {customer} --out {customer}.json --ticket {self.ticket}",
        }.get(self.right, f"c360 subject-access --customer {customer} --format html --out {customer}.html")


def requests(graph: Graph, *, open_only: bool = True) -> list[Request]:
    """Tickets that are rights requests, newest first (open ones only unless ``open_only`` is false)."""
    found = []
    for row in graph.read("rights_requests", words=list(_WORDS), open_only=open_only):
        right = _right(row["subject"])
        if right is not None:
            found.append(Request(row["ticket"], row["subject"], row["status"], row["opened_at"], row["customer_id"],
                                 right))
    return found


def _right(subject: str) -> str | None:
    text = subject.casefold()
    for right, words in RIGHTS.items():
        if any(word in text for word in words):
            return right
    return "unspecified" if _LAW.search(subject) else None  # "avg" inside a word is not the law


def check_ticket(graph: Graph, ticket: str, customer_id: str) -> None:
    """Refuse to answer a request with another person's ticket: before the answer, while the ticket is
    still theirs (an erasure moves it to the tombstone)."""
    found = graph.read("desk_ticket", key=ticket)
    if not found:
        raise InputError(f"no ticket {ticket!r}", "ticket")
    if found[0]["customer_id"] != customer_id:
        raise InputError(f"ticket {ticket!r} was not raised by customer {customer_id!r}", "ticket")


def close(graph: Graph, ticket: str, customer_id: str, *, by: str, why: str) -> str:
    """Close the request's ticket once answered; the audit event names the answer (``why``)."""
    found = graph.read("desk_ticket", key=ticket)
    before = json.dumps({"status": found[0]["status"] if found else None})
    graph.write("rights_request_close", key=ticket, at=datetime.now(UTC), by=by, why=why, customer=customer_id,
                audit_id=(audit_id := f"audit-{uuid.uuid4().hex[:12]}"), before=before)
    return audit_id
