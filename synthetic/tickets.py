"""Customer-service cases: opened and closed in the case tool's local time, with what the agent noted.

A case quotes at least one identifier, whichever the customer gave: the email they wrote from, the phone
they called from (a household's shared line), or their customer number.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from synthetic.clock import DAY, END, MINUTE, OFFICE_HOURS, ONLINE_HOURS, START, local, moment
from synthetic.draws import pick, poisson
from synthetic.people import Person
from synthetic.phones import format_phone
from synthetic.timeline import Draft
from synthetic.weighted import Weighted

TICKET_COLUMNS = ("case_no", "opened", "closed", "channel", "status", "subject", "contact_email",
                  "contact_phone", "customer_no")
TIMESTAMP_FORMAT = "%d/%m/%Y %H:%M"
TICKETS_PER_PERSON = 0.2
STATUSES: Weighted[str] = Weighted.of({"closed": 75, "pending": 10, "open": 15})
CHANNELS: Weighted[str] = Weighted.of({"email": 35, "phone": 30, "chat": 25, "store": 10})
# Chance of (email, phone, customer number) per channel: an email case has the sender's address.
IDENTIFIER_RATES: dict[str, tuple[float, float, float]] = {
    "email": (1.0, 0.2, 0.3), "phone": (0.4, 0.9, 0.4), "chat": (0.8, 0.1, 0.2), "store": (0.4, 0.5, 0.3),
}
# A case tool in France: French numbers as people say them, foreign ones with their country code,
# since the tool has no country column to read a national number in.
PHONE_STYLES: dict[str, Weighted[str]] = {
    "FR": Weighted.of({"national": 30, "spaced": 40, "dotted": 15, "international": 10, "e164": 5}),
    "BE": Weighted.of({"international": 70, "e164": 30}),
    "NL": Weighted.of({"international": 70, "e164": 30}),
}
LANGUAGES: dict[str, Weighted[str]] = {
    "FR": Weighted.of({"fr": 85, "en": 15}),
    "BE": Weighted.of({"nl": 55, "fr": 30, "en": 15}),
    "NL": Weighted.of({"nl": 85, "en": 15}),
}
SUBJECTS: dict[str, tuple[str, ...]] = {
    "fr": ("Commande non reçue", "Remboursement en attente", "Article défectueux", "Carte de fidélité perdue",
           "Points de fidélité manquants", "Modifier mon adresse", "Problème de paiement",
           "Supprimer mon compte (RGPD)", "Erreur de taille, échange"),
    "nl": ("Bestelling niet ontvangen", "Terugbetaling loopt nog", "Artikel defect", "Klantenkaart verloren",
           "Punten niet bijgeschreven", "Adres wijzigen", "Betaling mislukt", "Account verwijderen (AVG)",
           "Verkeerde maat, omruilen"),
    "en": ("Order not received", "Refund still pending", "Damaged item", "Lost loyalty card",
           "Missing loyalty points", "Change my address", "Payment failed", "Delete my account (GDPR)"),
}
_OPEN_WINDOW = 45 * DAY  # open and pending cases are recent
_MEAN_HANDLING = 1.5 * DAY


def build_tickets(people: Sequence[Person], rng: random.Random) -> list[Draft]:
    """About one case per five people; most people never contact customer service."""
    return [_ticket(person, rng) for person in people for _ in range(poisson(rng, TICKETS_PER_PERSON))]


def _ticket(person: Person, rng: random.Random) -> Draft:
    status, channel = STATUSES.pick(rng), CHANNELS.pick(rng)
    hours = ONLINE_HOURS if channel == "email" else OFFICE_HOURS  # mail comes in at all hours
    if status == "closed":
        opened = moment(rng, hours, START, END - 30 * DAY)
        closed: int | None = opened + max(10 * MINUTE, round(rng.expovariate(1 / _MEAN_HANDLING)))
    else:
        opened, closed = moment(rng, hours, END - _OPEN_WINDOW, END), None
    language = LANGUAGES[person.country].pick(rng)
    row = {"opened": local(opened, TIMESTAMP_FORMAT), "closed": local(closed, TIMESTAMP_FORMAT) if closed else None,
           "channel": channel, "status": status, "subject": pick(rng, SUBJECTS[language]),
           **_identifiers(person, channel, rng)}
    return Draft(opened, person.person_id, row)


def _identifiers(person: Person, channel: str, rng: random.Random) -> dict[str, str | None]:
    email_rate, phone_rate, number_rate = IDENTIFIER_RATES[channel]
    email = pick(rng, person.emails) if rng.random() < email_rate else None
    phone = None
    if rng.random() < phone_rate:
        phone = format_phone(person.phone, person.country, PHONE_STYLES[person.country].pick(rng))
    number = person.customer_number if rng.random() < number_rate else None
    if not (email or phone or number):
        email = person.emails[0]
    return {"contact_email": email, "contact_phone": phone, "customer_no": number}
