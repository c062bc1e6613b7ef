"""Consent changes: the GDPR audit trail, one row per grant or withdrawal, newest wins.

Some people withdraw a consent they gave, a few give it again later; the same email or phone is quoted
each time, so the history of one identifier and purpose can be replayed in time order. Purposes are named
as CRMs name them, with the channel in the word (``marketing_email``); a few people later refuse all
marketing at once (``marketing``, no channel). Each row says where the choice was made and what proves it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from synthetic.clock import DAY, END, OFFICE_HOURS, ONLINE_HOURS, START, STORE_HOURS, day_of, iso, moment
from synthetic.draws import pick
from synthetic.people import Person
from synthetic.phones import format_phone
from synthetic.timeline import Draft
from synthetic.weighted import Weighted

CONSENT_COLUMNS = ("consent_id", "email", "phone", "purpose", "status", "ts", "channel", "proof")
PURPOSES = ("marketing_email", "marketing_sms", "profiling")
PURPOSE_COUNTS: Weighted[int] = Weighted.of({0: 70, 1: 18, 2: 8, 3: 4})
OPT_OUT_FIRST_RATE = 0.08  # an explicit refusal recorded before any grant
NEXT_CHANGE_RATE = {"granted": 0.25, "withdrawn": 0.30}  # chance the current status changes again later
MAX_CHANGES = 3
CHANNELS: Weighted[str] = Weighted.of({"web": 55, "store": 20, "crm": 25})
PROFILING_BY_PHONE_RATE = 0.3
REFUSE_ALL_MARKETING_RATE = 0.05  # of people with a marketing choice: a later "no marketing at all"
PROOFS: dict[str, tuple[str, ...]] = {
    "web": ("tick box on /account/preferences", "tick box at /checkout", "newsletter form on the home page",
            "unsubscribe link in a campaign email"),
    "store": ("paper form signed at the till", "loyalty card application form"),
    "crm": ("phone call to customer service", "reply to a customer service email", "letter received"),
}
_MEAN_DELAY = 120  # days between two changes of mind
_HOURS: dict[str, Weighted[int]] = {"web": ONLINE_HOURS, "store": STORE_HOURS, "crm": OFFICE_HOURS}


def build_consents(people: Sequence[Person], rng: random.Random) -> list[Draft]:
    """About 0.6 rows per person: a third of people record a choice for one to three purposes."""
    drafts: list[Draft] = []
    for person in people:
        own: list[Draft] = []
        for purpose in rng.sample(PURPOSES, PURPOSE_COUNTS.pick(rng)):
            own += _history(person, purpose, rng)
        marketing = any(str(d.row["purpose"]).startswith("marketing") for d in own)
        if marketing and person.emails and rng.random() < REFUSE_ALL_MARKETING_RATE:
            own.append(_refuse_all_marketing(person, max(d.at for d in own), rng))
        drafts += own
    return drafts


def _refuse_all_marketing(person: Person, after: int, rng: random.Random) -> Draft:
    """"No more marketing, by any means": one row with no channel, after every earlier choice."""
    day = min(day_of(after) + DAY * (2 + int(rng.expovariate(1 / _MEAN_DELAY))), END - DAY)
    at = max(after + 1, moment(rng, _HOURS["crm"], day, day + DAY))
    return Draft(at, person.person_id, {"email": pick(rng, person.emails), "phone": None, "purpose": "marketing",
                                        "status": "withdrawn", "ts": iso(at), "channel": "crm",
                                        "proof": pick(rng, PROOFS["crm"])})


def _history(person: Person, purpose: str, rng: random.Random) -> list[Draft]:
    """One identifier's choices for one purpose, each change of mind on a later day, up to three."""
    by_phone = purpose == "marketing_sms" or (purpose == "profiling" and rng.random() < PROFILING_BY_PHONE_RATE)
    email = None if by_phone else pick(rng, person.emails)
    status = "withdrawn" if rng.random() < OPT_OUT_FIRST_RATE else "granted"
    channel = CHANNELS.pick(rng)
    at = moment(rng, _HOURS[channel], START, END - 30 * DAY)
    drafts: list[Draft] = []
    while len(drafts) < MAX_CHANGES:
        phone = _phone(person, channel) if by_phone else None
        drafts.append(Draft(at, person.person_id, {"email": email, "phone": phone, "purpose": purpose,
                                                    "status": status, "ts": iso(at), "channel": channel,
                                                    "proof": pick(rng, PROOFS[channel])}))
        if rng.random() >= NEXT_CHANGE_RATE[status]:
            break
        status = "granted" if status == "withdrawn" else "withdrawn"
        channel = CHANNELS.pick(rng)
        day = day_of(at) + DAY * (2 + int(rng.expovariate(1 / _MEAN_DELAY)))  # always after ``at``
        if day >= END:
            break
        at = moment(rng, _HOURS[channel], day, day + DAY)
    return drafts


def _phone(person: Person, channel: str) -> str:
    """E.164 from web forms and the CRM; typed at the till, French numbers nationally, others with +CC."""
    if channel != "store":
        return format_phone(person.phone, person.country, "e164")
    return format_phone(person.phone, person.country, "spaced" if person.country == "FR" else "international")
