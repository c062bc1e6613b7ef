"""Expectations files: what they say, and a clear refusal (file, entry, key) when they say it wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.quality_expectations import expectations_in_use, judge, parse_expectations
from analysis.quality_measures import Measurement
from graph import InputError

MEASURED = [Measurement("completeness", {"source": "crm", "field": "email"}, 0.75, 3, 4),
            Measurement("completeness", {"source": "shop", "field": "email"}, 1.0, 1, 1),
            Measurement("freshness", {"source": "crm"}, 30.0)]


def test_the_shipped_expectations_parse() -> None:
    expectations, name = expectations_in_use(Path("/nonexistent-home"))
    assert name == "expectations.toml (shipped)"
    assert {e.measure for e in expectations} >= {"constraint", "validity", "freshness"}


def test_a_home_file_replaces_the_shipped_one_and_an_option_replaces_both(tmp_path: Path) -> None:
    (tmp_path / "expectations.toml").write_text('[[expect]]\nmeasure = "freshness"\nmax = 1\n', encoding="utf-8")
    assert [e.measure for e in expectations_in_use(tmp_path)[0]] == ["freshness"]
    option = tmp_path / "mine.toml"
    option.write_text("", encoding="utf-8")
    assert expectations_in_use(tmp_path, option) == ([], str(option))


def test_wildcards_select_every_measurement_and_bounds_judge_each() -> None:
    expectations = parse_expectations('[[expect]]\nmeasure = "completeness"\nfield = "email"\nmin = 0.8\n'
                                      '[[expect]]\nmeasure = "freshness"\nsource = "*"\nmax = 24\n', "t")
    verdicts = judge(expectations, MEASURED)
    assert [(v.on.get("source"), v.passed) for v in verdicts] == [("crm", False), ("shop", True), ("crm", False)]
    assert verdicts[0].line == "FAILED completeness source=crm field=email: 0.75 (expected min 0.8)"
    assert verdicts[2].line == "FAILED freshness source=crm: 30 (expected max 24)"


def test_an_expectation_naming_nothing_measured_fails_unless_it_says_any() -> None:
    named = parse_expectations('[[expect]]\nmeasure = "freshness"\nsource = "gone"\nmax = 24\n', "t")
    [verdict] = judge(named, MEASURED)
    assert not verdict.passed and verdict.line == "FAILED freshness source=gone: nothing measured (expected max 24)"
    assert judge(parse_expectations('[[expect]]\nmeasure = "consent"\npurpose = "*"\nmin = 0.5\n', "t"),
                 MEASURED) == []
    [blocked] = judge(parse_expectations('[[expect]]\nmeasure = "blocked"\nreason = "hub"\nmax = 0\n', "t"),
                      MEASURED)
    assert blocked.passed and blocked.value == 0  # no hub value at all: zero of them


@pytest.mark.parametrize(("text", "message"), [
    ('[[expect]]\nmeasure = "completeness"\nmin = 0.5\n[[expect]]\nmeasure = "freshness"\nmix = 3\n',
     "bad.toml: [[expect]] #2: mix: unknown key"),
    ('[[expect]]\nmeasure = "completness"\nmin = 1\n',
     "bad.toml: [[expect]] #1: measure: unknown measure 'completness'; measures: completeness, validity, "),
    ('[[expect]]\nmeasure = "freshness"\n', "bad.toml: [[expect]] #1: give min, max or both"),
    ('[[expect]]\nmeasure = "freshness"\nfield = "email"\nmax = 2\n',
     "bad.toml: [[expect]] #1: field: freshness is not measured per field (it is per source)"),
    ('[[expect]]\nmeasure = "freshness"\nmax = "soon"\n',
     "bad.toml: [[expect]] #1: max: Input should be a valid number"),
    ('[[expect]]\nmeasure = "freshness"\nmin = 5\nmax = 2\n', "bad.toml: [[expect]] #1: min 5 is above max 2"),
    ('[expect]\nmeasure = "freshness"\n', "bad.toml: expect: Input should be a valid list"),
    ('[[expected]]\nmeasure = "freshness"\n', "bad.toml: expected: unknown key (only [[expect]] tables belong here)"),
    ('[[expect]\n', "bad.toml: not valid TOML: "),
])
def test_a_bad_file_is_refused_with_the_file_the_entry_and_the_key(text: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_expectations(text, "bad.toml")
    assert str(refused.value).startswith(message)


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError) as refused:
        expectations_in_use(tmp_path, tmp_path / "nope.toml")
    assert str(refused.value).startswith(f"{tmp_path / 'nope.toml'}: cannot read expectations")
