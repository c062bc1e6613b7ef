"""Figures every benchmark reports the same way: latencies, and the machine they were measured on."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime


def percentiles_ms(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of durations in seconds, in milliseconds (nearest rank: no interpolation)."""
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


#: below this many samples the 99th percentile is one of the few slowest values: the maximum is said instead
P99_SAMPLES = 1_000


def latencies(samples: list[float], digits: int = 1) -> str:
    """``p50 … ms, p99 … ms (N samples)``, or ``max of N`` in place of a p99 that too few samples cannot earn."""
    p50, p99 = percentiles_ms(samples)
    tail = (f"p99 {p99:.{digits}f} ms" if len(samples) >= P99_SAMPLES
            else f"max of {len(samples):,} {max(samples) * 1000:.{digits}f} ms")
    return f"p50 {p50:.{digits}f} ms, {tail} ({len(samples):,} samples)"


def machine_line(benchmark: str) -> str:
    """The heading line of a benchmark's output: figures mean nothing without the date and the machine."""
    return (f"c360 {benchmark} benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, "
            f"{os.cpu_count()} cores, {_memory_gib():.0f} GiB, Python {platform.python_version()}")


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
