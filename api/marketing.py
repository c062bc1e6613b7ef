"""Marketing in GraphQL: where a customer lives, their segment and value, who is near a place, who to invite.

The same functions as ``c360 locate``, ``c360 score`` and ``c360 invite``; personal data in the answers
follows the caller's role like everywhere else (the customer objects are masked the usual way).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from anyio import to_thread
from strawberry.types import Info

from api.errors import UserInputError
from api.events import Money
from api.pagination import MAX_PAGE, check_first
from geo import near
from graph.errors import InputError
from scoring.rfm import DESCRIPTIONS

if TYPE_CHECKING:
    from api.query import Customer


@strawberry.type(description="Where the customer lives now. `precision`: exact (a source gave coordinates), "
                             "city (placed at its town, offline) or unknown (no point).")
class Home:
    street: str | None
    house_number: str | None
    postcode: str | None
    city: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    precision: str
    since: dt.datetime | None


@strawberry.type(description="A marketing segment (`c360 score`, docs/marketing.md).")
class Segment:
    name: str
    description: str


@strawberry.type(description="A segment and how many customers the last scoring run put in it.")
class SegmentSize:
    name: str
    description: str
    customers: int


async def segment_sizes(info: Info[Any, Any]) -> list[SegmentSize]:
    rows = await to_thread.run_sync(lambda: info.context["store"].read("api_segments"))
    return [SegmentSize(**row) for row in rows]


@strawberry.type(description="RFM scores (1-5, 5 best) and value, as of the newest purchase in the graph.")
class Scores:
    rfm: str
    recency: int
    frequency: int
    monetary: int
    recency_days: float
    purchases: int
    lifetime_value: Money = strawberry.field(description="Everything the customer spent (main currency).")
    predicted_value: Money = strawberry.field(description="Expected spend over the next 12 months.")


def home_of(properties: dict[str, Any] | None, masker: Any) -> Home | None:
    if properties is None:
        return None
    shown = masker.properties(properties)
    located = masker.value("street", properties.get("latitude")) is not None  # a point is as precise as a street
    return Home(street=shown.get("street"), house_number=shown.get("house_number"), postcode=shown.get("postcode"),
                city=shown.get("city"), country=shown.get("country"),
                latitude=properties.get("latitude") if located else None,
                longitude=properties.get("longitude") if located else None,
                precision=properties["precision"], since=properties.get("since"))


def segment_of(properties: dict[str, Any]) -> Segment | None:
    name = properties.get("segment")
    return Segment(name=name, description=DESCRIPTIONS.get(name, "")) if name else None


def scores_of(properties: dict[str, Any]) -> Scores | None:
    if not properties.get("rfm"):
        return None
    currency = properties.get("currency") or "EUR"
    rfm = properties["rfm"]
    return Scores(rfm=rfm, recency=int(rfm[0]), frequency=int(rfm[1]), monetary=int(rfm[2]),
                  recency_days=properties["recency_days"],
                  purchases=properties["purchases"],
                  lifetime_value=Money.from_minor(properties["ltv_minor"], currency),
                  predicted_value=Money.from_minor(properties["predicted_value_minor"], currency))


@strawberry.type(description="A customer near a place: how far, and through what (home or usual store).")
class Nearby:
    customer: Annotated[Customer, strawberry.lazy("api.query")]
    distance_km: float
    via: str


@strawberry.type(description="One invitee: one row per customer, with a current consent for the purpose.")
class Invitee:
    customer: Annotated[Customer, strawberry.lazy("api.query")]
    distance_km: float
    via: str
    segment: str | None
    reason: str


@strawberry.type(description="A shopper of a store: where they live, how often they come, what they spend.")
class Shopper:
    customer: Annotated[Customer, strawberry.lazy("api.query")]
    visits: int
    spend: Money
    usual: bool = strawberry.field(description="This is the store the customer visits most.")
    distance_km: float | None = strawberry.field(description="From home (null when the home has no point).")


@strawberry.type(description="A customer whose usual store is far from home.")
class FarShopper:
    customer: Annotated[Customer, strawberry.lazy("api.query")]
    store_key: str
    distance_km: float


async def _run(function: Any, *args: Any) -> Any:
    """A blocking geo function on a worker thread; its input errors become the client's, naming the field."""
    try:
        return await to_thread.run_sync(function, *args)
    except InputError as error:
        raise UserInputError(str(error)) from None


async def _customers_by_id(info: Info[Any, Any], ids: list[str]) -> dict[str, Customer]:
    """The rows' customers, masked for the caller, through the request's loader (one query for all)."""
    from api.query import customers  # api.query imports this module

    return {str(c.id): c for c in await customers(info, ids)}


async def shoppers(info: Info[Any, Any], store_key: str, first: int) -> list[Shopper]:
    check_first(first)
    rows = (await _run(near.catchment, info.context["store"], store_key))[:first]
    by_id = await _customers_by_id(info, [row["id"] for row in rows])
    return [Shopper(customer=by_id[r["id"]], visits=r["visits"],
                    spend=Money.from_minor(r["spend_minor"], r["currency"] or "EUR"), usual=bool(r["usual"]),
                    distance_km=None if r["metres"] is None else near.km(r["metres"]))
            for r in rows if r["id"] in by_id]


async def far(info: Info[Any, Any], min_km: float, first: int) -> list[FarShopper]:
    check_first(first)
    rows = await _run(near.far_shoppers, info.context["store"], min_km, first)
    by_id = await _customers_by_id(info, [row["id"] for row in rows])
    return [FarShopper(customer=by_id[r["id"]], store_key=r["store"], distance_km=near.km(r["metres"]))
            for r in rows if r["id"] in by_id]


async def nearby(info: Info[Any, Any], latitude: float, longitude: float, radius_km: float,
                 first: int) -> list[Nearby]:
    check_first(first)
    place = near.Venue(f"{latitude},{longitude}", latitude, longitude)
    found = await _run(near.near, info.context["store"], place, radius_km, first)
    by_id = await _customers_by_id(info, [row["id"] for row in found])
    return [Nearby(customer=by_id[row["id"]], distance_km=near.km(row["metres"]), via=row["via"])
            for row in found if row["id"] in by_id]


async def invitees(info: Info[Any, Any], venue: str, radius_km: float, segment: str | None, limit: int,
                   purpose: str) -> list[Invitee]:
    if not 1 <= limit <= 100 * MAX_PAGE:
        raise UserInputError(f"limit: must be between 1 and {100 * MAX_PAGE}, got {limit}")

    def run() -> list[near.Invitation]:
        store = info.context["store"]
        return near.invitations(store, near.venue(store, venue), radius_km, segment=segment, limit=limit,
                                purpose=purpose)

    chosen: list[near.Invitation] = await _run(run)
    by_id = await _customers_by_id(info, [i.customer_id for i in chosen])
    return [Invitee(customer=by_id[i.customer_id], distance_km=i.distance_km, via=i.via, segment=i.segment,
                    reason=i.reason) for i in chosen if i.customer_id in by_id]
