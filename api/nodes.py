"""``node(id:)`` and ``nodes(ids:)``: any object fetched again by its global id (``api.node``), exactly as the
caller sees it where its parent shows it.

Each type is read as its parent reads it and masked by the same code, so a role sees through ``node`` what it
sees through the customer, no more: a source record only while a customer holds it; a purchase, ticket or web
session only while it is on some customer's list (the same identities decide), a ticket's or session's free
text redacted with that customer's own values. When an identifier is shared (a household phone), the text is
redacted with each holder's values in turn: nothing a parent path would hide shows. The access log names the
customers whose record or event was read (the list it is on as the field: ``records``, ``tickets``…).

Unknown, malformed and forged ids answer null, the Relay convention (an object may be gone since its id was
issued): a caller cannot tell a forged id from a deleted object, nor learn anything from trying.
"""

from __future__ import annotations

import asyncio
import functools

import strawberry

from api.access import Redact
from api.context import Info
from api.customer import Customer, Segment, SourceRecord, customers
from api.errors import UserInputError, graphql_name
from api.events import Store, Ticket, Transaction, WebSession
from api.node import Node, unseal
from api.pagination import MAX_PAGE
from customers.repository import EventData
from customers.segments import DESCRIPTIONS

#: the most ids ``nodes`` takes at once, as a page's most items
MAX_NODES = MAX_PAGE
#: the event types, by the list their parent shows them in
EVENT_LISTS = {"Transaction": "transactions", "Ticket": "tickets", "WebSession": "web_sessions"}


async def _holders(info: Info, event: EventData) -> list[Customer]:
    """The customers whose list shows ``event``: those whose identities hold an identifier it attaches by."""
    candidates = sorted(event.candidates)
    identities = await info.context.dataloaders.identities.load_many(candidates)
    return await customers(info, [c for c, held in zip(candidates, identities, strict=True)
                                  if event.via & set(held.keys)])


def _each(redactions: list[Redact]) -> Redact:
    return lambda text: functools.reduce(lambda shown, redact: redact(shown), redactions, text)


async def _event(info: Info, type_name: str, key: str) -> Node | None:
    event = await info.context.dataloaders.events.load((EVENT_LISTS[type_name], key))
    holders = await _holders(info, event) if event else []
    if event is None or not holders:
        return None
    info.context.seen.saw_all((str(holder.id) for holder in holders), graphql_name(EVENT_LISTS[type_name]))
    if type_name == "Transaction":
        return Transaction.from_row(event.row)
    redact = _each([await holder.redact(info) for holder in holders])
    if type_name == "Ticket":
        return Ticket.from_row(event.row, redact)
    return WebSession.from_row(event.row, info.context.masker, redact)


async def _node(info: Info, global_id: str) -> Node | None:
    sealed = unseal(info.context.signing_key, global_id)
    loaders, masker = info.context.dataloaders, info.context.masker
    if sealed is None:  # a customer's id is its profile id
        found = await customers(info, [global_id])
        return found[0] if found else None
    type_name, key = sealed
    if type_name == "SourceRecord":
        record = await loaders.records.load(key)
        if record is None:
            return None
        info.context.seen.saw_all(record.holders, "records")
        return SourceRecord.from_data(record, masker)
    if type_name == "Store":
        store = await loaders.stores_by_key.load(key)
        return Store.from_properties(store) if store else None
    if type_name == "Segment":
        return Segment(handle=key, name=key, description=DESCRIPTIONS[key]) if key in DESCRIPTIONS else None
    if type_name in EVENT_LISTS:
        return await _event(info, type_name, key)
    return None


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id (its `id`), as the caller may see it where its "
                                  "parent shows it; null for an unknown or malformed id.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await _node(info, str(id))

    @strawberry.field(description="Objects by global id, in the order asked (at most 100); null where `node` "
                                  "would answer null.")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise UserInputError(f"ids: at most {MAX_NODES}, got {len(ids)}")
        # gathered, the loaders batch each type's ids into one query
        return list(await asyncio.gather(*(_node(info, str(i)) for i in ids)))
