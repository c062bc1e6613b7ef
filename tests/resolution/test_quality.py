"""Pairwise quality against a brute-force count over all pairs."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from resolution.quality import pairwise_quality, read_clusters

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


def test_only_records_in_both_are_scored_and_pairs_are_counted_in_whole_numbers() -> None:
    quality = pairwise_quality({"a": "1", "b": "1", "extra": "1"}, {"a": "x", "b": "x", "other": "x"})
    assert (quality.true_pairs, quality.predicted_pairs, quality.correct_pairs) == (1, 1, 1)
    assert all(type(n) is int for n in (quality.true_pairs, quality.predicted_pairs, quality.correct_pairs))


def test_nothing_predicted_or_nothing_true_and_nothing_right() -> None:
    singles = pairwise_quality({"a": "1", "b": "2"}, {"a": "x", "b": "x"})
    assert (singles.precision, singles.recall, singles.f1) == (1.0, 0.0, 0.0)
    wrong = pairwise_quality({"a": "1", "b": "1"}, {"a": "x", "b": "y"})
    assert (wrong.precision, wrong.recall, wrong.f1) == (0.0, 1.0, 0.0)
    crossed = pairwise_quality({"a": "1", "b": "1", "c": "2", "d": "2"}, {"a": "x", "c": "x", "b": "y", "d": "y"})
    assert (crossed.precision, crossed.recall, crossed.f1) == (0.0, 0.0, 0.0)
    assert pairwise_quality({}, {}).f1 == 1.0


def test_clusters_are_read_by_record_key(tmp_path: Path) -> None:
    path = tmp_path / "clusters.csv"
    path.write_text("source,source_id,customer_id,person\ncrm,C1,K1,p1\nwebshop,W9,K1,p2\n", encoding="utf-8")
    assert read_clusters(path, "customer_id") == {"crm:C1": "K1", "webshop:W9": "K1"}
    assert read_clusters(path, "person") == {"crm:C1": "p1", "webshop:W9": "p2"}
