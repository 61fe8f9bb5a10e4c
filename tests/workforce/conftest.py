"""Synthetic contact series with known seasonality, and the shared real data when present."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from hubdesk.workforce.series import History, history_from_rows, interval_starts, local_key

# Monday .. Sunday; the desk is closed on Sundays.
WEEKDAY_LEVEL = (1.0, 0.95, 0.9, 0.9, 0.8, 0.35, 0.0)
OPEN_FROM, OPEN_UNTIL = 8 * 60, 20 * 60


def expected_contacts(start: datetime, zone: ZoneInfo, peak: float,
                      growth_per_day: float = 0.0, origin: date = date(2024, 1, 1)) -> float:
    """The mean the generator draws from: a weekday level times a smooth within-day hump."""
    key = local_key(start, zone)
    if not OPEN_FROM <= key.minute < OPEN_UNTIL:
        return 0.0
    hump = math.sin(math.pi * (key.minute - OPEN_FROM + 15) / (OPEN_UNTIL - OPEN_FROM))
    trend = 1 + growth_per_day * (key.day - origin).days
    return peak * WEEKDAY_LEVEL[key.weekday] * (0.3 + 0.7 * hump) * trend


def synthetic_history(days: int, *, zone: str = "UTC", first: date = date(2024, 1, 1),
                      peak: float = 60.0, growth_per_day: float = 0.0, seed: int = 1,
                      interval: int = 30) -> History:
    """Poisson counts around ``expected_contacts``; closed intervals are left out, as exports
    of contact counts do."""
    tz = ZoneInfo(zone)
    rng = np.random.default_rng(seed)
    rows = []
    for start in interval_starts(first, days, interval, tz):
        mean = expected_contacts(start, tz, peak, growth_per_day, first)
        if mean > 0:
            rows.append((start, float(rng.poisson(mean))))
    return history_from_rows(rows, interval, tz)


def days_after(history: History, count: int) -> list[date]:
    return [history.last_day + timedelta(days=i + 1) for i in range(count)]

