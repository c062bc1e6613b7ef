"""Figures every benchmark reports the same way: latencies, and the machine they were measured on."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime


def percentiles_ms(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 of durations in seconds, in milliseconds (nearest rank: no interpolation)."""
    ordered = sorted(samples)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def machine_line(benchmark: str) -> str:
    """The heading line of a benchmark's output: figures mean nothing without the date and the machine."""
    return (f"c360 {benchmark} benchmark, {datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, "
            f"{os.cpu_count()} cores, {_memory_gib():.0f} GiB, Python {platform.python_version()}")


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
