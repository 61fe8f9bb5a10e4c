"""A lasting change of a desk's volume (a launch, a client gained or lost), found in the last
weeks of its history, so that the forecast starts from the new level.

Every method lags such a change: a four-week weekday average is a quarter of the way there a
week after it, and Holt-Winters reads the first days of a doubling as noise. On a synthetic
centre whose volume doubled, the forecast was 22–30 % low a week after the jump and 5–25 %
low two weeks after (three seeds). Scaling the days before the change to the level seen
since lets every method, and the backtest that chooses between them, work on one level.

A change is read from daily totals, each against the median of its weekday in the four weeks
before the change (so the weekly pattern drops out, and a closed weekday takes no part). The
day-to-day noise is measured on the same weekday a week apart in those weeks. A start qualifies
when every open day since lies at least `DEVIATIONS` noise widths from its weekday's usual
level on the same side, the change is at least `MIN_CHANGE`, and the week before it was not
already on its way (else an older change would be taken for a newer, smaller one). The earliest
such start within `LOOK_BACK_DAYS` is the change.

A change is only reported until every weekday the desk opens has been seen at the new level
(a week, or six days for a desk closed on Sundays): three quiet days may be a holiday, and a
weekday not yet seen may not have changed. A planner who knows the date of the change can
give it (`level_since`), and the level is then taken from the days since, however few.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.series import History

REFERENCE_WEEKS = 4
LOOK_BACK_DAYS = 28
MIN_CHANGE = 0.2  # relative: +20 % or −17 % (the same distance on a log scale, log 1.2)
DEVIATIONS = 2.0
REPORTED_DAYS = 3


@dataclass(frozen=True)
class LevelShift:
    since: date  # the first local day at the new level
    ratio: float  # the new level over the old
    days: int  # open days seen at the new level
    log_error: float  # the standard error of log(ratio)
    weekdays_unseen: int  # weekdays the desk opens not yet seen at the new level

    @property
    def applied(self) -> bool:
        """Whether seen for long enough to follow without being told."""
        return self.weekdays_unseen == 0

    def describe(self) -> str:
        seen = f"{self.days} open day{'s' * (self.days != 1)}"
        return (f"the level since {self.since} ({seen}) is {self.ratio:.2f} times that of the "
                f"{REFERENCE_WEEKS} weeks before")


def find_level_shift(history: History) -> LevelShift | None:
    """The latest lasting change of level begun in the last `LOOK_BACK_DAYS` days, seen on
    at least `REPORTED_DAYS` open days; None when there is none."""
    last = history.last_day
    totals = _DayTotals(history)
    for offset in range(LOOK_BACK_DAYS - 1, REPORTED_DAYS - 2, -1):
        since = last - timedelta(days=offset)
        shift = _shift_from(totals, since, strict=True)
        if shift is not None and shift.days >= REPORTED_DAYS:
            return shift
    return None


def level_since(history: History, since: date) -> LevelShift:
    """The level of the days from ``since`` (given by a planner who knows the change) against
    the weeks before it."""
    if not history.counts or since > history.last_day:
        raise ValidationFailed(f"the level cannot be read from {since}: the history ends "
                               "before it", {"level_from": "after the history"})
    if since <= history.first_day:
        raise ValidationFailed(f"the level cannot be read from {since}: the history begins "
                               f"on {history.first_day}, and the level since is compared with "
                               f"the {REFERENCE_WEEKS} weeks before",
                               {"level_from": "before the history"})
    shift = _shift_from(_DayTotals(history), since, strict=False)
    if shift is None:
        raise ValidationFailed(
            f"the level cannot be read from {since}: it needs an open day since then and "
            f"the same weekday open in the {REFERENCE_WEEKS} weeks before",
            {"level_from": "no comparable days"})
    return shift


def relevelled(history: History, shift: LevelShift) -> History:
    """The history with every day before the change scaled to the level since."""
    return history.scaled_before(shift.since, shift.ratio)


class _DayTotals:
    """A history's daily totals, each added up once however many starts are tried."""

    def __init__(self, history: History) -> None:
        self.history = history
        self.last_day = history.last_day
        self._totals: dict[date, float | None] = {}

    def __call__(self, day: date) -> float | None:
        if day not in self._totals:
            self._totals[day] = self.history.day_total(day)
        return self._totals[day]


def _shift_from(totals: _DayTotals, since: date, *, strict: bool) -> LevelShift | None:
    usual, noise = _weekday_levels(totals, since)
    if not usual:
        return None
    counted = _log_ratios(totals, usual, since, totals.last_day)
    if not counted:
        return None
    since = min(counted)  # the first day seen, not a closed or missing one before it
    after = list(counted.values())
    change = float(np.median(after))
    log_error = noise * math.sqrt(1 / len(after) + 1 / REFERENCE_WEEKS)
    unseen = len(set(usual) - {day.weekday() for day in counted})
    shift = LevelShift(since, math.exp(change), len(after), log_error, unseen)
    if not strict:
        return shift
    side = math.copysign(1.0, change)
    if abs(change) < math.log1p(MIN_CHANGE):
        return None
    if any(side * ratio < DEVIATIONS * noise for ratio in after):
        return None
    week_before = list(_log_ratios(totals, usual, since - timedelta(days=7),
                                   since - timedelta(days=1)).values())
    if week_before and side * float(np.mean(week_before)) > abs(change) / 2:
        return None
    return shift


def _weekday_levels(totals: _DayTotals, since: date) -> tuple[dict[int, float], float]:
    """Each weekday's median daily total over the `REFERENCE_WEEKS` weeks before ``since``
    (weekdays open in them only), and the noise of one day's log total around it."""
    weeks: dict[int, list[float]] = {}
    steps = []
    for back in range(1, 7 * REFERENCE_WEEKS + 1):
        day = since - timedelta(days=back)
        total = totals(day)
        if total is None or total <= 0:
            continue
        weeks.setdefault(day.weekday(), []).append(total)
        earlier = totals(day - timedelta(days=7))
        if back <= 7 * (REFERENCE_WEEKS - 1) and earlier is not None and earlier > 0:
            steps.append(math.log(total / earlier))
    usual = {weekday: float(np.median(totals)) for weekday, totals in weeks.items()
             if len(totals) >= 2}
    if not usual or not steps:
        return {}, 0.0
    # A week-apart difference holds two days' noise; its median absolute value is 0.674 of
    # its standard deviation when normal. Counts are never less noisy than Poisson's.
    spread = float(np.median(np.abs(steps))) / 0.6745 / math.sqrt(2)
    poisson = 1 / math.sqrt(float(np.median(list(usual.values()))))
    return usual, max(spread, poisson)


def _log_ratios(totals: _DayTotals, usual: dict[int, float], first: date,
                last: date) -> dict[date, float]:
    """Each open day's log total over its weekday's usual one, from ``first`` to ``last``."""
    ratios = {}
    day = first
    while day <= last:
        total = totals(day)
        expected = usual.get(day.weekday())
        if total is not None and expected is not None and total > 0:
            ratios[day] = math.log(total / expected)
        day += timedelta(days=1)
    return ratios
