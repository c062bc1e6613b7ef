"""The small pieces of the corruption model on their own: keyboard slips, date slips, short forms, particles."""

from __future__ import annotations

import random
from datetime import date

import pytest

from synthetic.birth_dates import DATE_SLIPS, slipped
from synthetic.keyboard import LAYOUTS, SLIPS, neighbour, slip
from synthetic.nicknames import initial, short_forms
from synthetic.particles import split_particles, variant, variants
from tests.synthetic.readback import edit_kind


@pytest.mark.parametrize("kind", SLIPS)
def test_each_slip_is_the_edit_it_says(kind: str) -> None:
    rng = random.Random(kind)
    for value in ("Dupont", "Hélène", "van der Berg", "jean.dupont@gmail.com", "0612345678", "CN12345678"):
        for _ in range(30):
            typed = slip(value, rng, kind=kind)
            assert edit_kind(value, typed) == kind, typed


def test_slips_hit_neighbouring_keys_of_the_country_keyboard() -> None:
    rng = random.Random(3)
    assert {neighbour("a", "azerty", rng) for _ in range(200)} == set("zq")
    assert {neighbour("a", "qwerty", rng) for _ in range(200)} == set("qswz")
    assert {neighbour("5", "azerty", rng) for _ in range(200)} == set("462893")
    assert neighbour("É", "azerty", rng) in "ZRDS" and neighbour("é", "azerty", rng) in "zrds"
    assert all(len(row) == len(set(row)) for rows in LAYOUTS.values() for row in rows)


def test_slips_keep_separators_and_letters_where_asked() -> None:
    rng = random.Random(4)
    for _ in range(200):
        email = slip("jean.dupont@gmail.com", rng)
        assert email.count("@") == 1 and email.count(".") == 2
        number = slip("06 12 34 56 78", rng, where=str.isdigit)
        assert number.replace(" ", "").isdigit() and number.count(" ") == 4
        name = slip("Jean-Pierre", rng, where=str.isalpha)
        assert name.replace("-", "").isalpha() and "-" in name
        code = slip("CN12345678", rng, where=str.isdigit)
        assert code.startswith("CN")


@pytest.mark.parametrize("born", [date(1978, 4, 5), date(1964, 2, 29), date(2001, 12, 25), date(1950, 10, 10)])
def test_birth_date_slips_stay_real_dates_before_the_reference_day(born: date) -> None:
    rng = random.Random(born.toordinal())
    latest = date(2006, 12, 31)
    for _ in range(100):
        wrong = slipped(born, rng, latest)
        assert wrong != born and wrong <= latest


def test_a_year_slip_swaps_or_bumps_the_last_digits() -> None:
    rng = random.Random(5)
    years = set()
    for _ in range(300):
        wrong = slipped(date(1978, 5, 25), rng, date(2024, 1, 1))  # the 25th: no day-month swap
        if (wrong.month, wrong.day) == (5, 25):
            years.add(wrong.year)
    assert years == {1987, 1977, 1979}
    assert len(DATE_SLIPS) == 3


def test_short_forms_per_locale() -> None:
    assert short_forms("Jean-Pierre", "fr_FR") == ("JP", "Jean")
    assert set(short_forms("Johannes", "nl_NL")) >= {"Hans", "Jan"}
    assert set(short_forms("Elisabeth", "nl_BE")) >= {"Els", "Lisa"}
    assert set(short_forms("Catharina", "nl_NL")) >= {"Karin", "Trees"}
    assert short_forms("Wilhelmus", "nl_BE") == ("Wim",)
    assert short_forms("Alexandre", "fr_BE") == ("Alex",)
    assert short_forms("Guillaume", "fr_FR") == ("Will",)
    assert short_forms("Jozef", "nl_BE") and not short_forms("Jozef", "nl_NL")  # "Jef" is Flemish
    assert short_forms("Anne-Laure", "fr_FR") == ("Anne",)  # a compound keeps its first part
    assert short_forms("Kevin", "fr_FR") == ()
    assert (initial("Jean", True), initial("Jean", False), initial("Jean-Pierre", True)) == ("J.", "J", "J.-P.")


def test_particles_are_written_every_way_sources_write_them() -> None:
    assert split_particles("van der Berg") == (["van", "der"], "Berg")
    assert split_particles("Van") == ([], "Van")
    assert set(variants("van der Berg")) == {"Van der Berg", "Vanderberg", "Berg, van der", "V.d. Berg", "v.d. Berg"}
    assert set(variants("De Smedt")) == {"de Smedt", "Desmedt", "Smedt, de"}
    assert variants("Dupont") == [] and variant("Dupont", random.Random(1)) == "Dupont"
