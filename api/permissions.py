"""Role checks as strawberry permission classes, each reading the one policy in ``api.access``.

A refused operation raises ``FORBIDDEN`` with what the role may not do, before its resolver runs, so a
refused change writes nothing.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from api.access import Operation, allowed, refusal
from api.context import Info
from api.errors import ForbiddenError


class _OperationPermission(BasePermission):
    operation: Operation

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        role = info.context.masker.role
        if not allowed(role, self.operation):
            raise ForbiddenError(refusal(role, self.operation))
        return True


class MayExplain(_OperationPermission):
    operation = Operation.EXPLAIN


class MaySeeHistory(_OperationPermission):
    operation = Operation.HISTORY


class MayChange(_OperationPermission):
    operation = Operation.CHANGE


class MayFindNearby(_OperationPermission):
    operation = Operation.NEARBY


class MayInvite(_OperationPermission):
    operation = Operation.INVITE


class MaySeeSubjectAccess(_OperationPermission):
    operation = Operation.SUBJECT_ACCESS


class MayErase(_OperationPermission):
    operation = Operation.ERASE


class MayRestrict(_OperationPermission):
    operation = Operation.RESTRICT


class MaySeeDashboard(_OperationPermission):
    operation = Operation.DASHBOARD


class MayLookUpByType(BasePermission):
    """Looking people up by an identifier the role sees only masked would confirm a guessed value."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        masker, kind = info.context.masker, kwargs["type"].value
        if not masker.clear(kind):
            raise ForbiddenError(f"type: the {masker.role.value} role may not look customers up by {kind}: it "
                                 f"sees {kind} {masker.access(kind).value}")
        return True


#: search criteria that match a personal field, by the field they match
_SEARCH_FIELDS = {"name": ("name", "last_name"), "email_prefix": ("emailPrefix", "email")}


class MaySearchBy(BasePermission):
    """Searching by names or emails a role sees only masked would reveal them."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        masker = info.context.masker
        for criterion, (argument, field) in _SEARCH_FIELDS.items():
            given = kwargs.get(criterion)
            if given is not None and given.strip() and not masker.clear(field):
                raise ForbiddenError(f"{argument}: the {masker.role.value} role may not search by {field}")
        return True
