"""When exclusive identifier values conflict: a slip is not a second person, a valid check digit is."""

from __future__ import annotations

from resolution.constraints import Link, has_conflict, split
from resolution.households import clearly_different, is_household
from resolution.slips import conflicts
from tests.helpers import rules_with


def test_a_slip_does_not_conflict_and_a_far_value_does() -> None:
    conflict = conflicts(rules_with(customer_number={"slip_distance": 1}))
    assert not conflict("customer_number", "CN1234", "CN1234")
    assert not conflict("customer_number", "CN1234", "CN1243")  # transposition: one edit
    assert not conflict("customer_number", "CN1234", "CN124")  # a digit dropped
    assert conflict("customer_number", "CN1234", "CN4321")
    assert conflict("passport", "P1", "P2")  # a type without a rule: any other value is another person


def test_two_valid_numbers_conflict_however_close() -> None:
    """123456782 and 253456782 both pass the Dutch 11-check, two digits apart: a typo would have broken it."""
    strict = conflicts(rules_with(national_id={"slip_distance": 2, "check_digits": ("nl.bsn",)}))
    loose = conflicts(rules_with(national_id={"slip_distance": 2, "check_digits": ()}))
    assert strict("national_id", "123456782", "253456782") and not loose("national_id", "123456782", "253456782")
    assert not strict("national_id", "123456782", "123456728")  # the transposed one fails the check: a slip


def test_split_keeps_slips_together_and_cuts_conflicts() -> None:
    conflict = conflicts(rules_with(national_id={"slip_distance": 1, "check_digits": ()}))
    exclusive = {"a": {("national_id", "*"): "123456782"}, "b": {("national_id", "*"): "123456728"},
                 "c": {("national_id", "*"): "987654321"}}
    links = [Link(0.9, "a", "b", "SIMILAR_TO"), Link(0.8, "b", "c", "email:x")]
    assert has_conflict(["a", "b", "c"], exclusive, {}, conflict)
    assert not has_conflict(["a", "b"], exclusive, {}, conflict)
    result = split(["a", "b", "c"], links, exclusive, {}, conflict)
    assert result.groups == [["a", "b"], ["c"]] and [x.via for x in result.cut] == ["email:x"]


def test_household_guard_names() -> None:
    for same in [("Jean", "Jaen"), ("Jean", "J."), ("Jean-Pierre", "JP"), ("Marie", "Marie-Claire"),
                 ("Elisabeth", "Els"), ("Anne", "Anna"), ("Jean", None)]:
        assert not clearly_different(*same), same
    for different in [("Marie", "Paul"), ("Johannes", "Hans"), ("Lucas", "Emma"), ("J", "P")]:
        assert clearly_different(*different), different
    assert is_household(["Anna", "Anne", "Pieter"]) and not is_household(["Anna", "Anne", None])
