"""National ids: each country's real format with valid check digits, consistent with the person, and a slip
breaks the check (python-stdnum is the judge, not the generator's own arithmetic)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import stdnum.be.nn
import stdnum.fr.nir
import stdnum.nl.bsn

from synthetic import generate
from synthetic.corruption import Corruption
from synthetic.keyboard import SLIPS, slip
from synthetic.national_ids import NationalIds, belgian_check, nir_key, written
from tests.synthetic.readback import read_csv

VALID: dict[str, Callable[[str], bool]] = {
    "FR": stdnum.fr.nir.is_valid, "BE": stdnum.be.nn.is_valid, "NL": stdnum.nl.bsn.is_valid}
LENGTHS = {"FR": 15, "BE": 11, "NL": 9}


def _issued(country: str, count: int = 600) -> list[tuple[date, bool, str]]:
    rng = random.Random(country)
    ids = NationalIds(random.Random(f"{country}:ids"))
    born = [date.fromordinal(date(1935, 1, 1).toordinal() + rng.randrange(70 * 365)) for _ in range(count)]
    return [(day, i % 2 == 0, ids.issue(country, day, i % 2 == 0)) for i, day in enumerate(born)]


@pytest.mark.parametrize("country", ["FR", "BE", "NL"])
def test_numbers_are_valid_unique_and_of_the_right_length(country: str) -> None:
    numbers = [number for _, _, number in _issued(country)]
    assert all(VALID[country](n) and len(n) == LENGTHS[country] and n.isdigit() for n in numbers)
    assert len(set(numbers)) == len(numbers)


def test_french_and_belgian_numbers_encode_birth_and_sex() -> None:
    for born, female, number in _issued("FR"):
        assert number[0] == ("2" if female else "1")
        assert number[1:5] == f"{born.year % 100:02d}{born.month:02d}"
    for born, female, number in _issued("BE"):
        assert stdnum.be.nn.get_birth_date(number) == born
        assert stdnum.be.nn.get_gender(number) == ("F" if female else "M")


def test_check_digits_follow_the_published_rules() -> None:
    assert nir_key("2951099126111") == "93"  # stdnum's documented example 2 95 10 99 126 111 93
    assert belgian_check("850730033", 1985) == "28"  # 85.07.30-033.28
    assert belgian_check("170730033", 2017) == "84"  # born in 2000 or later: read with a leading 2


@pytest.mark.parametrize("country", ["FR", "BE", "NL"])
@pytest.mark.parametrize("kind", SLIPS)
def test_a_slip_breaks_the_check(country: str, kind: str) -> None:
    rng = random.Random(kind)
    numbers = [number for _, _, number in _issued(country, 300)]
    typed = [slip(number, rng, kind=kind, where=str.isdigit) for number in numbers]
    broken = sum(not VALID[country](t) for t in typed)
    if kind == "substitute" or kind == "transpose":
        assert broken == len(typed)  # both the 97-modulus and the eleven test catch every one
    elif (country, kind) == ("NL", "delete"):
        # A BSN may drop its leading zero, so eight digits read as nine and pass one time in eleven.
        assert broken / len(typed) > 0.85
    else:
        assert broken / len(typed) > 0.98


def test_written_forms_are_the_number_once_blanks_are_removed() -> None:
    rng = random.Random(1)
    for country in ("FR", "BE", "NL"):
        for _, _, number in _issued(country, 50):
            assert written(number, country, rng).replace(" ", "") == number


def test_every_person_has_one_and_the_crm_writes_it(tmp_path: Path) -> None:
    generate(300, tmp_path, seed=8, corruption=Corruption.none())
    people = {p["person_id"]: p for p in read_csv(tmp_path / "people.csv")}
    assert all(VALID[p["country"]](p["national_id"]) for p in people.values())
    truth = {t["source_id"]: t["person_id"] for t in read_csv(tmp_path / "truth.csv") if t["source"] == "crm"}
    crm = read_csv(tmp_path / "crm.csv")
    held = [row for row in crm if row["national_number"]]
    assert 0.2 < len(held) / len(crm) < 0.4
    assert all(row["national_number"].replace(" ", "") == people[truth[row["contact_id"]]]["national_id"]
               for row in held)
