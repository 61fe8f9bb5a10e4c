"""When things happen: contact times weighted towards business hours, replies that follow them."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

# Relative likelihood of a contact in each hour of a weekday (UTC, for a European desk).
_HOURLY = (0.05, 0.03, 0.02, 0.02, 0.03, 0.08, 0.2, 0.5, 0.9, 1.0, 1.0, 0.95,
           0.8, 0.9, 1.0, 0.95, 0.85, 0.7, 0.5, 0.4, 0.35, 0.3, 0.2, 0.1)
_WEEKEND = 0.3
_DESK_OPENS = 7
_DESK_CLOSES = 19


def contact_weight(moment: datetime) -> float:
    weight = _HOURLY[moment.hour]
    return weight * _WEEKEND if moment.weekday() >= 5 else weight


def contact_moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment in [start, end) drawn so that busy hours are busy and nights are quiet."""
    span = (end - start).total_seconds()
    for _ in range(64):
        moment = start + timedelta(seconds=rng.random() * span)
        if rng.random() < contact_weight(moment):
            return moment
    return start + timedelta(seconds=rng.random() * span)


def contact_moments(rng: random.Random, count: int, start: datetime,
                    end: datetime) -> list[datetime]:
    """``count`` contact moments in chronological order (ticket numbers follow time)."""
    return sorted(contact_moment(rng, start, end) for _ in range(count))


def agent_response(rng: random.Random, after: datetime, *, median_minutes: float = 90) -> datetime:
    """When an agent answers: minutes to hours later, and only while the desk is staffed."""
    delay = rng.lognormvariate(math.log(median_minutes), 0.9)
    moment = after + timedelta(minutes=max(2.0, delay))
    return _within_desk_hours(rng, moment)


def customer_response(rng: random.Random, after: datetime) -> datetime:
    """Customers answer any time, usually within a day."""
    delay = rng.lognormvariate(math.log(240), 1.1)
    return after + timedelta(minutes=max(3.0, delay))


def _within_desk_hours(rng: random.Random, moment: datetime) -> datetime:
    if moment.weekday() < 5 and _DESK_OPENS <= moment.hour < _DESK_CLOSES:
        return moment
    day = moment if moment.hour >= _DESK_OPENS else moment - timedelta(days=1)
    day = day + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    opening = day.replace(hour=_DESK_OPENS, minute=0, second=0, microsecond=0)
    return opening + timedelta(minutes=rng.uniform(5, 120))
