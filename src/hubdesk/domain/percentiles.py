"""Percentiles of durations as reports state them."""

from __future__ import annotations

from datetime import timedelta


def percentile(sorted_values: list[timedelta], fraction: float) -> timedelta:
    """The nearest-rank percentile: the smallest value with at least ``fraction`` of the
    values at or below it."""
    rank = max(1, -(-round(fraction * 1000) * len(sorted_values) // 1000))
    return sorted_values[rank - 1]
