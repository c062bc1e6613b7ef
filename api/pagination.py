"""Relay cursor connections over keysets: a cursor is the position of an item seen, never an offset.

Keyset pages stay correct while new events arrive and cost the same on page 1 and page 100. A cursor is
opaque to clients (base64 of the list it belongs to, the item's time and key) and is refused on another list.

Pages go both ways, as the Relay specification has them: ``first`` items after ``after``, or the ``last``
items before ``before`` (a keyset in the other direction, reversed into list order); ``after`` and ``before``
together bound the list at both ends. ``first`` and ``last`` together are refused: their only use is a
window inside a page, which nobody asks for and which would double what a page can cost.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

import strawberry

from api.errors import UserInputError
from customers.repository import PageRequest, Position
from loaders.normalise import lone_surrogate

MAX_PAGE = 100
DEFAULT_PAGE = 10

Item = TypeVar("Item")


@strawberry.type(description="Where a page starts and ends, and whether more items lie either side of it. "
                             "Paging forward (`first`), `hasPreviousPage` is true when `after` was given; "
                             "paging backward (`last`), `hasNextPage` is true when `before` was given.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="An item of a list with the cursor to continue after it.")
class Edge(Generic[Item]):
    cursor: str
    node: Item


@dataclass(frozen=True)
class Window:
    """What one connection field was asked for, validated: how many items, which way, between which cursors
    (still encoded: each list reads its own positions out of them)."""

    size: int
    backward: bool
    after: str | None
    before: str | None

    def page_info(self, cursors: Sequence[str], more: bool) -> PageInfo:
        """``more``: an item lies beyond the page in the direction of paging. The other side is known from
        the cursor paged from: it was issued for an item of the list, which lies on that side."""
        return PageInfo(has_next_page=more if not self.backward else self.before is not None,
                        has_previous_page=more if self.backward else self.after is not None,
                        start_cursor=cursors[0] if cursors else None, end_cursor=cursors[-1] if cursors else None)


def window(first: int | None, last: int | None, after: str | None, before: str | None) -> Window:
    """The validated arguments of a connection: ``first`` (the default) or ``last``, each 1 to MAX_PAGE."""
    if first is not None and last is not None:
        raise UserInputError("first and last: give one of them, not both")
    if last is not None:
        return Window(_check_size("last", last), True, after, before)
    return Window(_check_size("first", DEFAULT_PAGE if first is None else first), False, after, before)


def cut(rows: Sequence[Item], page: Window) -> tuple[list[Item], bool]:
    """The page out of ``rows`` (in list order, one more than asked read next to the cursor paged from), and
    whether more lie beyond it: the extra row is the last one forward, the first one backward."""
    more = len(rows) > page.size
    if not more:
        return list(rows), False
    return list(rows[len(rows) - page.size:] if page.backward else rows[:page.size]), True


def encode_cursor(kind: str, *position: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([kind, *position]).encode()).decode()


def decode_cursor(kind: str, cursor: str, size: int, argument: str = "after") -> list[str]:
    """The ``size`` position values of a cursor issued for the list ``kind``, given as ``argument``."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        valid = (isinstance(parts, list) and len(parts) == size + 1 and all(isinstance(p, str) for p in parts)
                 and not lone_surrogate(parts))  # JSON can spell one; no store can hold it
    except (ValueError, binascii.Error):
        valid = False
    if not valid:
        raise UserInputError(f"{argument}: not a cursor c360 issued")
    if parts[0] != kind:
        raise UserInputError(f"{argument}: a cursor of {parts[0]}, not of {kind}")
    return parts[1:]  # type: ignore[no-any-return]


def event_position(kind: str, cursor: str, argument: str = "after") -> Position:
    at, key = decode_cursor(kind, cursor, 2, argument)
    try:
        return Position(_instant(datetime.fromisoformat(at)), key)
    except (ValueError, OverflowError):
        raise UserInputError(f"{argument}: not a cursor c360 issued") from None


def _instant(at: datetime) -> datetime:
    """A time the store can take: the driver sends it in UTC, which must be within years 1 to 9999 too
    (``0001-01-01T00:00+14:00`` is not: OverflowError)."""
    if at.tzinfo is not None:
        at.astimezone(UTC)
    return at


def _since(since: datetime | None) -> datetime | None:
    try:
        return None if since is None else _instant(since)
    except OverflowError:
        raise UserInputError("since: out of range once in UTC") from None


def _check_size(argument: str, size: int) -> int:
    if not 1 <= size <= MAX_PAGE:
        raise UserInputError(f"{argument}: must be between 1 and {MAX_PAGE}, got {size}")
    return size


def check_first(first: int) -> int:
    return _check_size("first", first)


def page_request(kind: str, customer_id: str, page: Window, since: datetime | None = None) -> PageRequest:
    """The validated request for one page of a customer's list ``kind``: its cursors must be of this list."""
    return PageRequest(customer_id, page.size,
                       event_position(kind, page.after) if page.after else None, _since(since),
                       event_position(kind, page.before, "before") if page.before else None, page.backward)
