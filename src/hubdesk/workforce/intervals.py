"""Interval lengths: the lengths allowed, and the one an export's rows show or are given."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo

from hubdesk.domain.errors import ValidationFailed

ALLOWED_INTERVALS = (15, 30, 60)


def allowed_interval(minutes: int) -> int:
    if minutes not in ALLOWED_INTERVALS:
        raise ValidationFailed(f"the interval must be one of {ALLOWED_INTERVALS} minutes, "
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
    grid = max(_grid_minutes([start for start, _ in rows], UTC),
               _grid_minutes([start for start, _ in rows], zone))
    if grid > max(ALLOWED_INTERVALS):
        times = {f"{start.astimezone(zone):%H:%M}" for start, _ in rows}
        looks = (f"every row starts at {times.pop()}: daily totals" if len(times) == 1
                 else f"the rows start only every {grid} minutes of the day: intervals longer "
                      "than an hour")
        raise ValidationFailed(f"{looks} cannot be forecast or staffed per interval; give "
                               f"contacts per {', '.join(map(str, ALLOWED_INTERVALS))} "
                               "minutes, or the interval length if the rows leave most "
                               "intervals out", {"interval": "too long"})
    return shortest


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


def interval_of(rows: Sequence[tuple[datetime, float]], zone: tzinfo) -> int:
    """The interval length, in minutes, that sorted rows show (`interval_seconds`), as the
    longest allowed length dividing it. Hourly rows read as half-hours would make every
    other interval look closed."""
    shortest = int(interval_seconds(rows, zone))
    fitting = [m for m in ALLOWED_INTERVALS if shortest % (m * 60) == 0]
    if not fitting:
        raise ValidationFailed(f"rows {shortest} seconds apart fit none of the interval "
                               f"lengths {ALLOWED_INTERVALS} minutes", {"interval": "unsupported"})
    return max(fitting)


def resolve_interval(rows: Sequence[tuple[datetime, float]], given: int | None,
                     zone: tzinfo) -> int:
    """The interval length in minutes: ``given``, checked against what the rows show
    (`check_interval`), or else the one they show (`interval_of`). Every command reading rows
    takes its length here, so a length is accepted or refused alike by all of them."""
    if given is None:
        return interval_of(rows, zone)
    allowed_interval(given)
    check_interval(rows, given, zone)
    return given

