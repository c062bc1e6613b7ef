"""A person's rights through the API: the subject-access export, erasure, restriction and objection, for
data-protection officers and admins (``api.access``).

Both call the very functions the command line calls (``c360 subject-access``, ``c360 erase``), so the
document and the erasure are the same whichever way they are asked for; ``by`` is the token's subject, as the
audit trail and the export's metadata name who acted.
"""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from anyio import to_thread
from strawberry.scalars import JSON

from api.context import Info
from api.errors import UserInputError
from api.permissions import MayErase, MayRestrict, MaySeeSubjectAccess
from graph.errors import InputError
from privacy import restrictions
from privacy.erase import erase
from privacy.subject_access import Requester, subject_access

#: the domain's input names, as these operations' arguments spell them
_ARGUMENTS = {"customer": "id", "why": "why"}


def _input_error(error: InputError, customer_argument: str) -> UserInputError:
    """A domain refusal named after the argument the client gave (its message quotes no stored value)."""
    names = _ARGUMENTS | {"customer": customer_argument}
    return UserInputError(error.named(lambda name: names.get(name, name)))


@strawberry.type(description="How many of one kind of thing an erasure removed or anonymised.")
class ErasedCount:
    kind: str
    count: int


@strawberry.type(description="What an erasure did, without any personal value: its tombstone (the anonymous "
                             "node the person's kept facts now point to), its audit event and its counts.")
class Erasure:
    tombstone: str
    audit_id: str
    counts: list[ErasedCount]


@strawberry.type(description="A restriction decision written to the ledger: its event, its audit event, and how "
                             "many of the customer's source records it covers.")
class RestrictionDecision:
    event: str
    audit_id: str
    records: int


@strawberry.type
class RightsQuery:
    @strawberry.field(description="Everything c360 holds about one customer (GDPR art. 15 and 20): the JSON "
                                  "document `c360 subject-access` writes (docs/privacy-access.md).",
                      permission_classes=[MaySeeSubjectAccess])
    async def subject_access(self, info: Info, customer_id: strawberry.ID) -> JSON:
        context = info.context
        requester = Requester(context.principal.subject, context.settings.c360_controller)
        try:
            document = await to_thread.run_sync(subject_access, context.graph, str(customer_id), requester,
                                                context.rules, datetime.now(UTC))
        except InputError as error:
            raise _input_error(error, "customerId") from None
        context.seen.saw(str(customer_id), "subjectAccess")
        return JSON(document)


@strawberry.type
class RightsMutation:
    @strawberry.mutation(description="Erase a customer (GDPR art. 17), as `c360 erase --customer` does: every "
                                     "personal value leaves the graph and C360_HOME's files, later loads refuse "
                                     "their rows (docs/privacy.md). `why` is kept in the audit trail: name the "
                                     "request, not the person.",
                         permission_classes=[MayErase])
    async def erase_customer(self, info: Info, id: strawberry.ID, why: str) -> Erasure:
        context = info.context
        try:
            done = await to_thread.run_sync(lambda: erase(context.graph, context.settings.home,
                                                          by=context.principal.subject, why=why,
                                                          customer_id=str(id)))
        except InputError as error:
            raise _input_error(error, "id") from None
        return Erasure(tombstone=done.tombstone, audit_id=done.audit_id,
                       counts=[ErasedCount(kind=k, count=v) for k, v in sorted(done.counts.items())])

    @strawberry.mutation(description="Stop one purpose of processing for a customer (GDPR art. 18; `objection: "
                                     "true` for art. 21): marketing (invitation lists, the map, campaigns), "
                                     "profiling (scores and segments) or sync, at once and until lifted. `why` is "
                                     "kept in the audit trail.",
                         permission_classes=[MayRestrict])
    async def restrict_processing(self, info: Info, customer_id: strawberry.ID, purpose: str, why: str,
                                  objection: bool = False) -> RestrictionDecision:
        context = info.context
        try:
            done = await to_thread.run_sync(lambda: restrictions.restrict(
                context.graph, str(customer_id), purpose, by=context.principal.subject, why=why,
                objection=objection))
        except InputError as error:
            raise _input_error(error, "customerId") from None
        return RestrictionDecision(event=done.event, audit_id=done.audit_id, records=done.records)

    @strawberry.mutation(description="Lift a customer's restriction or objection for one purpose; the ledger keeps "
                                     "both decisions.",
                         permission_classes=[MayRestrict])
    async def lift_restriction(self, info: Info, customer_id: strawberry.ID, purpose: str,
                               why: str) -> RestrictionDecision:
        context = info.context
        try:
            done = await to_thread.run_sync(lambda: restrictions.lift(
                context.graph, str(customer_id), purpose, by=context.principal.subject, why=why))
        except InputError as error:
            raise _input_error(error, "customerId") from None
        return RestrictionDecision(event=done.event, audit_id=done.audit_id, records=done.records)
