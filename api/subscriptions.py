"""The live view: ``customerChanged`` sends a customer's state each time another channel changes them.

The first message is the customer as they are when the subscription starts (kind ``current``), then one per
change of the change feed (``graph.outbox``), each with the customer read anew through the ``Customer`` type,
masked for the caller's role and written to the access log like any read. Only the kind and number of a
change are sent, not its payload: the payload holds old values, which no read of the customer shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator

import strawberry
from graphql import GraphQLError

from api.context import Info
from api.customer import Customer, customers
from api.dataloaders import DataLoaders
from api.errors import UserInputError
from api.live import Change, FellBehind
from api.live_socket import LiveContext
from customers.repository import CustomerRepository

#: the kind of the first message: the state when the subscription started
CURRENT = "current"
#: kinds after which the customer is gone: the subscription ends
LAST = frozenset({"erased"})


@strawberry.type(description="A change of the customer a `customerChanged` subscription follows, with the "
                             "customer as they are now.")
class CustomerChange:
    seq: int = strawberry.field(description="The change's number in the change feed (docs/sync.md); on the first "
                                            "message, the feed's position when the subscription started.")
    kind: str = strawberry.field(description="`current` (the first message), then the change feed's kind: "
                                             "golden_changed, identifiers_changed, merged, split, consent_changed, "
                                             "segment_entered, segment_left, restricted or erased.")
    at: dt.datetime | None = strawberry.field(description="When the change committed; null on the first message.")
    customer_id: strawberry.ID = strawberry.field(description="The id the subscription follows from now on.")
    followed_from: strawberry.ID | None = strawberry.field(
        description="On a merge that gave the customer a new id: the id followed until then.")
    customer: Customer | None = strawberry.field(
        description="The customer now, as `customer(id:)` shows them; null once erased or gone, and the "
                    "subscription then ends.")


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The customer's state now, then again each time they change "
                                         "(graphql-transport-ws on /graphql; docs/api.md#live-view-customerchanged). "
                                         "A merge moves the subscription to the merged customer's id; an "
                                         "erasure ends it.")
    async def customer_changed(self, info: Info, id: strawberry.ID) -> AsyncGenerator[CustomerChange, None]:
        context = info.context
        if not isinstance(context, LiveContext):
            raise UserInputError("subscriptions are served over a WebSocket on /graphql (graphql-transport-ws)")
        if not await customers(info, [str(id)]):
            raise UserInputError(f"id: no customer has the id {str(id)!r}")
        return _follow(info, context, str(id))


async def _follow(info: Info, context: LiveContext, customer_id: str) -> AsyncGenerator[CustomerChange, None]:
    async with context.feed.subscribe(customer_id) as subscriber:
        change = await _state(info, Change(subscriber.position, None, CURRENT, customer_id))
        yield change
        if change.customer is None:
            return
        try:
            async for event in subscriber:
                change = await _state(info, event)
                yield change
                if change.customer is None:
                    return
        except FellBehind as error:
            raise GraphQLError(str(error), extensions={"code": "FELL_BEHIND"}) from None


async def _state(info: Info, change: Change) -> CustomerChange:
    """The change with the customer read now: fresh loaders, as a new request would have."""
    info.context.dataloaders = DataLoaders(CustomerRepository(info.context.graph))
    found = [] if change.kind in LAST else await customers(info, [change.customer_id])
    return CustomerChange(seq=change.seq, kind=change.kind, at=change.at,
                          customer_id=strawberry.ID(change.customer_id),
                          followed_from=strawberry.ID(change.followed_from) if change.followed_from else None,
                          customer=found[0] if found else None)
