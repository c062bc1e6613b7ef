"""Who to invite to an event: consent-clean lists of the customers near a venue.

An invitation list has one row per customer (never per source record), only customers whose consent
ledger allows the purpose through its channel (``marketing_email``: the newest choice about marketing by
email or about all marketing is a grant) and who have not restricted or objected to marketing, nearest
first, each with the reason it was chosen and the consent event that allows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from customers import consents
from customers.repository import CustomerRepository
from customers.segments import DESCRIPTIONS
from geo.near import Venue, km, near
from graph.database import Graph
from graph.errors import InputError

CONSENT_PURPOSE = "marketing_email"


@dataclass(frozen=True)
class Invitation:
    customer_id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    postcode: str | None
    city: str | None
    distance_km: float
    via: str
    segment: str | None
    rfm: str | None
    reason: str


def invitations(graph: Graph, place: Venue, radius_km: float, *, segment: str | None = None,
                limit: int | None = None, purpose: str = CONSENT_PURPOSE) -> list[Invitation]:
    if segment is not None and segment not in DESCRIPTIONS:
        raise InputError(f"no segment {segment!r}; one of {', '.join(DESCRIPTIONS)}", "segment")
    if limit is not None and limit < 1:
        raise InputError(f"must be at least 1, got {limit}", "limit")
    candidates = near(graph, place, radius_km)
    repository = CustomerRepository(graph)
    ids = [c["id"] for c in candidates]
    ledgers = repository.consent_ledgers(repository.identities(ids)) if ids else []
    granted = {customer_id: grant for customer_id, ledger in zip(ids, ledgers, strict=True)
               if (grant := consents.allows(ledger, purpose)) is not None}
    details = {row["id"]: row for row in graph.read("geo_invitees", ids=sorted(granted))}
    chosen: list[Invitation] = []
    for candidate in candidates:
        person = details.get(candidate["id"])
        if person is None or (segment is not None and person["segment"] != segment):
            continue
        distance = km(candidate["metres"])
        consent = granted[candidate["id"]]
        reason = f"{candidate['via']} {distance} km from {place.label}"
        if person["segment"]:
            reason += f"; segment {person['segment']} (RFM {person['rfm']})"
        reason += f"; {purpose} granted {consent['at']:%Y-%m-%d} ({consent['event_key']})"
        chosen.append(Invitation(person["id"], person["first_name"], person["last_name"], person["email"],
                                 person["phone"], person["postcode"], person["city"], distance, candidate["via"],
                                 person["segment"], person["rfm"], reason))
        if limit is not None and len(chosen) >= limit:
            break
    return chosen
