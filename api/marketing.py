"""Marketing in GraphQL: segments, who is near a place, a store's catchment, far shoppers, who to invite, and
what saved campaigns brought back.

The same functions as ``c360 score`` and ``c360 invite``; personal data in the answers follows the caller's
role like everywhere else (the customer objects are masked the usual way), and who may find customers by
place or make invitation lists is an operation of the policy (``api.access.OPERATIONS``), as on the map's
GeoJSON routes. Campaign results are aggregates, the dashboard's figures: they follow its operation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from anyio import to_thread

from api.context import Info
from api.customer import Customer, customers
from api.errors import UserInputError, graphql_name
from api.events import Money
from api.pagination import DEFAULT_PAGE, MAX_PAGE, check_first
from api.permissions import MayFindNearby, MayInvite, MaySeeDashboard
from customers.segments import segment_sizes
from geo import near
from geo.campaigns import DEFAULT_DAYS, Interval, Results, Side, results
from geo.campaigns import campaigns as saved_campaigns
from geo.invitations import CONSENT_PURPOSE, Invitation, invitations
from graph.errors import InputError

T = TypeVar("T")
#: the longest invitation list one query returns; larger lists come from ``c360 invite`` or the CSV export
MAX_INVITEES = 100 * MAX_PAGE


@strawberry.type(description="A segment and how many customers the last scoring run put in it.")
class SegmentSize:
    name: str
    description: str
    customers: int


@strawberry.type(description="A customer near a place: how far, and through what (home or usual store).")
class Nearby:
    customer: Customer
    distance_km: float
    via: str


@strawberry.type(description="One invitee: one row per customer, with a current consent for the purpose.")
class Invitee:
    customer: Customer
    distance_km: float
    via: str
    segment: str | None
    reason: str


@strawberry.type(description="A shopper of a store: where they live, how often they come, what they spend.")
class Shopper:
    customer: Customer
    visits: int
    spend: Money
    usual: bool = strawberry.field(description="This is the store the customer visits most.")
    distance_km: float | None = strawberry.field(description="From home (null when the home has no point).")


@strawberry.type(description="A customer whose usual store is far from home.")
class FarShopper:
    customer: Customer
    store_key: str
    distance_km: float


@strawberry.type(description="An estimate with its 95% confidence interval.")
class Estimate:
    estimate: float
    low: float
    high: float

    @classmethod
    def of(cls, value: Interval | None, scale: float = 1.0) -> Estimate | None:
        return None if value is None else cls(estimate=value.estimate * scale, low=value.low * scale,
                                              high=value.high * scale)


@strawberry.type(description="One side of a campaign over its window: the invited, or the held-out.")
class CampaignSide:
    people: int
    buyers: int
    purchases: int
    buyers_share: float | None
    spend: Money | None = strawberry.field(description="In the campaign's currency (null: no purchase).")
    spend_per_head: Money | None = strawberry.field(description="Spend over people, to the cent.")

    @classmethod
    def of(cls, side: Side, currency: str | None) -> CampaignSide:
        per_head = side.spend_per_head_minor
        return cls(people=side.people, buyers=side.buyers, purchases=side.purchases, buyers_share=side.buyers_share,
                   spend=Money.from_minor(side.spend_minor, currency) if currency else None,
                   spend_per_head=Money.from_minor(round(per_head), currency)
                   if currency and per_head is not None else None)


@strawberry.type(description="A saved campaign (`c360 invite --campaign`) and what it brought back in the `days` "
                             "after its event: the invited against the held-out, a random share of the same "
                             "list that was not invited.")
class CampaignResult:
    name: str
    event_at: dt.datetime
    venue: str
    radius_km: float
    segment: str | None
    control_share: float
    days: int
    until: dt.datetime
    open: bool = strawberry.field(description="The window has not ended: the figures will still change.")
    currency: str | None
    invited: CampaignSide
    held_out: CampaignSide
    buyers_uplift: Estimate | None = strawberry.field(description="Invited buyers share minus held-out's.")
    spend_per_head_uplift: Estimate | None = strawberry.field(description="In the currency's units.")
    incremental_revenue: Estimate | None = strawberry.field(description="Spend per head uplift times the invited.")
    shared: int = strawberry.field(description="Members of the two sides resolution now holds in one customer.")

    @classmethod
    def of(cls, found: Results) -> CampaignResult:
        c = found.campaign
        return cls(name=c.name, event_at=c.event_at, venue=c.venue, radius_km=c.radius_km, segment=c.segment,
                   control_share=c.control_share, days=found.days, until=found.until, open=found.open,
                   currency=found.currency, invited=CampaignSide.of(found.invited, found.currency),
                   held_out=CampaignSide.of(found.held_out, found.currency),
                   buyers_uplift=Estimate.of(found.buyers_uplift),
                   spend_per_head_uplift=Estimate.of(found.spend_uplift_minor, 0.01),
                   incremental_revenue=Estimate.of(found.incremental_revenue_minor, 0.01), shared=found.shared)


async def _run(function: Callable[..., T], *args: Any) -> T:
    """A blocking domain function on a worker thread; its input errors become the client's, naming the argument."""
    try:
        return await to_thread.run_sync(function, *args)
    except InputError as error:
        raise UserInputError(error.named(graphql_name)) from None


async def _customers_by_id(info: Info, ids: list[str]) -> dict[str, Customer]:
    return {str(c.id): c for c in await customers(info, ids)}


@strawberry.type
class MarketingQuery:
    @strawberry.field(description="The marketing segments with their sizes (after `c360 score`).")
    async def segments(self, info: Info) -> list[SegmentSize]:
        return [SegmentSize(**row) for row in await _run(segment_sizes, info.context.graph)]

    @strawberry.field(description="Customers whose current home or usual store lies within `radiusKm` of a "
                                  "point, nearest first.", permission_classes=[MayFindNearby])
    async def customers_near(self, info: Info, latitude: float, longitude: float, radius_km: float,
                             first: int = DEFAULT_PAGE) -> list[Nearby]:
        check_first(first)
        place = await _run(near.point, latitude, longitude)
        found = await _run(near.near, info.context.graph, place, radius_km, first)
        by_id = await _customers_by_id(info, [row["id"] for row in found])
        return [Nearby(customer=by_id[row["id"]], distance_km=near.km(row["metres"]), via=row["via"])
                for row in found if row["id"] in by_id]

    @strawberry.field(description="A store's catchment: its shoppers, most visits first, with where they live.",
                      permission_classes=[MayFindNearby])
    async def store_catchment(self, info: Info, store_key: str, first: int = DEFAULT_PAGE) -> list[Shopper]:
        check_first(first)
        rows = (await _run(near.catchment, info.context.graph, store_key))[:first]
        by_id = await _customers_by_id(info, [row["id"] for row in rows])
        return [Shopper(customer=by_id[r["id"]], visits=r["visits"],
                        spend=Money.from_minor(r["spend_minor"], r["currency"] or "EUR"), usual=bool(r["usual"]),
                        distance_km=None if r["metres"] is None else near.km(r["metres"]))
                for r in rows if r["id"] in by_id]

    @strawberry.field(description="Customers whose usual store is more than `minKm` from home, farthest first.",
                      permission_classes=[MayFindNearby])
    async def far_shoppers(self, info: Info, min_km: float = 50.0, first: int = DEFAULT_PAGE) -> list[FarShopper]:
        check_first(first)
        rows = await _run(near.far_shoppers, info.context.graph, min_km, first)
        by_id = await _customers_by_id(info, [row["id"] for row in rows])
        return [FarShopper(customer=by_id[r["id"]], store_key=r["store"], distance_km=near.km(r["metres"]))
                for r in rows if r["id"] in by_id]

    @strawberry.field(description="Who to invite to an event at `venue` (a store id or 'LAT,LON'): customers "
                                  "living or usually shopping within `radiusKm` whose current consent for "
                                  "`purpose` is a grant, one per customer, nearest first, with the reason.",
                      permission_classes=[MayInvite])
    async def invitations(self, info: Info, venue: str, radius_km: float, segment: str | None = None,
                          limit: int = 100, purpose: str = CONSENT_PURPOSE) -> list[Invitee]:
        if not 1 <= limit <= MAX_INVITEES:
            raise UserInputError(f"limit: must be between 1 and {MAX_INVITEES}, got {limit}")
        graph = info.context.graph

        def chosen() -> list[Invitation]:
            return invitations(graph, near.venue(graph, venue), radius_km, segment=segment, limit=limit,
                               purpose=purpose)

        found = await _run(chosen)
        by_id = await _customers_by_id(info, [i.customer_id for i in found])
        masker = info.context.masker
        return [Invitee(customer=by_id[i.customer_id], distance_km=i.distance_km, via=i.via, segment=i.segment,
                        reason=masker.text(i.reason)) for i in found if i.customer_id in by_id]

    @strawberry.field(description="The saved campaigns, the newest event first, with their results over `days` "
                                  "days after each event (aggregates only).", permission_classes=[MaySeeDashboard])
    async def campaigns(self, info: Info, first: int = 20, days: int = DEFAULT_DAYS) -> list[CampaignResult]:
        check_first(first)
        graph = info.context.graph

        def found() -> list[Results]:
            return [results(graph, c.name, days) for c in saved_campaigns(graph, first)]

        return [CampaignResult.of(r) for r in await _run(found)]
