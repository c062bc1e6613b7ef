"""Relay-style keyset connections: a cursor is the position of the last item seen, never an offset.

Keyset pages stay correct while new events arrive and cost the same on page 1 and page 100. A cursor is
opaque to clients (base64 of the list it belongs to, the item's time and key) and is refused on another list.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Generic, TypeVar

import strawberry

from api.errors import UserInputError
from customers.repository import PageRequest, Position
from loaders.normalise import lone_surrogate

MAX_PAGE = 100
DEFAULT_PAGE = 10

Node = TypeVar("Node")


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="An item of a list with the cursor to continue after it.")
class Edge(Generic[Node]):
    cursor: str
    node: Node


def encode_cursor(kind: str, *position: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([kind, *position]).encode()).decode()


def decode_cursor(kind: str, cursor: str, size: int) -> list[str]:
    """The ``size`` position values of a cursor issued for the list ``kind``."""
    try:
        parts = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        valid = (isinstance(parts, list) and len(parts) == size + 1 and all(isinstance(p, str) for p in parts)
                 and not lone_surrogate(parts))  # JSON can spell one; no store can hold it
    except (ValueError, binascii.Error):
        valid = False
    if not valid:
        raise UserInputError("after: not a cursor c360 issued")
    if parts[0] != kind:
        raise UserInputError(f"after: a cursor of {parts[0]}, not of {kind}")
    return parts[1:]  # type: ignore[no-any-return]


def event_position(kind: str, cursor: str) -> Position:
    at, key = decode_cursor(kind, cursor, 2)
    try:
        return Position(_instant(datetime.fromisoformat(at)), key)
    except (ValueError, OverflowError):
        raise UserInputError("after: not a cursor c360 issued") from None


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


def check_first(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise UserInputError(f"first: must be between 1 and {MAX_PAGE}, got {first}")
    return first


def page_request(kind: str, customer_id: str, first: int, after: str | None,
                 since: datetime | None = None) -> PageRequest:
    """The validated request for one page: ``first`` between 1 and MAX_PAGE, a cursor of this list."""
    return PageRequest(customer_id, check_first(first), event_position(kind, after) if after else None,
                       _since(since))
