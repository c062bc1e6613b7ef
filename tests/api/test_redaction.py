"""Free text as each role sees it: values found by their shape or because the customer is known to have them."""

from __future__ import annotations

from datetime import date

import pytest

from api.access import Masker
from api.auth import Role
from api.redaction import RECENT, find

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(("text", "kinds"), [
    ("write to jean.dupont+shop@example.co.uk today", ["email"]),
    ("call 06 12 34 56 78 or +49 151 23456789", ["phone", "phone"]),
    ("born 1980-02-29", ["date"]), ("born 29/02/1980", ["date"]), ("née le 3.7.81", ["date"]),
    ("born 12 March 1975", ["date"]), ("né le 1er mars 1975", ["date"]), ("born March 12, 1975", ["date"]),
    ("ordered on 2024-03-01 and 01/03/2024", [RECENT, RECENT]),  # too recent to be anyone's birth date
    ("NIR 1 80 02 75 123 456 78, card L1007111385", ["number", "number"]),
    ("order 4512, postcode 75011, 3 items", []),  # short numbers are not identifiers
])
def test_values_found_by_their_shape(text: str, kinds: list[str]) -> None:
    assert [span.kind for span in find(text, "FR", today=TODAY)] == kinds


def test_known_values_first_and_no_overlap() -> None:
    text = "Mme Hélène MARTIN, client CN77, mail helene@x.fr"
    found = find(text, "FR", {"last_name": {"Martin"}, "customer_number": {"CN77"}, "email": {"helene@x.fr"}},
                 today=TODAY)
    assert [(text[s.start:s.end], s.kind) for s in found] == [
        ("MARTIN", "last_name"), ("CN77", "customer_number"), ("helene@x.fr", "email")]


NOTE = "Hélène called from 06 12 34 56 78 (mail h@x.fr), born 29/02/1980, NIR 1800275123456"


@pytest.mark.parametrize(("role", "shown"), [
    (Role.AGENT, NOTE), (Role.ADMIN, NOTE),
    (Role.ANALYST, "[first_name] called from [phone] (mail [email]), born [date], NIR [national_id]"),
    (Role.MARKETING, "Hélène called from 06 12 34 56 78 (mail h@x.fr), born 29/02/1980, NIR [national_id]"),
])
def test_each_role_sees_the_kinds_it_may_see(role: Role, shown: str) -> None:
    masker = Masker(role, b"key")
    known = masker.known([("first_name", "Hélène"), ("national_id", "1800275123456"), ("city", "Paris")])
    assert masker.text(NOTE, known, "FR") == shown


def test_values_of_strangers_are_found_by_their_shape_alone() -> None:
    """A name cannot be told from other words: only the customer's own are known (their ticket, their notes)."""
    assert Masker(Role.ANALYST, b"key").text(NOTE, region="FR") == \
        "Hélène called from [phone] (mail [email]), born [date], NIR [number]"
