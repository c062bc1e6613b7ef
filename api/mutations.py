"""Service staff's changes, in real time: thin resolvers over ``loaders.service_desk``.

Only agents and admins change data. Input is validated by the loaders' models; a refusal names the field
(as the API spells it) and changes nothing. The returned customer is read after the change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

import strawberry
from anyio import to_thread
from strawberry.types import Info

from api.access import MUTATE_ROLES, Masker
from api.errors import ForbiddenError, UserInputError
from api.query import Customer, customers
from graph.errors import InputError
from loaders import service_desk
from loaders.service_desk import Change

_FIELD = re.compile(r"^(\w+):")


def _camel(message: str) -> str:
    """'house_number: …' → 'houseNumber: …', the name the client sent."""
    return _FIELD.sub(lambda m: re.sub(r"_(\w)", lambda c: c.group(1).upper(), m.group(1)) + ":", message, count=1)


@strawberry.input(description="New contact data; an address is corrected whole (street, postcode, city).")
class ContactCorrection:
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    house_number: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None


@strawberry.type(description="What a change did: the customer as it is now, and the audit event kept of it.")
class ChangeResult:
    key: str = strawberry.field(description="The source record, consent event or ticket written.")
    audit_id: str
    customer: Customer | None


async def _change(info: Info[Any, Any], action: Callable[..., Change], *args: Any) -> ChangeResult:
    masker: Masker = info.context["masker"]
    if masker.role not in MUTATE_ROLES:
        raise ForbiddenError(f"the {masker.role.value} role may not change data: agents and admins only")
    try:
        by = info.context["principal"].subject
        change = await to_thread.run_sync(partial(action, info.context["store"], *args, by))
    except InputError as error:
        raise UserInputError(_camel(str(error))) from None
    found = await customers(info, [change.customer_id]) if change.customer_id else []
    return ChangeResult(key=change.key, audit_id=change.audit_id, customer=found[0] if found else None)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Correct a customer's email, phone or address. Written as a `service-desk` "
                                     "record (the most trusted source) and re-resolved at once.")
    async def correct_contact(self, info: Info[Any, Any], customer_id: strawberry.ID, correction: ContactCorrection,
                              why: str | None = None) -> ChangeResult:
        changes = {k: v for k, v in vars(correction).items() if v is not None}

        def correct(store: Any, by: str) -> Change:
            return service_desk.correct_contact(store, info.context["rules"], str(customer_id), changes, by, why)

        return await _change(info, correct)

    @strawberry.mutation(description="Record that the customer gave or withdrew consent for a purpose "
                                     "(e.g. marketing_email); the newest choice wins.")
    async def record_consent(self, info: Info[Any, Any], customer_id: strawberry.ID, purpose: str, granted: bool,
                             channel: str | None = None) -> ChangeResult:
        return await _change(info, service_desk.record_consent, str(customer_id), purpose, granted, channel)

    @strawberry.mutation(description="Open a support ticket for the customer.")
    async def open_ticket(self, info: Info[Any, Any], customer_id: strawberry.ID, subject: str,
                          channel: str | None = None) -> ChangeResult:
        return await _change(info, service_desk.open_ticket, str(customer_id), subject, channel)

    @strawberry.mutation(description="Add a note to a ticket, and optionally set its status (closed closes it).")
    async def annotate_ticket(self, info: Info[Any, Any], ticket_key: str, note: str,
                              status: str | None = None) -> ChangeResult:
        return await _change(info, service_desk.annotate_ticket, ticket_key, note, status)
