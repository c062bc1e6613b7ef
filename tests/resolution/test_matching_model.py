"""The probabilistic matcher without a store: its columns, its comparison levels, its training and its threshold.

Each test pins one behaviour a change inside the matcher could break: a level that stops firing, EM that
stops learning, a threshold that is not applied, weights that no longer add up to the probability.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from resolution import features, linkage
from resolution.explain import waterfall
from resolution.features import Row, row, surname_core
from resolution.rules import MatchingRules, default_rules

RULES = default_rules().matching


def _row(key: str, **values: Any) -> Row:
    return row({"key": key, **values})


def _levels(a: Row, b: Row, rules: MatchingRules = RULES) -> dict[str, str]:
    """The level label of every comparison for one pair, under the untrained starting model."""
    model = linkage.train(features.table([a, b]), rules)
    scored = waterfall(linkage.score(model, a, b), model)
    return {w.comparison: w.level for w in scored.weights}


def test_columns_fold_names_and_derive_blocking_keys() -> None:
    zoe = _row("a", first_name="Zoë", last_name="van der Berg", birth_date="1984-03-07", email="Zoe.B@x.nl")
    assert (zoe["first_name"], zoe["last_name"], zoe["full_name"]) == ("zoe", "van der berg", "zoe van der berg")
    assert zoe["birth_year"] == "1984" and zoe["email_user"] == "Zoe.B"
    swapped = _row("b", first_name="van der Berg", last_name="Zoë")
    assert zoe["name_sounds"] == swapped["name_sounds"]  # either order blocks together
    for written in ("van der Berg", "Berg, van der", "V.d. Berg", "Vanderberg", "VAN DER BERG"):
        assert surname_core(features.fold(written)) == "berg", written
    assert surname_core("devos") == "devos"  # a glued particle is stripped only when a real name is left
    assert _row("c", first_name="Jean-Pierre")["first_initials"] == "jp"


@pytest.mark.parametrize(("a", "b", "comparison", "level"), [
    ({"first_name": "Anna", "last_name": "Visser"}, {"first_name": "ANNA", "last_name": "visser"},
     "name", "same first and last name"),
    ({"first_name": "Anna", "last_name": "Visser"}, {"first_name": "Visser", "last_name": "Ana"},
     "name", "first and last names swapped"),
    ({"first_name": "Anna", "last_name": "Visser"}, {"first_name": "Anan", "last_name": "Visser"},
     "name", "names one slip apart"),
    ({"first_name": "Jean-Pierre", "last_name": "Roux"}, {"first_name": "JP", "last_name": "Roux"},
     "name", "same last name, first name given as initials"),
    ({"first_name": "Marie", "last_name": "Roux"}, {"first_name": "Paul", "last_name": "Roux"},
     "name", "same last name, another first name"),
    ({"first_name": "Marie", "last_name": "Roux"}, {"first_name": "Marie", "last_name": "Dubois"},
     "name", "same first name, another last name"),
    ({"first_name": "Marie", "last_name": "van Dijk"}, {"first_name": "Marie", "last_name": "Dijk"},
     "name", "names very alike"),
    ({"birth_date": "1984-03-07"}, {"birth_date": "1984-07-03"}, "birth_date", "day and month swapped"),
    ({"birth_date": "1978-03-07"}, {"birth_date": "1987-03-07"}, "birth_date",
     "birth date one digit or transposition apart"),
    ({"birth_date": "1978-03-07"}, {"birth_date": "1991-12-25"}, "birth_date", "different birth dates"),
    ({"postcode": "75011", "street": "12 rue des Lilas", "city": "Paris"},
     {"postcode": "75011", "street": "12 rue des lilas", "city": "Paris"}, "contact", "same street and postcode"),
    ({"postcode": "75011", "city": "Paris"}, {"postcode": "75012", "city": "Paris"}, "contact",
     "postcode one slip apart"),
    ({"email": "anna@x.nl", "phone": "+31612345678"}, {"email": "anna@x.nl", "phone": "+31698765432"},
     "contact", "same email"),
    ({"email": "anna@x.nl", "postcode": "1012AB"}, {"email": "anan@x.nl", "postcode": "1012AB"}, "contact",
     "same postcode"),  # namesakes' emails agree or slip as often as one person's: only the postcode counts
    ({"email": "anna@x.nl"}, {"email": "anna@y.be"}, "contact", "different contact details"),
    ({"phone": "+31612345678"}, {"phone": "+31612345679"}, "contact", "phone one digit apart"),
    ({"national_id": "111222333"}, {"national_id": "111223233"}, "national_id", "national id one slip apart"),
    ({"customer_number": "CN77"}, {"customer_number": "CN71"}, "customer_number", "customer number one slip apart"),
    ({"phone": "+31612345678"}, {"first_name": "Anna"}, "contact", "missing on one side"),
])
def test_each_comparison_level_fires(a: dict[str, str], b: dict[str, str], comparison: str, level: str) -> None:
    assert _levels(_row("a", **a), _row("b", **b))[comparison] == level


def test_weights_add_up_to_the_probability() -> None:
    a = _row("a", first_name="Anna", last_name="Visser", birth_date="1984-03-07", postcode="1012AB")
    b = _row("b", first_name="Anna", last_name="Visser", birth_date="1984-07-03", postcode="1012AB")
    model = linkage.train(features.table([a, b]), RULES)
    scored = linkage.score(model, a, b)
    fall = waterfall(scored, model)
    assert fall.prior == pytest.approx(linkage.prior_weight(model), abs=1e-3)
    assert fall.probability == pytest.approx(scored.probability, abs=1e-4)
    assert fall.match_weight == pytest.approx(fall.prior + sum(w.weight for w in fall.weights))


def test_the_threshold_decides_either_side_of_it() -> None:
    """The same name and nothing else: the starting model puts such a pair near the middle, so a threshold
    below its probability links it and one above does not."""
    a = _row("a", first_name="Anna", last_name="Visser")
    b = _row("b", first_name="Anna", last_name="Visser")
    table = features.table([a, b])
    model = linkage.train(table, RULES)
    probability = linkage.score(model, a, b).probability
    assert 0.05 < probability < 0.95
    below = RULES.model_copy(update={"threshold": probability - 0.04})
    above = RULES.model_copy(update={"threshold": min(probability + 0.04, 0.999)})
    assert [(p.a, p.b) for p in linkage.predict(table, model, below)] == [("a", "b")]
    assert linkage.predict(table, model, above) == []


def _simulated(people: int, seed: int, slip_rate: float) -> tuple[list[Row], dict[str, str]]:
    """Two records per person; the second has a one-letter slip in the first name at ``slip_rate``."""
    rng = random.Random(seed)
    firsts = [f"{rng.choice('bcdfghjklmnprstvw')}{rng.choice('aeiou')}{rng.choice('lnrst')}"
              f"{rng.choice('aeiou')}{rng.choice('bcdlmnrst')}" for _ in range(400)]
    lasts = [f"{rng.choice('BDGHKMPRSTVW')}{rng.choice('aeiou')}{rng.choice('lnrsx')}{rng.choice('aeiou')}"
             f"{rng.choice('bcdlmnrstv')}{rng.choice('aeiou')}{rng.choice('nrs')}" for _ in range(600)]
    rows, truth = [], {}
    for person in range(people):
        first, last = rng.choice(firsts), rng.choice(lasts)
        birth = f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        postcode = f"{rng.randrange(1000, 9999)}"
        for copy in range(2):
            given = first
            if copy and rng.random() < slip_rate:
                i = rng.randrange(1, len(first))
                given = first[:i] + ("x" if first[i] != "x" else "y") + first[i + 1:]
            key = f"p{person}-{copy}"
            rows.append(_row(key, first_name=given, last_name=last, birth_date=birth, postcode=postcode))
            truth[key] = f"p{person}"
    return rows, truth


def test_em_recovers_the_share_of_slips_among_true_pairs() -> None:
    """m of "names one slip apart" is the share of true pairs with a slip: EM must find the simulated 20 %."""
    rows, _ = _simulated(1500, seed=3, slip_rate=0.2)
    model = linkage.train(features.table(rows), RULES)
    [name] = [c for c in model["comparisons"] if c["output_column_name"] == "name"]
    m = {level.get("label_for_charts"): level.get("m_probability") for level in name["comparison_levels"]}
    assert m["names one slip apart"] == pytest.approx(0.2, abs=0.05)
    assert m["same first and last name"] == pytest.approx(0.8, abs=0.05)
    untrained = linkage.train(features.table(rows[:10]), RULES)  # too few records: starting values stand
    [start] = [c for c in untrained["comparisons"] if c["output_column_name"] == "name"]
    assert {level.get("label_for_charts"): level.get("m_probability")
            for level in start["comparison_levels"]}["names one slip apart"] == 0.06


def test_trained_model_separates_simulated_people() -> None:
    rows, truth = _simulated(1500, seed=4, slip_rate=0.3)
    table = features.table(rows)
    pairs = linkage.predict(table, linkage.train(table, RULES), RULES)
    found = {(p.a, p.b) for p in pairs}
    true_pairs = {(f"p{i}-0", f"p{i}-1") for i in range(1500)}
    assert len(found & true_pairs) / len(true_pairs) > 0.97
    assert all(truth[a] == truth[b] for a, b in found)


def test_incremental_prediction_finds_what_a_full_one_finds() -> None:
    rows, _ = _simulated(1200, seed=5, slip_rate=0.3)
    table = features.table(rows)
    model = linkage.train(table, RULES)
    everything = {(p.a, p.b): round(p.probability, 6) for p in linkage.predict(table, model, RULES)}
    changed = {r["unique_id"] for r in rows[:300] if r["unique_id"]}
    some = {(p.a, p.b): round(p.probability, 6) for p in linkage.predict(table, model, RULES, changed)}
    assert some == {pair: p for pair, p in everything.items() if changed & set(pair)}


def test_trained_on_households_the_model_does_not_merge_them(tmp_path: Path) -> None:
    """On the generator's sources (families sharing a surname, a home, a phone and often an inbox; twins),
    a model trained on them links household members through the household level at most a tenth as often
    as one that lets EM weigh a different first name from the data ("learned"), which links many."""
    from bench.datasets import accepted_records, generated

    written = generated(tmp_path, 1500, seed=9)
    rows = [row(r) for source in accepted_records(written.sources, tmp_path / "rejects").values() for r in source]
    table = features.table(rows)
    household = "same last name, another first name"

    def merged_families(rules: MatchingRules) -> int:
        model = linkage.train(table, rules)
        labels = linkage.level_labels(model)
        return sum(1 for p in linkage.predict(table, model, rules)
                   if labels["name"][p.weights["fields"]["name"][0]] == household
                   and written.truth[p.a] != written.truth[p.b])

    learned = merged_families(RULES.model_copy(update={"households": "learned"}))
    assert learned >= 10 and merged_families(RULES) * 10 <= learned
