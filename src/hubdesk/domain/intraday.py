"""Intraday: re-forecast the rest of today from the arrivals so far, and what to do about the
staffing gap that leaves.

**Method.** The rest of the day's forecast is multiplied by (arrivals so far + 10) / (forecast
so far + 10): the ratio of what came to what was expected, with ten contacts added to both
sides so that the first few contacts of a morning do not swing the whole day (with no
arrivals and no forecast yet the factor is 1). The factor is kept between 0.25 and 4.

**Suggestions**, from the gap per interval (scheduled agents − required agents): a run of short
intervals asks to call agents in for it; a run of two or more spare agents lets that many go
early or to other work; a break that falls in a short interval moves to the nearest interval
within two hours that has an agent to spare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

PRIOR_CONTACTS = 10.0
SMALLEST_FACTOR, LARGEST_FACTOR = 0.25, 4.0
RELEASE_FROM = 2  # spare agents before releasing one is suggested
BREAK_SEARCH = timedelta(hours=2)
METHOD = ("rest of day × (arrivals so far + 10) / (forecast so far + 10), "
          "kept between 0.25 and 4")


def scale_factor(arrived: float, forecast: float) -> float:
    if arrived < 0 or forecast < 0:
        raise ValueError("counts are never negative")
    factor = (arrived + PRIOR_CONTACTS) / (forecast + PRIOR_CONTACTS)
    return min(LARGEST_FACTOR, max(SMALLEST_FACTOR, factor))


@dataclass(frozen=True)
class IntervalGap:
    start: datetime
    forecast: float  # the day's forecast before today's arrivals were known
    reforecast: float
    required: int
    scheduled: int

    @property
    def gap(self) -> int:
        """Agents to spare (positive) or missing (negative)."""
        return self.scheduled - self.required


@dataclass(frozen=True)
class ScheduledBreak:
    agent: str
    start: datetime
    end: datetime


def _runs(gaps: Sequence[IntervalGap], test: str) -> list[list[IntervalGap]]:
    runs: list[list[IntervalGap]] = []
    current: list[IntervalGap] = []
    for gap in gaps:
        hit = gap.gap < 0 if test == "short" else gap.gap >= RELEASE_FROM
        if hit:
            current.append(gap)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _when(start: datetime, end: datetime) -> str:
    return f"{start:%H:%M}–{end:%H:%M} UTC"


def suggestions(gaps: Sequence[IntervalGap], breaks: Sequence[ScheduledBreak],
                interval: timedelta) -> list[str]:
    """What a coordinator could do, in the order of the day. Break moves come first: what
    they cover needs no call-in."""
    moves, after_moves = _break_moves(gaps, breaks)
    found = list(moves)
    for run in _runs(after_moves, "short"):
        missing = max(-g.gap for g in run)
        found.append((run[0].start, f"call in {missing} agent{'s' * (missing != 1)} for "
                      f"{_when(run[0].start, run[-1].start + interval)}"))
    for run in _runs(after_moves, "spare"):
        spare = min(g.gap for g in run)
        found.append((run[0].start, f"release up to {spare} agent{'s' * (spare != 1)} for "
                      f"{_when(run[0].start, run[-1].start + interval)} (early finish, "
                      "training or back-office work)"))
    return [text for _, text in sorted(found, key=lambda item: item[0])]


def _break_moves(gaps: Sequence[IntervalGap], breaks: Sequence[ScheduledBreak]
                 ) -> tuple[list[tuple[datetime, str]], list[IntervalGap]]:
    """Moves of breaks out of short intervals, and the gaps as they would be after them."""
    scheduled = {g.start: g.scheduled for g in gaps}
    by_start = {g.start: g for g in gaps}
    moves = []
    for item in sorted(breaks, key=lambda b: b.start):
        here = by_start.get(item.start)
        if here is None or scheduled[item.start] >= here.required:
            continue
        # A break leaving its interval short is worth moving to one with an agent to spare.
        options = [g for g in gaps if scheduled[g.start] - g.required >= 1
                   and g.start != item.start and abs(g.start - item.start) <= BREAK_SEARCH]
        if not options:
            continue
        target = min(options, key=lambda g: (abs(g.start - item.start), g.start))
        scheduled[target.start] -= 1
        scheduled[item.start] += 1
        moves.append((item.start, f"move {item.agent}'s break from {item.start:%H:%M} to "
                      f"{target.start:%H:%M} UTC"))
    after = [IntervalGap(g.start, g.forecast, g.reforecast, g.required, scheduled[g.start])
             for g in gaps]
    return moves, after
