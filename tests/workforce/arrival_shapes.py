"""Arrival series of shapes unlike the shared data's, with their true means, for checking the
forecast where the answer is known: Poisson counts around a mean per local interval."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from hubdesk.workforce.series import (
    History,
    LocalKey,
    history_from_rows,
    interval_starts,
    local_key,
)

# The mean contacts of a 30-minute interval from its local key and the day's index in the
# series (0 on the first day).
Shape = Callable[[LocalKey, int], float]


def _bump(hour: float, centre: float, width: float) -> float:
    return math.exp(-(((hour - centre) / width) ** 2))


def open_with_lunch_dip(key: LocalKey, _day: int) -> float:
    """Open 08:00-20:00 Monday to Saturday: a morning peak, a dip at lunch, an afternoon peak,
    a quiet Saturday; closed at night and on Sundays."""
    if key.weekday == 6 or not 8 * 60 <= key.minute < 20 * 60:
        return 0.0
    hour = key.minute / 60
    shape = _bump(hour, 10.5, 1.8) + 0.9 * _bump(hour, 15.0, 2.0) + 0.2
    return 40 * shape * (1.0, 0.9, 0.9, 0.85, 0.8, 0.45, 0.0)[key.weekday]


def round_the_clock(key: LocalKey, _day: int) -> float:
    """Open 24/7: a trough at night a tenth of the early-afternoon peak, quieter weekends."""
    hour = key.minute / 60
    return 25 * (0.08 + _bump(hour, 13.0, 4.5)) * (1, 1, 1, 1, 1, 0.7, 0.6)[key.weekday]


def monday_peaks(key: LocalKey, _day: int) -> float:
    """07:00-22:00 every day, Mondays 60 % above the midweek, weekends a third of it."""
    if not 7 * 60 <= key.minute < 22 * 60:
        return 0.0
    within = math.sin(math.pi * (key.minute - 7 * 60) / (15 * 60))
    return 30 * (1.6, 1.15, 1.0, 0.95, 0.9, 0.5, 0.3)[key.weekday] * (0.5 + 0.5 * within)


def annual_trend(key: LocalKey, day: int) -> float:
    """The lunch-dip centre growing 0.2 % a day with a yearly swing of ±15 %."""
    return (open_with_lunch_dip(key, day) * (1 + 0.002 * day)
            * (1 + 0.15 * math.sin(2 * math.pi * day / 365)))


def launch_doubling(key: LocalKey, day: int) -> float:
    """The lunch-dip centre whose volume doubles from day 84 (a new product)."""
    return open_with_lunch_dip(key, day) * (2.0 if day >= 84 else 1.0)


@dataclass(frozen=True)
class Drawn:
    history: History
    truth: dict[datetime, float]  # the mean of every interval, also beyond the history


def draw(shape: Shape, history_days: int, ahead_days: int, *, zone: str = "UTC",
         first: date = date(2024, 1, 1), seed: int = 1) -> Drawn:
    """``history_days`` of Poisson counts (closed intervals left out, as exports do) and the
    true means of those days and the ``ahead_days`` after them."""
    tz = ZoneInfo(zone)
    rng = np.random.default_rng(seed)
    rows, truth = [], {}
    for start in interval_starts(first, history_days + ahead_days, 30, tz):
        key = local_key(start, tz)
        mean = shape(key, (key.day - first).days)
        truth[start] = mean
        if mean > 0 and key.day < first + timedelta(days=history_days):
            rows.append((start, float(rng.poisson(mean))))
    return Drawn(history_from_rows(rows, 30, tz), truth)
