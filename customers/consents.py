"""A customer's current consents, derived from the ledger of every choice they made.

The ledger is append-only (one event per choice, with where it was made and what proves it) and the current
state is never stored: it is read from the ledger each time, so no update can lose the history it rests on
and the answer to "may we email her?" always cites the event it comes from. A choice names a purpose and,
for contact purposes, one channel; a choice naming no channel covers every channel of its purpose. The
newest choice that covers a channel decides for it: "no marketing at all" after "yes to SMS" refuses SMS, and
"yes to email" after "no marketing at all" allows email again, and only email.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from loaders.consent_terms import purpose_and_channel

Event = dict[str, Any]


def _read(event: Event) -> Event:
    """A choice as the ledger reads it: a purpose stored with its channel in the word (``marketing_email``,
    as stores loaded before purposes and channels were kept apart hold them) is read as purpose and channel."""
    if event.get("channel") is None and "_" in event["purpose"]:
        purpose, channel = purpose_and_channel(event["purpose"])
        if channel is not None:
            return event | {"purpose": purpose, "channel": channel}
    return event


def _newest(events: Iterable[Event]) -> Event | None:
    return max(events, key=lambda e: (e["at"], e["event_key"]), default=None)


def deciding(events: Sequence[Event], purpose: str, channel: str | None) -> Event | None:
    """The event that decides ``purpose`` through ``channel`` (None: the purpose as a whole), or None."""
    return _newest(e for e in map(_read, events) if e["purpose"] == purpose and e["channel"] in (channel, None))


def current(events: Sequence[Event]) -> list[Event]:
    """The state of every purpose and channel the ledger speaks of, each the event that decides it.

    A purpose-wide choice is listed once under the purpose; a channel is listed with the event deciding it,
    which may be a newer purpose-wide one.
    """
    events = [_read(e) for e in events]
    named = sorted({(e["purpose"], e["channel"]) for e in events}, key=lambda p: (p[0], p[1] or ""))
    states = []
    for purpose, channel in named:
        event = deciding(events, purpose, channel) if channel else _newest(
            e for e in events if e["purpose"] == purpose and e["channel"] is None)
        if event is not None:
            states.append(event | {"channel": channel})
    return states


def allows(events: Sequence[Event], consent: str) -> Event | None:
    """The grant that allows ``consent`` (``marketing_email``, or a purpose alone), or None when the newest
    choice covering it is a refusal or there is none."""
    purpose, channel = purpose_and_channel(consent)
    event = deciding(events, purpose, channel)
    return event if event is not None and event["granted"] else None
