"""Timing helpers of the benches: a millisecond stopwatch, the median and percentiles."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary_ms(values: Sequence[float]) -> str:
    """p50 / p90 / p99 / max of millisecond samples, aligned for printing."""
    return (
        f"p50 {percentile(values, 50):7.3f}  p90 {percentile(values, 90):7.3f}  "
        f"p99 {percentile(values, 99):7.3f}  max {max(values):7.3f} ms"
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


class Stopwatch:
    """perf_counter in milliseconds: `with Stopwatch() as sw: ...; sw.ms`."""

    def __enter__(self) -> Stopwatch:
        self.ms = 0.0
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ms = (time.perf_counter() - self._start) * 1000
