"""Campaigns: an invitation list saved with a random held-out control group, and what it brought back.

A campaign is an invitation list (``geo.invitations``) drawn for an event, of which a stated share, chosen at
random with a recorded seed, is held out: not sent, so that the purchases of the invited can be compared with
those of people chosen the same way who were not invited. The difference is the campaign's uplift.

Who is remembered, and how. A customer id is not a stable name for a person: resolution gives a component the
id of the profile it overlaps most (``resolution.resolve.assign_ids``), so a merge retires the smaller
profile's id and a split gives the smaller part a new one, and a profile left without records is deleted with
its relationships. A campaign therefore anchors each person on their *source records*, which keep their key
(``SOURCE:SOURCE_ID``) through every resolution run: ``(:Campaign)-[:INVITED|HELD_OUT {member}]->
(:SourceRecord)``, one edge per record the customer held when the list was saved, ``member`` numbering the
person. The results find each member's customers *now* through those records, so purchases attached to a
record that joined the person later count too, and a re-resolution changes no member's side.

The unit of the comparison is the member, as drawn: the draw randomised members, so the analysis keeps them
(intent to treat), even when resolution later finds two members to be one person; how many members of the two
sides now share a customer is reported (``shared``). An erased person's records are deleted, and so is their
membership: they leave both the counts and the campaign.
"""

from __future__ import annotations

import math
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from customers.repository import CustomerRepository
from geo.invitations import CONSENT_PURPOSE, Invitation, invitations
from geo.near import Venue
from graph.database import Graph, Transaction
from graph.errors import InputError

#: the longest name a campaign may have: it is shown on the dashboard and typed on the command line
MAX_NAME = 120
#: the largest share held out: beyond half, more people are kept from the event than invited to it
MAX_CONTROL = 0.5
DEFAULT_DAYS = 30
#: customers whose purchases are read per query
BATCH = 2000
#: a 95% interval: the normal quantile
Z95 = 1.959963984540054
BOOTSTRAP_SAMPLES = 2000
#: people drawn per bootstrap batch (samples x people): bounds the memory a large campaign takes
BOOTSTRAP_CELLS = 2_000_000
#: the largest side bootstrapped (about half a second on one core); beyond, the normal interval
BOOTSTRAP_MAX = 20_000


@dataclass(frozen=True)
class Campaign:
    name: str
    event_at: datetime
    venue: str
    radius_km: float
    segment: str | None
    purpose: str
    control_share: float
    seed: int
    invited: int
    held_out: int
    created_at: datetime


@dataclass(frozen=True)
class Saved:
    """A saved campaign and the invitations to send: the list without the held-out."""

    campaign: Campaign
    sent: list[Invitation]


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% confidence interval."""

    estimate: float
    low: float
    high: float


@dataclass(frozen=True)
class Side:
    """One side of the comparison (the invited or the held-out) over the window."""

    people: int
    buyers: int
    purchases: int
    spend_minor: int

    @property
    def buyers_share(self) -> float | None:
        return self.buyers / self.people if self.people else None

    @property
    def spend_per_head_minor(self) -> float | None:
        return self.spend_minor / self.people if self.people else None


@dataclass(frozen=True)
class Results:
    campaign: Campaign
    days: int
    since: datetime
    until: datetime
    #: the window has not ended yet: the figures will still change
    open: bool
    #: the currency spend is counted in: the one most of the window's purchases were made in
    currency: str | None
    invited: Side
    held_out: Side
    #: invited buyers share minus held-out buyers share (Newcombe's interval); None without both sides
    buyers_uplift: Interval | None
    #: spend per head, invited minus held-out, in minor units (bootstrap interval); None without both sides
    spend_uplift_minor: Interval | None
    #: members of the two sides whom resolution now holds in one customer
    shared: int
    #: purchases in other currencies than ``currency``: counted as purchases and buyers, not in spend
    other_currency_purchases: int

    @property
    def incremental_revenue_minor(self) -> Interval | None:
        """What the invitation added to the invited's spend: the spend uplift per head times the invited."""
        u = self.spend_uplift_minor
        n = self.invited.people
        return None if u is None else Interval(u.estimate * n, u.low * n, u.high * n)


# -- saving -------------------------------------------------------------------------------------------------

def check_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise InputError("must not be empty", "campaign")
    if len(text) > MAX_NAME:
        raise InputError(f"at most {MAX_NAME} characters, got {len(text)}", "campaign")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise InputError("must not hold control characters", "campaign")
    return text


def event_instant(value: date | datetime) -> datetime:
    """A day means its start, in UTC; a time without a zone is UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def held_out_members(count: int, share: float, seed: int) -> list[int]:
    """Which of ``count`` members (0-based, in list order) are held out: ``round(share * count)`` of them,
    drawn without replacement by a generator seeded with ``seed``, so a draw can be checked again. Pure."""
    if not 0 <= share <= MAX_CONTROL:
        raise InputError(f"must be between 0 and {MAX_CONTROL}, got {share}", "control")
    size = round(share * count)
    if not size:
        return []
    return sorted(int(i) for i in np.random.default_rng(seed).choice(count, size=size, replace=False))


def save_campaign(graph: Graph, name: str, place: Venue, radius_km: float, event: date | datetime, *,
                  control_share: float = 0.1, seed: int | None = None, segment: str | None = None,
                  limit: int | None = None, purpose: str = CONSENT_PURPOSE) -> Saved:
    """Draw the invitation list, hold out ``control_share`` of it at random, and save both sides.

    The list is ``geo.invitations.invitations`` as it stands (consent, segment, limit); the held-out are drawn
    from it, so they are people who would have been invited, and are left out of ``Saved.sent``.
    """
    title = check_name(name)
    if graph.read("campaign_exists", campaign=title):
        raise InputError(f"a campaign named {title!r} exists already", "campaign")
    seed = secrets.randbits(48) if seed is None else seed
    listed = invitations(graph, place, radius_km, segment=segment, limit=limit, purpose=purpose)
    if not listed:
        raise InputError(f"no one to invite within {radius_km:g} km of {place.label} with a current "
                         f"{purpose} consent: nothing saved", "campaign")
    held = set(held_out_members(len(listed), control_share, seed))
    records = {row["id"]: sorted(row["keys"]) for row in
               graph.read("campaign_member_records", ids=[i.customer_id for i in listed])}
    invited = [{"key": key, "member": n} for n, i in enumerate(listed) if n not in held
               for key in records.get(i.customer_id, [])]
    control = [{"key": key, "member": n} for n, i in enumerate(listed) if n in held
               for key in records.get(i.customer_id, [])]
    campaign = Campaign(title, event_instant(event), place.label, radius_km, segment, purpose, control_share, seed,
                        len(listed) - len(held), len(held), datetime.now(UTC))

    def work(tx: Transaction) -> None:
        if tx.read("campaign_exists", campaign=title):  # saved meanwhile by someone else
            raise InputError(f"a campaign named {title!r} exists already", "campaign")
        tx.write("campaign_create", campaign=title, properties=_properties(campaign))
        tx.write("campaign_invited", campaign=title, rows=invited)
        tx.write("campaign_held_out", campaign=title, rows=control)

    graph.transaction(work)
    return Saved(campaign, [i for n, i in enumerate(listed) if n not in held])


def _properties(campaign: Campaign) -> dict[str, Any]:
    return {"event_at": campaign.event_at, "venue": campaign.venue, "radius_km": campaign.radius_km,
            "segment": campaign.segment, "purpose": campaign.purpose, "control_share": campaign.control_share,
            "seed": campaign.seed, "invited": campaign.invited, "held_out": campaign.held_out,
            "created_at": campaign.created_at}


def _campaign(row: dict[str, Any]) -> Campaign:
    return Campaign(row["name"], row["event_at"], row["venue"], float(row["radius_km"]), row.get("segment"),
                    row["purpose"], float(row["control_share"]), int(row["seed"]), int(row["invited"]),
                    int(row["held_out"]), row["created_at"])


def campaign(graph: Graph, name: str) -> Campaign:
    found = graph.read("campaign_read", campaign=name.strip())
    if not found:
        raise InputError(f"no campaign named {name.strip()!r}")
    return _campaign(found[0]["campaign"])


def campaigns(graph: Graph, limit: int = 100) -> list[Campaign]:
    """The saved campaigns, the newest event first."""
    return [_campaign(row["campaign"]) for row in graph.read("campaign_list", limit=limit)]


# -- results ------------------------------------------------------------------------------------------------

def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of a proportion: sound at 0 and 1 and for small samples, where the normal
    (Wald) interval collapses to a point or leaves [0, 1]. Pure."""
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / (1 + z * z / trials)
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_difference(a: int, n: int, b: int, m: int, z: float = Z95) -> Interval:
    """``a/n - b/m`` with Newcombe's hybrid score interval (method 10 of Newcombe 1998, from the two Wilson
    intervals): unlike the two-proportion normal interval it stays inside [-1, 1] and keeps its coverage
    when buyers are few, as they are after most events. Pure."""
    p, q = a / n, b / m
    l1, u1 = wilson(a, n, z)
    l2, u2 = wilson(b, m, z)
    d = p - q
    return Interval(d, d - math.sqrt((p - l1) ** 2 + (u2 - q) ** 2), d + math.sqrt((u1 - p) ** 2 + (q - l2) ** 2))


def mean_difference(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], seed: int,
                    samples: int = BOOTSTRAP_SAMPLES) -> Interval:
    """``mean(x) - mean(y)`` with a percentile bootstrap interval: spend per head is mostly zeros and a few
    large baskets, far from the normal shape a t interval assumes at the sizes of a control group. Seeded, so
    the same results are printed twice. Beyond ``BOOTSTRAP_MAX`` people a side, where the bootstrap costs
    seconds and the mean's distribution is normal, Welch's normal interval. Pure."""
    estimate = float(x.mean() - y.mean())
    if max(len(x), len(y)) > BOOTSTRAP_MAX and min(len(x), len(y)) > 1:
        half = Z95 * math.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
        return Interval(estimate, estimate - half, estimate + half)
    rng = np.random.default_rng(seed)
    differences = np.empty(samples)
    batch = max(1, BOOTSTRAP_CELLS // max(len(x), len(y), 1))
    for start in range(0, samples, batch):
        k = min(batch, samples - start)
        differences[start:start + k] = (x[rng.integers(0, len(x), (k, len(x)))].mean(axis=1)
                                        - y[rng.integers(0, len(y), (k, len(y)))].mean(axis=1))
    low, high = np.quantile(differences, [0.025, 0.975])
    return Interval(estimate, float(low), float(high))


def results(graph: Graph, name: str, days: int = DEFAULT_DAYS, now: datetime | None = None) -> Results:
    """Purchases of the invited and of the held-out from the event's start to ``days`` days after it."""
    if not 1 <= days <= 3660:
        raise InputError(f"must be between 1 and 3660, got {days}", "days")
    saved = campaign(graph, name)
    since = saved.event_at
    until = since + timedelta(days=days)
    members: dict[str, dict[int, set[str]]] = {"INVITED": defaultdict(set), "HELD_OUT": defaultdict(set)}
    for row in graph.read("campaign_members", campaign=saved.name):
        members[row["arm"]][row["member"]].update(row["customers"])
    holders = sorted({c for side in members.values() for held in side.values() for c in held})
    bought = _purchases(graph, holders, since, until)
    counts = Counter(currency for purchases in bought.values() for currency, _ in purchases.values())
    currency = min(counts, key=lambda c: (-counts[c], c)) if counts else None
    per_head: dict[str, tuple[Side, np.ndarray[Any, Any]]] = {}
    for arm, side in members.items():
        spends, buyers, purchases = [], 0, 0
        for held in side.values():
            theirs = {key: v for c in held for key, v in bought.get(c, {}).items()}
            buyers += bool(theirs)
            purchases += len(theirs)
            spends.append(sum(amount for cur, amount in theirs.values() if cur == currency))
        spend = np.array(spends, dtype=np.float64)
        per_head[arm] = (Side(len(side), buyers, purchases, int(spend.sum())), spend)
    (invited, x), (control, y) = per_head["INVITED"], per_head["HELD_OUT"]
    both = invited.people and control.people
    shared_customers = ({c for held in members["INVITED"].values() for c in held}
                        & {c for held in members["HELD_OUT"].values() for c in held})
    shared = sum(1 for side in members.values() for held in side.values() if held & shared_customers)
    return Results(
        saved, days, since, until, until > (now or datetime.now(UTC)), currency, invited, control,
        proportion_difference(invited.buyers, invited.people, control.buyers, control.people) if both else None,
        mean_difference(x, y, saved.seed) if both else None, shared,
        sum(n for c, n in counts.items() if c != currency))


def _purchases(graph: Graph, ids: list[str], since: datetime, until: datetime
               ) -> dict[str, dict[str, tuple[str, int]]]:
    """Per customer, their purchases in the window by key: (currency, amount in minor units). Purchases attach
    by the same identities as everywhere (``customers.repository.CustomerRepository.identities``)."""
    repository = CustomerRepository(graph)
    found: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        requests = [{"request": n, "keys": list(i.keys)} for n, i in enumerate(repository.identities(batch))]
        for row in graph.read("campaign_purchases", requests=requests, since=since, until=until):
            found[batch[row["request"]]][row["key"]] = (row["currency"], int(row["amount_minor"] or 0))
    return found
