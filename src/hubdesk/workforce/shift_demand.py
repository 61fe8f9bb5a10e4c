"""A schedule instance from contacts per interval: each interval staffed with Erlang C.

This is how the shipped benchmark instance (``instances/bank_week.json``) is made from the
Anonymous Bank arrivals, and how a desk turns a forecast into the demand a schedule covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.shift_instance import MINUTES_PER_DAY, parse_instance
from hubdesk.workforce.staffing import staff_intervals
from hubdesk.workforce.targets import Target


def window_counts(rows: Sequence[tuple[datetime, float]], first: datetime, days: int,
                  interval_minutes: int) -> list[tuple[datetime, float]]:
    """Contacts in each interval of ``days`` days from ``first``; an interval without a row
    was closed and counts zero, as exports of counts leave closed intervals out."""
    step = timedelta(minutes=interval_minutes)
    by_start = {start: count for start, count in rows}
    intervals = days * MINUTES_PER_DAY // interval_minutes
    starts = [first + index * step for index in range(intervals)]
    if not any(start in by_start for start in starts):
        raise ValidationFailed(f"no contacts are given for the {days} days from "
                               f"{first.isoformat()}", {"start": "outside the data"})
    return [(start, by_start.get(start, 0.0)) for start in starts]


def instance_payload(rows: Sequence[tuple[datetime, float]], first: datetime, *, days: int,
                     interval_minutes: int, aht_s: float, target: Target, shrinkage: float,
                     length_intervals: int, break_offsets: Sequence[int], mode: str,
                     tour_work_days: int, cyclic: bool, description: str) -> dict[str, Any]:
    """The JSON object of ``hubdesk wfm schedule --instance``: staff rostered per interval."""
    window = window_counts(rows, first, days, interval_minutes)
    plan = staff_intervals(window, interval_minutes * 60.0, aht_s, target, shrinkage)
    payload: dict[str, Any] = {
        "description": description, "interval_minutes": interval_minutes, "days": days,
        "demand": [i.requirement.staff_rounded for i in plan.intervals],
        "shift": {"length_intervals": length_intervals, "break_offsets": list(break_offsets)},
        "mode": mode, "tour_work_days": tour_work_days, "cyclic": cyclic}
    parse_instance(payload)  # the same checks as the scheduler's, before anything is written
    return payload
