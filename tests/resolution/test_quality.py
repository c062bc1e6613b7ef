"""Pairwise quality against a brute-force count over all pairs."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from resolution.quality import pairwise_quality

labels = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3), st.tuples(st.integers(0, 4), st.integers(0, 4)),
                         max_size=25)


@given(labels)
def test_matches_brute_force(assignment: dict[str, tuple[int, int]]) -> None:
    predicted = {k: str(v[0]) for k, v in assignment.items()}
    truth = {k: str(v[1]) for k, v in assignment.items()}
    pairs = list(combinations(sorted(assignment), 2))
    same_predicted = {p for p in pairs if predicted[p[0]] == predicted[p[1]]}
    same_truth = {p for p in pairs if truth[p[0]] == truth[p[1]]}
    quality = pairwise_quality(predicted, truth)
    assert quality.predicted_pairs == len(same_predicted)
    assert quality.true_pairs == len(same_truth)
    assert quality.correct_pairs == len(same_predicted & same_truth)


def test_perfect_and_empty() -> None:
    perfect = pairwise_quality({"a": "1", "b": "1", "c": "2"}, {"a": "x", "b": "x", "c": "y"})
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    lumped = pairwise_quality({"a": "1", "b": "1", "c": "1"}, {"a": "x", "b": "x", "c": "y"})
    assert lumped.precision == 1 / 3 and lumped.recall == 1.0
