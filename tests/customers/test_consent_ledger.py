"""The current consent derived from the ledger agrees with replaying the choices one by one in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from customers.consents import allows, current, deciding
from loaders.consent_terms import CONTACT_CHANNELS, purpose_and_channel

PURPOSES = ("marketing", "profiling")
START = datetime(2024, 1, 1, tzinfo=UTC)

choices = st.lists(st.tuples(st.sampled_from(PURPOSES), st.sampled_from((None, *CONTACT_CHANNELS)), st.booleans(),
                             st.integers(0, 20)), max_size=12)


def _ledger(drawn: list[tuple[str, str | None, bool, int]]) -> list[dict[str, Any]]:
    return [{"purpose": p, "channel": c, "granted": g, "at": START + timedelta(days=d), "event_key": f"e{i:02}"}
            for i, (p, c, g, d) in enumerate(drawn)]


def _replayed(ledger: list[dict[str, Any]]) -> dict[tuple[str, str | None], str]:
    """The reference: walk the choices oldest first; a purpose-wide one sets the purpose and every channel."""
    state: dict[tuple[str, str | None], str] = {}
    for event in sorted(ledger, key=lambda e: (e["at"], e["event_key"])):
        for channel in (*CONTACT_CHANNELS, None) if event["channel"] is None else (event["channel"],):
            state[(event["purpose"], channel)] = event["event_key"]
    return state


@given(choices)
def test_deciding_event_is_the_replayed_one(drawn: list[tuple[str, str | None, bool, int]]) -> None:
    ledger = _ledger(drawn)
    replayed = _replayed(ledger)
    for purpose in PURPOSES:
        for channel in (None, *CONTACT_CHANNELS):
            event = deciding(ledger, purpose, channel)
            assert (event["event_key"] if event else None) == replayed.get((purpose, channel))


@given(choices)
def test_current_lists_every_named_purpose_and_channel_with_its_deciding_event(
        drawn: list[tuple[str, str | None, bool, int]]) -> None:
    ledger = _ledger(drawn)
    replayed = _replayed(ledger)
    listed = {(s["purpose"], s["channel"]): s["event_key"] for s in current(ledger)}
    assert set(listed) == {(e["purpose"], e["channel"]) for e in ledger}
    assert all(replayed[pair] == key for pair, key in listed.items())


def test_a_refusal_of_all_marketing_beats_an_older_channel_grant_and_a_newer_grant_beats_it() -> None:
    ledger = _ledger([("marketing", "sms", True, 0), ("marketing", None, False, 1), ("marketing", "email", True, 2)])
    assert allows(ledger, "marketing_sms") is None
    assert allows(ledger, "marketing_email") == ledger[2]
    assert allows(ledger, "marketing") is None
    assert allows(ledger, "profiling") is None


def test_a_purpose_stored_with_its_channel_in_the_word_is_read_as_both() -> None:
    """Stores loaded before purposes and channels were kept apart hold ``marketing_email``, no channel."""
    legacy = _ledger([("marketing", None, True, 0)])[0] | {"purpose": "marketing_email"}
    assert allows([legacy], "marketing_email") == legacy | {"purpose": "marketing", "channel": "email"}
    assert allows([legacy], "marketing_sms") is None
    assert [(s["purpose"], s["channel"]) for s in current([legacy])] == [("marketing", "email")]


@pytest.mark.parametrize(("text", "expected"), [
    ("marketing_email", ("marketing", "email")), ("Marketing SMS", ("marketing", "sms")),
    ("newsletter", ("newsletter", None)), ("offers_e-mail", ("offers", "email")), ("profiling", ("profiling", None)),
    ("marketing_post", ("marketing", "post")), ("call", ("call", None)),
])
def test_purposes_naming_their_channel_are_split(text: str, expected: tuple[str, str | None]) -> None:
    assert purpose_and_channel(text) == expected
