"""RFM scores, segments and value, computed column-wise over every customer at once (numpy).

- Recency R: days from the last purchase to the reference date (the newest purchase in the graph, so
  scores do not decay while nobody loads data); frequency F: purchases; monetary M: total spend in the
  customer's main currency. Each becomes a score 1-5 by quintile of rank among customers who bought
  (R reversed: recent is 5); ties share a score.
- Segment: from R and FM = the rounded mean of F and M, by the usual RFM grid (``segment``; the names and
  what they mean are in ``customers.segments``); customers who never bought are ``Prospects``.
- Historic value: total spend. Predicted 12-month value: purchases a year at the customer's own rate since
  the first purchase (at least 90 days of history), times the average basket, times the chance they are
  still active, exp(-recency / expected gap between purchases) — a documented heuristic in the spirit of
  BG/NBD, chosen because the maintained probabilistic libraries (pymc-marketing) bring a sampling stack
  far heavier than the rest of c360.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

DAYS_A_YEAR = 365.0
MIN_HISTORY_DAYS = 90.0

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


#: the method above in words, for the people it is about (a subject-access export says how their scores
#: were computed): change it with the code
RULE_IN_WORDS = [
    "Recency (R): days from the customer's last purchase to the reference date, the newest purchase in the "
    "graph at the scoring run. Frequency (F): number of purchases. Monetary (M): total spend in the currency "
    "the customer spent most in.",
    "Each becomes a score from 1 to 5 by quintile of rank among all customers who bought (recent is 5; equal "
    "values share a score); the bands below are the ranges each score covered at the last run.",
    "The segment follows from R and FM, the rounded mean of F and M, by the RFM grid (its meaning is given "
    "with the segment); a customer who never bought is a Prospect.",
    "Historic value: total spend. Predicted 12-month value: purchases a year at the customer's own rate since "
    "the first purchase (counting at least 90 days of history), times the average basket, times the chance "
    "they are still active, exp(-recency / the customer's usual gap between purchases).",
]


@dataclass(frozen=True)
class Scores:
    recency: Ints
    frequency: Ints
    monetary: Ints
    segment: list[str]
    predicted_minor: Ints


def quintile(values: Floats, higher_is_better: bool = True) -> Ints:
    """Scores 1-5 by average rank (ties share a score); empty input gives an empty result."""
    if values.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = values if higher_is_better else -values
    sorter = np.argsort(order, kind="stable")
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[sorter] = np.arange(values.size, dtype=np.float64)
    _, inverse = np.unique(order, return_inverse=True)
    mean_ranks = np.bincount(inverse, weights=ranks) / np.bincount(inverse)
    fraction = (mean_ranks[inverse] + 0.5) / values.size
    return np.clip(np.ceil(fraction * 5), 1, 5).astype(np.int64)


def segment(r: int, fm: int) -> str:
    if (r >= 4 and fm == 5) or (r == 5 and fm == 4):
        return "Champions"
    if r >= 3 and fm >= 4:
        return "Loyal"
    if r >= 4 and fm >= 2:
        return "Potential loyalists"
    if r == 5:
        return "New"
    if r == 4:
        return "Promising"
    if r == 3:
        return "Need attention" if fm >= 3 else "About to sleep"
    if r == 1 and fm == 5:
        return "Cannot lose them"
    if fm >= 3:
        return "At risk"
    return "Hibernating" if r == 2 else "Lost"


def score(recency_days: Floats, purchases: Ints, spend_minor: Ints, tenure_days: Floats) -> Scores:
    """Scores of customers who bought (every array has one entry per such customer)."""
    r = quintile(recency_days, higher_is_better=False)
    f = quintile(purchases.astype(np.float64))
    m = quintile(spend_minor.astype(np.float64))
    fm = np.floor((f + m) / 2 + 0.5).astype(np.int64)
    segments = [segment(int(a), int(b)) for a, b in zip(r, fm, strict=True)]
    history = np.maximum(tenure_days, MIN_HISTORY_DAYS)
    yearly_purchases = purchases / history * DAYS_A_YEAR
    expected_gap = history / np.maximum(purchases, 1)
    active = np.exp(-recency_days / expected_gap)
    basket = spend_minor / np.maximum(purchases, 1)
    predicted = np.round(yearly_purchases * basket * active).astype(np.int64)
    return Scores(r, f, m, segments, predicted)
