"""Benchmarks say "max of N" where too few samples cannot earn a 99th percentile."""

from __future__ import annotations

from bench.figures import P99_SAMPLES, latencies


def test_below_the_threshold_the_tail_is_the_maximum_with_its_count() -> None:
    samples = [i / 1000 for i in range(1, P99_SAMPLES)]
    assert latencies(samples) == "p50 500.0 ms, max of 999 999.0 ms (999 samples)"


def test_from_the_threshold_on_the_tail_is_the_nearest_rank_p99() -> None:
    samples = [i / 1000 for i in range(1, P99_SAMPLES + 1)]
    assert latencies(samples, digits=0) == "p50 501 ms, p99 991 ms (1,000 samples)"
