"""Latency figures every benchmark reports the same way."""

from __future__ import annotations


def percentiles_ms(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of durations in seconds, in milliseconds (nearest rank: no interpolation)."""
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
