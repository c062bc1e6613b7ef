"""The household guard's edges: initials, short names, prefixes, one slip or two, names written backwards.

``test_slips.py`` holds the everyday cases; these pin each branch of ``clearly_different`` and of the
swapped-names exception, in both argument orders, since a family's records come in any order.
"""

from __future__ import annotations

import pytest

from resolution.households import clearly_different, is_household


@pytest.mark.parametrize(("a", "b"), [
    ("J", "Paul"),  # an initial that is not the name's
    ("J. P.", "Paul"), ("J. P.", "Jean Marc"),  # spaced initials that are not the name's
    ("Jo", "Jan"), ("Jo", "Julia"),  # same first letter, yet two edits or more apart and not alike
    ("Ella", "Emma"), ("Lea", "Eva"),  # two edits apart
])
def test_clearly_different_either_way_round(a: str, b: str) -> None:
    assert clearly_different(a, b) and clearly_different(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("J", "Jean"),  # an initial of the name
    ("Al", "Alexandrina"),  # a shortened form, however unlike by similarity
    ("JP", "Jean-Pierre"),  # initials of each word
    ("J. P.", "Jean Pierre"), ("J.-P.", "Jean-Pierre"),  # the same initials, written with points and spaces
    ("Ida", "Ada"),  # one slip, however unlike by similarity
    ("Anna", ""), ("Anna", "anna"),
])
def test_not_clearly_different_either_way_round(a: str, b: str) -> None:
    assert not clearly_different(a, b) and not clearly_different(b, a)


def test_names_written_backwards_must_match_both_ways() -> None:
    # Marc Laurent is not Laurent Pineau written backwards: only one of the two names matches
    assert is_household([("Laurent", "Pineau"), ("Marc", "Laurent")])
    assert is_household([("Marc", "Pineau"), ("Pineau", "Laurent")])
    assert not is_household([("Laurent", "Pineau"), ("Pineau", "Laurent")])


def test_names_written_backwards_need_a_first_name_on_one_side_and_a_last_name_on_the_other() -> None:
    # Marie with no last name may be Anna Marie's surname written first, or her sister: not shown backwards
    assert is_household([("Anna", "Marie"), ("Marie", None)])
    # Anna alone and Marie Anna: Anna may be the surname Marie Anna's record put first
    assert not is_household([("Anna", None), ("Marie", "Anna")])
