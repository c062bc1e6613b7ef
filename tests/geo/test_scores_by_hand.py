"""Scores, segments and values worked out by hand, for every customer, against what ``c360 score`` wrote.

The expectations follow the method as documented — ``scoring.rfm``'s docstring and ``RULE_IN_WORDS`` for
recency, frequency, monetary, quintiles and the predicted value; the descriptions of ``customers.segments``
for the grid — and are computed here in plain Python from the source rows the marketing fixture loads,
never by calling the scoring code: a swapped grid rule, a quintile boundary moved by one or a changed
constant in the predicted value makes these tests fail.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import Graph, Settings
from scoring.rfm import score, segment
from tests.geo.test_marketing import PEOPLE, TRANSACTIONS, marketing  # noqa: F401  (the fixture)
from tests.helpers import c360, query

#: the RFM grid as ``customers.segments`` describes it: rows R 5 down to 1, columns FM 1 to 5 (the first
#: description in the catalogue's order that fits a cell names it)
GRID = {
    5: ["New", "Potential loyalists", "Potential loyalists", "Champions", "Champions"],
    4: ["Promising", "Potential loyalists", "Potential loyalists", "Loyal", "Champions"],
    3: ["About to sleep", "About to sleep", "Need attention", "Loyal", "Loyal"],
    2: ["Hibernating", "Hibernating", "At risk", "At risk", "At risk"],
    1: ["Lost", "Lost", "At risk", "At risk", "Cannot lose them"],
}


def quintiles(values: list[float], higher_is_better: bool = True) -> list[int]:
    """1-5 by quintile of rank: a value's rank is the mean of the 0-based places its equals take in the
    ordered list (ties share a score), and its score is the fifth that the middle of that place falls in."""
    ordered = sorted(values, reverse=not higher_is_better)
    scores = []
    for value in values:
        places = [i for i, other in enumerate(ordered) if other == value]
        middle = (sum(places) / len(places) + 0.5) / len(values)
        scores.append(min(5, max(1, math.ceil(middle * 5))))
    return scores


def by_hand(recency: list[float], purchases: list[int], spend: list[int], tenure: list[float]
            ) -> list[tuple[str, str, int]]:
    """(rfm, segment, predicted value in minor units) of each buyer, as the method's words say."""
    r = quintiles(recency, higher_is_better=False)  # recent is 5
    f = quintiles([float(n) for n in purchases])
    m = quintiles([float(s) for s in spend])
    found = []
    for k, n in enumerate(purchases):
        fm = math.floor((f[k] + m[k]) / 2 + 0.5)  # the rounded mean of F and M (halves up)
        history = max(tenure[k], 90.0)  # at least 90 days of history
        yearly = n / history * 365.0  # purchases a year at the customer's own rate
        basket = spend[k] / n  # the average basket
        active = math.exp(-recency[k] / (history / n))  # exp(-recency / usual gap between purchases)
        found.append((f"{r[k]}{f[k]}{m[k]}", GRID[r[k]][fm - 1], round(yearly * basket * active)))
    return found


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected_scores() -> dict[str, dict[str, object]]:
    """Per customer email of the fixture: what scoring must write, from the transaction rows themselves."""
    bought: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    for _, at, amount, _, email in TRANSACTIONS:
        bought[email].append((_at(at), int(Decimal(amount) * 100)))
    as_of = max(at for rows in bought.values() for at, _ in rows)  # the newest purchase in the graph
    buyers = sorted(bought)
    days = 86_400.0
    recency = [(as_of - max(at for at, _ in bought[e])).total_seconds() / days for e in buyers]
    tenure = [(as_of - min(at for at, _ in bought[e])).total_seconds() / days for e in buyers]
    purchases = [len(bought[e]) for e in buyers]
    spend = [sum(minor for _, minor in bought[e]) for e in buyers]
    expected: dict[str, dict[str, object]] = {
        email: {"rfm": None, "segment": "Prospects", "ltv": 0, "predicted": 0}
        for email in {row[3] for row in PEOPLE}}
    for k, (rfm, name, predicted) in enumerate(by_hand(recency, purchases, spend, tenure)):
        expected[buyers[k]] = {"rfm": rfm, "segment": name, "ltv": spend[k], "predicted": predicted}
    return expected


def test_the_hand_computation_is_what_the_fixture_means() -> None:
    """The figures above, for the fixture, as a reader checks them on paper (as of 2024-12-20 10:00):
    Anne 3 purchases, €140, last that day; Chloé 1, €300, 49 days before; Félix 2, €80, 79 days;
    Bruno 1, €15, 294 days."""
    expected = expected_scores()
    assert {e: (v["rfm"], v["segment"]) for e, v in expected.items() if v["rfm"]} == {
        "anne@x.fr": ("554", "Champions"), "chloe@x.fr": ("425", "Loyal"),
        "felix@x.fr": ("242", "At risk"), "bruno@x.fr": ("121", "Lost")}
    # Anne: 3 purchases over 350 days, basket €46.67, still active: 365/350*3 * 4666.67 * e^0
    assert expected["anne@x.fr"]["predicted"] == round(3 / 350 * 365 * 14000 / 3)


@pytest.mark.store
def test_every_customer_scored_as_the_method_says(marketing: Graph,  # noqa: F811
                                                  embedded_settings: Settings) -> None:
    result = c360("score", home=embedded_settings.home)  # the command itself, on the fixture's store
    assert result.returncode == 0, result.stderr
    rows = query(marketing, "MATCH (c:Customer) OPTIONAL MATCH (c)-[:IN_SEGMENT]->(s:Segment) "
                            "RETURN c.email AS email, collect(s.name) AS segments, c.rfm AS rfm, "
                            "c.ltv_minor AS ltv, c.predicted_value_minor AS predicted")
    written = {r["email"]: {"rfm": r["rfm"], "segment": r["segments"], "ltv": r["ltv"],
                            "predicted": r["predicted"]} for r in rows}
    expected = {e: {**v, "segment": [v["segment"]]} for e, v in expected_scores().items()}
    assert written == expected


def test_the_grid_cell_by_cell() -> None:
    """All 25 cells, not the few the fixture reaches."""
    assert {(r, fm): segment(r, fm) for r in range(1, 6) for fm in range(1, 6)} == \
        {(r, fm): GRID[r][fm - 1] for r in range(1, 6) for fm in range(1, 6)}


buyer = st.tuples(st.integers(0, 400).map(float), st.integers(1, 12), st.integers(100, 50_000),
                  st.integers(0, 800).map(float))


@settings(max_examples=300, deadline=None)
@given(st.lists(buyer, min_size=1, max_size=40))
def test_scores_of_any_buyers_as_the_method_says(buyers: list[tuple[float, int, int, float]]) -> None:
    """Any population of buyers (ties, one buyer, short histories), scored by the code and by hand."""
    buyers = [(recency, n, spend, max(tenure, recency)) for recency, n, spend, tenure in buyers]
    recency, purchases, spend, tenure = (list(column) for column in zip(*buyers, strict=True))
    scores = score(np.array(recency), np.array(purchases, dtype=np.int64), np.array(spend, dtype=np.int64),
                   np.array(tenure))
    found = [(f"{r}{f}{m}", name, int(p)) for r, f, m, name, p in zip(
        scores.recency, scores.frequency, scores.monetary, scores.segment, scores.predicted_minor, strict=True)]
    assert found == by_hand(recency, purchases, spend, tenure)
