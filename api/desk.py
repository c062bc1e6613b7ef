"""Service staff's changes, in real time: thin mutations over the ``desk`` commands.

Only agents and admins change data (``MayChange``). Input is validated by the loaders' models; a refusal
names the field as the client spelled it and changes nothing. The returned customer is read after the
change, and a correction leaves the customer's home and stores current (``pipeline``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import strawberry
from anyio import to_thread

import pipeline
from api.context import Info
from api.customer import Customer, customers
from api.errors import UserInputError, graphql_name
from api.permissions import MayChange
from desk.changes import Change
from desk.consents import record_consent
from desk.tickets import annotate_ticket, open_ticket
from graph.errors import InputError


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


async def _change(info: Info, action: Callable[[], Change]) -> ChangeResult:
    try:
        change = await to_thread.run_sync(action)
    except InputError as error:
        raise UserInputError(error.named(graphql_name)) from None
    found = await customers(info, [change.customer_id]) if change.customer_id else []
    return ChangeResult(key=change.key, audit_id=change.audit_id, customer=found[0] if found else None)


@strawberry.type
class DeskMutation:
    @strawberry.mutation(description="Correct a customer's email, phone or address. Written as a `service-desk` "
                                     "record (the most trusted source) and re-resolved at once.",
                         permission_classes=[MayChange])
    async def correct_contact(self, info: Info, customer_id: strawberry.ID, correction: ContactCorrection,
                              why: str | None = None) -> ChangeResult:
        context = info.context
        changes = {k: v for k, v in vars(correction).items() if v is not None}
        return await _change(info, partial(pipeline.correct_contact, context.graph, context.rules, str(customer_id),
                                           changes, context.principal.subject, why))

    @strawberry.mutation(description="Record that the customer gave or withdrew consent for a purpose through a "
                                     "channel (email, sms, post, phone; none: every channel), with what proves it "
                                     "(a call reference, a form); `marketing_email` names both at once. The newest "
                                     "choice covering a channel wins.",
                         permission_classes=[MayChange])
    async def record_consent(self, info: Info, customer_id: strawberry.ID, purpose: str, granted: bool,
                             channel: str | None = None, proof: str | None = None) -> ChangeResult:
        return await _change(info, partial(record_consent, info.context.graph, str(customer_id), purpose, granted,
                                           channel, info.context.principal.subject, proof))

    @strawberry.mutation(description="Open a support ticket for the customer.", permission_classes=[MayChange])
    async def open_ticket(self, info: Info, customer_id: strawberry.ID, subject: str,
                          channel: str | None = None) -> ChangeResult:
        return await _change(info, partial(open_ticket, info.context.graph, str(customer_id), subject, channel,
                                           info.context.principal.subject))

    @strawberry.mutation(description="Add a note to a ticket, and optionally set its status (closed closes it).",
                         permission_classes=[MayChange])
    async def annotate_ticket(self, info: Info, ticket_key: str, note: str,
                              status: str | None = None) -> ChangeResult:
        return await _change(info, partial(annotate_ticket, info.context.graph, ticket_key, note, status,
                                           info.context.principal.subject))
