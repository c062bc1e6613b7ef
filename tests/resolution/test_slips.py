"""When exclusive identifier values conflict: a slip is not a second person, a valid check digit is."""

from __future__ import annotations

from resolution.constraints import Link, Rules, has_conflict, split
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
    rules = Rules(exclusive, {}, conflict)
    links = [Link(0.9, "a", "b", "SIMILAR_TO"), Link(0.8, "b", "c", "email:x")]
    assert has_conflict(["a", "b", "c"], rules)
    assert not has_conflict(["a", "b"], rules)
    result = split(["a", "b", "c"], links, rules)
    assert result.groups == [["a", "b"], ["c"]] and [x.via for x in result.cut] == ["email:x"]


def test_a_pair_the_model_vouches_for_is_not_split_by_its_different_values() -> None:
    """a and c carry national ids no slip explains; unless the model, weighing them with everything else,
    calls a and c one person, the chain through b is cut at its weakest link."""
    exclusive = {"a": {("national_id", "*"): "111111111"}, "c": {("national_id", "*"): "987654321"}}
    links = [Link(0.99, "b", "c", "SIMILAR_TO"), Link(0.95, "a", "b", "email:x")]
    strict = split(["a", "b", "c"], links, Rules(exclusive, {}))
    assert strict.groups == [["a"], ["b", "c"]]
    vouched = Rules(exclusive, {}, vouches=lambda x, y: {x, y} == {"a", "c"})
    assert split(["a", "b", "c"], links, vouched).groups == [["a", "b", "c"]]


def test_household_guard_names() -> None:
    for same in [("Jean", "Jaen"), ("Jean", "J."), ("Jean-Pierre", "JP"), ("Marie", "Marie-Claire"),
                 ("Elisabeth", "Els"), ("Anne", "Anna"), ("Jean", None)]:
        assert not clearly_different(*same), same
    for different in [("Marie", "Paul"), ("Johannes", "Hans"), ("Lucas", "Emma"), ("J", "P")]:
        assert clearly_different(*different), different
    assert is_household([("Anna", "Smit"), ("Anne", "Smit"), ("Pieter", "Smit")])
    assert not is_household([("Anna", "Smit"), ("Anne", "Smit"), (None, "Smit")])
    assert not is_household([("Laurent", "Pineau"), ("Pineau", "Laurent")]), "names written the other way round"


def test_two_values_accepted_as_one_persons_do_not_conflict_again() -> None:
    """c's id replaced a's, and the model vouches for a and c: b, carrying a's id, joins them too."""
    exclusive = {"a": {("national_id", "*"): "1111111"}, "b": {("national_id", "*"): "1111111"},
                 "c": {("national_id", "*"): "9999999"}}
    links = [Link(0.99, "a", "c", "SIMILAR_TO"), Link(0.95, "a", "b", "national_id:1111111")]
    vouched = Rules(exclusive, {}, vouches=lambda x, y: {x, y} == {"a", "c"})
    assert split(["a", "b", "c"], links, vouched).groups == [["a", "b", "c"]]
    assert split(["a", "b", "c"], links, Rules(exclusive, {})).groups == [["a", "b"], ["c"]]


def test_a_vouched_pair_accepts_its_values_for_the_whole_merge() -> None:
    """c differs from a and b by the same national ids; the model vouches only for a and c (b's birth date
    is off): merging c into {a, b}, b's identical value is accepted with a's."""
    exclusive = {"a": {("national_id", "*"): "5701396"}, "b": {("national_id", "*"): "5701396"},
                 "c": {("national_id", "*"): "2016958"}}
    links = [Link(1.0, "a", "b", "national_id:5701396"), Link(0.99, "a", "c", "SIMILAR_TO")]
    vouched = Rules(exclusive, {}, vouches=lambda x, y: {x, y} == {"a", "c"})
    assert split(["a", "b", "c"], links, vouched).groups == [["a", "b", "c"]]
