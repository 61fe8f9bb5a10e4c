"""Interval lengths: the lengths allowed, and the one an export's rows show or are given.

Staffing works per interval of at most an hour. A forecast may also be of daily totals (a
planner's long-range view, or the only export a system gives): its intervals are local days,
each starting at local midnight."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, tzinfo

from hubdesk.domain.errors import ValidationFailed

ALLOWED_INTERVALS = (15, 30, 60)
DAY_MINUTES = 1440
FORECAST_INTERVALS = (*ALLOWED_INTERVALS, DAY_MINUTES)


def allowed_interval(minutes: int, *, daily: bool = False) -> int:
    """``minutes`` if an allowed interval length (a day too where ``daily``)."""
    allowed = FORECAST_INTERVALS if daily else ALLOWED_INTERVALS
    if minutes not in allowed:
        raise ValidationFailed(f"the interval must be one of {allowed} minutes, "
                               f"not {minutes}", {"interval": "unsupported"})
    return minutes


def shortest_step(starts: Sequence[datetime]) -> float:
    """The interval length, in seconds, that sorted interval starts show: the shortest step
    between two of them (closed intervals may be missing from an export)."""
    steps = [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]
    if not steps:
        raise ValidationFailed("one row cannot show the interval length: give the length",
                               {"interval": "unknown"})
    return min(steps)


def interval_seconds(rows: Sequence[tuple[datetime, float]], zone: tzinfo) -> float:
    """`shortest_step` of sorted rows, refusing rows that sit only on a coarser grid of the
    day than an hour: daily totals stamped at midnight, or two hours' counts, read as one
    interval each would put every contact of a day (or of two hours) into its first hour."""
    shortest = shortest_step([start for start, _ in rows])
    grid = _grid(rows, zone)
    if grid > max(ALLOWED_INTERVALS):
        times = {f"{start.astimezone(zone):%H:%M}" for start, _ in rows}
        looks = (f"every row starts at {times.pop()}: daily totals cannot be staffed per "
                 "interval (`hubdesk wfm forecast` forecasts them per day)" if len(times) == 1
                 else f"the rows start only every {grid} minutes of the day: intervals longer "
                      "than an hour cannot be forecast or staffed per interval")
        raise ValidationFailed(f"{looks}; give contacts per "
                               f"{', '.join(map(str, ALLOWED_INTERVALS))} minutes, or the "
                               "interval length if the rows leave most intervals out",
                               {"interval": "too long"})
    return shortest


def _grid(rows: Sequence[tuple[datetime, float]], zone: tzinfo) -> int:
    """The finest step of the day, in minutes, the rows' times keep in UTC and in ``zone``."""
    return max(_grid_minutes([start for start, _ in rows], UTC),
               _grid_minutes([start for start, _ in rows], zone))


def daily_totals(rows: Sequence[tuple[datetime, float]], zone: tzinfo) -> bool:
    """Whether the rows are days: on no finer step of the day than a day, all at one time
    of day (`daily_frame`)."""
    return _grid(rows, zone) > max(ALLOWED_INTERVALS) and daily_frame(rows, zone) is not None


def _grid_minutes(starts: Sequence[datetime], zone: tzinfo) -> int:
    """The finest step, in minutes, of the times of day the starts fall on in ``zone``
    (1440 when they all fall on the same one)."""
    minutes = [start.astimezone(zone).hour * 60 + start.astimezone(zone).minute
               for start in starts]
    return math.gcd(1440, *(m - minutes[0] for m in minutes))


def check_interval(rows: Sequence[tuple[datetime, float]], minutes: int, zone: tzinfo) -> None:
    """Refuse an interval length shorter than the rows show: with at least a day's worth of
    rows, all on a coarser step of the local day, each row holds a longer interval's contacts
    and the intervals between them would read as closed. Fewer rows may be a quiet desk's."""
    grid = _grid_minutes([start for start, _ in rows], zone)
    if 0 < minutes < grid and len(rows) >= 1440 // minutes:
        raise ValidationFailed(f"every row starts on a {grid}-minute step of the day, so the "
                               f"intervals are {grid} minutes long: read as {minutes}-minute "
                               "ones, those between the rows would be closed and the rows "
                               "would hold too many contacts", {"interval": "too short"})


def interval_of(rows: Sequence[tuple[datetime, float]], zone: tzinfo, *,
                daily: bool = False) -> int:
    """The interval length, in minutes, that sorted rows show (`interval_seconds`), as the
    longest allowed length dividing it. Hourly rows read as half-hours would make every
    other interval look closed. Where ``daily`` (a forecast), daily totals are days."""
    if daily and daily_totals(rows, zone):
        return DAY_MINUTES
    shortest = int(interval_seconds(rows, zone))
    fitting = [m for m in ALLOWED_INTERVALS if shortest % (m * 60) == 0]
    if not fitting:
        raise ValidationFailed(f"rows {shortest} seconds apart fit none of the interval "
                               f"lengths {ALLOWED_INTERVALS} minutes", {"interval": "unsupported"})
    return max(fitting)


def resolve_interval(rows: Sequence[tuple[datetime, float]], given: int | None,
                     zone: tzinfo, *, daily: bool = False) -> int:
    """The interval length in minutes: ``given``, checked against what the rows show
    (`check_interval`), or else the one they show (`interval_of`); a day only where
    ``daily`` (a forecast). Every command reading rows takes its length here, so a length is
    accepted or refused alike by all of them."""
    if given is None:
        return interval_of(rows, zone, daily=daily)
    allowed_interval(given, daily=daily)
    check_interval(rows, given, zone)
    return given


def daily_frame(rows: Sequence[tuple[datetime, float]], zone: tzinfo) -> tzinfo | None:
    """The zone in which the stamps of daily totals all show one time of day, so that their
    dates there are the days they total: the desk's zone, or UTC for totals stamped at UTC
    midnight (which in the desk's zone fall on the evening before, or across its changes of
    the clock on two times); a midnight is preferred to another common time. None when the
    rows show no one time of day in either."""
    local = {start.astimezone(zone).time() for start, _ in rows}
    universal = {start.astimezone(UTC).time() for start, _ in rows}
    midnight = time(0)
    for frame, times in ((zone, local), (UTC, universal)):
        if times == {midnight}:
            return frame
    for frame, times in ((zone, local), (UTC, universal)):
        if len(times) == 1:
            return frame
    return None


def on_local_days(rows: Sequence[tuple[datetime, float]],
                  zone: tzinfo) -> list[tuple[datetime, float]]:
    """Daily totals moved to the UTC start of their day in the desk's zone (an export may
    stamp them at noon, or at midnight in UTC: `daily_frame`), those of one day added."""
    frame = daily_frame(rows, zone) or zone
    days: dict[datetime, float] = {}
    for start, count in rows:
        midnight = local_midnight(start.astimezone(frame).date(), zone)
        days[midnight] = days.get(midnight, 0.0) + count
    return sorted(days.items())


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The UTC moment ``day`` begins on the clock of ``zone``."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
