"""Purchases in store and online, quoting whichever identifiers the till or the web shop captured.

In store a purchase carries the loyalty card when it was scanned; online the account's email and often
the device. Both now and then carry the customer number. A few rows are broken on purpose, as real
exports are, so that loaders must reject them with a reason instead of loading nonsense.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from synthetic.clock import ONLINE_HOURS, STORE_HOURS, iso, moment
from synthetic.draws import activity, pick, poisson
from synthetic.people import Person
from synthetic.sources import Row
from synthetic.stores import UNKNOWN_STORE, Geography, Store
from synthetic.timeline import Draft
from synthetic.web import Browsing
from synthetic.weighted import Weighted

TRANSACTION_COLUMNS = ("txn_id", "ts", "amount", "currency", "store_id", "channel", "card", "email",
                       "customer_no", "device_id", "lines")
TRANSACTIONS_PER_PERSON = 2.0
MAX_ONLINE_SHARE = 0.8  # each person buys online with their own habit, uniform in [0, 0.8)
SECOND_FAVOURITE_RATE = 0.5
FAVOURITE_STORE_RATE = 0.85  # else any store of the country: on holiday, near work
CARD_RATE = 0.70
EMAIL_RATE = 0.90
CUSTOMER_NUMBER_RATE = 0.40
DEVICE_RATE = 0.50
LINES_RATE = 0.50
BAD_RATE = 0.005
MIN_CENTS, MAX_CENTS = 350, 90_000
_CATALOGUE_SIZE = 300
_QUANTITIES: Weighted[int] = Weighted.of({1: 70, 2: 20, 3: 10})


@dataclass(frozen=True)
class _Shopper:
    person: Person
    card: str | None
    devices: tuple[str, ...]
    favourites: tuple[Store, ...]
    country_stores: tuple[Store, ...]
    online_share: float


class _Catalogue:
    """SKUs with fixed prices, so a product costs the same on every receipt."""

    def __init__(self, rng: random.Random) -> None:
        skus = rng.sample([f"{letter}{n}" for letter in "ABCDEFGHJKLMNPRSTUVW" for n in range(10, 1000)],
                          _CATALOGUE_SIZE)
        low, high = math.log(MIN_CENTS), math.log(7_500)  # 4 lines x 3 items x 75.00 = the 900.00 ceiling
        self.items = [(sku, round(math.exp(rng.uniform(low, high)))) for sku in skus]


def build_transactions(people: Sequence[Person], cards: dict[str, str], browsing: dict[str, Browsing],
                       geography: Geography, rng: random.Random) -> list[Draft]:
    """About two purchases per person, most people at one or two stores near home."""
    catalogue = _Catalogue(rng)
    drafts: list[Draft] = []
    for person in people:
        count = activity(rng, TRANSACTIONS_PER_PERSON)
        if count:
            shopper = _shopper(person, cards.get(person.person_id), browsing[person.person_id], geography, rng)
            drafts += [_transaction(shopper, catalogue, rng) for _ in range(count)]
    return drafts


def _shopper(person: Person, card: str | None, browsing: Browsing, geography: Geography,
             rng: random.Random) -> _Shopper:
    nearest = geography.nearest(person.country, person.address.postcode, person.address.city)
    favourites = nearest[:2] if rng.random() < SECOND_FAVOURITE_RATE else nearest[:1]
    return _Shopper(person, card, tuple(d.device_id for d in browsing.devices), favourites, nearest,
                    rng.random() * MAX_ONLINE_SHARE)


def _transaction(shopper: _Shopper, catalogue: _Catalogue, rng: random.Random) -> Draft:
    person = shopper.person
    online = rng.random() < shopper.online_share
    at = moment(rng, ONLINE_HOURS if online else STORE_HOURS)
    row: Row = {"ts": iso(at), **_basket(catalogue, rng), "currency": "EUR",
                "channel": "online" if online else "store"}
    if online:
        row["email"] = pick(rng, person.emails) if rng.random() < EMAIL_RATE else None
        row["device_id"] = pick(rng, shopper.devices) if rng.random() < DEVICE_RATE else None
    else:
        row["store_id"] = _store(shopper, rng).store_id
        row["card"] = shopper.card if shopper.card and rng.random() < CARD_RATE else None
    if person.customer_number and rng.random() < CUSTOMER_NUMBER_RATE:
        row["customer_no"] = person.customer_number
    if rng.random() < BAD_RATE:
        pick(rng, _BREAKAGES)(row, rng)
    return Draft(at, person.person_id, row)


def _store(shopper: _Shopper, rng: random.Random) -> Store:
    if rng.random() >= FAVOURITE_STORE_RATE:
        return pick(rng, shopper.country_stores)
    if len(shopper.favourites) == 1 or rng.random() < 0.7:
        return shopper.favourites[0]
    return shopper.favourites[1]


def _basket(catalogue: _Catalogue, rng: random.Random) -> Row:
    """The amount, and for half the rows the lines it is the exact sum of."""
    if rng.random() >= LINES_RATE:
        cents = round(rng.lognormvariate(math.log(3_000), 0.9))
        return {"amount": _money(min(MAX_CENTS, max(MIN_CENTS, cents))), "lines": None}
    items = rng.sample(catalogue.items, min(4, 1 + poisson(rng, 0.8)))
    lines = [(sku, _QUANTITIES.pick(rng), price) for sku, price in items]
    # Compact JSON written directly: SKUs and prices need no escaping, and json.dumps is the slow part.
    text = ",".join(f'{{"sku":"{sku}","qty":{qty},"price":"{_money(price)}"}}' for sku, qty, price in lines)
    return {"amount": _money(sum(qty * price for _, qty, price in lines)), "lines": f"[{text}]"}


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _negative_amount(row: Row, rng: random.Random) -> None:
    row["amount"] = f"-{row['amount']}"


def _text_amount(row: Row, rng: random.Random) -> None:
    row["amount"] = pick(rng, ("n/a", "12.5O", "EUR 19.99", "??"))


def _unknown_currency(row: Row, rng: random.Random) -> None:
    row["currency"] = "EU"


def _malformed_timestamp(row: Row, rng: random.Random) -> None:
    """A day that does not exist, or a local format the mapping does not declare."""
    ts = str(row["ts"])
    if rng.random() < 0.5:
        row["ts"] = f"{ts[:4]}-02-30{ts[10:]}"
    else:
        row["ts"] = f"{ts[8:10]}/{ts[5:7]}/{ts[:4]} {ts[11:16]}"


def _unknown_store(row: Row, rng: random.Random) -> None:
    row.update({"channel": "store", "store_id": UNKNOWN_STORE, "email": None, "device_id": None})


_BREAKAGES: tuple[Callable[[Row, random.Random], None], ...] = (
    _negative_amount, _text_amount, _unknown_currency, _malformed_timestamp, _unknown_store,
)
