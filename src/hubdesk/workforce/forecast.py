"""Forecast contacts per interval: backtest the methods, keep the best per horizon, add
prediction intervals and the planner's overrides (holidays, promotions, outages)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from statistics import NormalDist

import numpy as np

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.backtest import (
    Backtest,
    Score,
    bucket_of,
    buckets_within,
    choose_origins,
    run_backtest,
)
from hubdesk.workforce.level_shift import (
    LevelShift,
    find_level_shift,
    level_since,
    relevelled,
)
from hubdesk.workforce.load import require_finite
from hubdesk.workforce.methods import (
    AVERAGE_WEEKS,
    BACKTEST_MIN_DAYS,
    BACKTESTED,
    FALLBACK_ORDER,
    evaluate,
    same_weekday_days,
)
from hubdesk.workforce.series import History, interval_starts, local_key

MAX_HORIZON_DAYS = 366


@dataclass(frozen=True)
class Override:
    """A known event on a local day: multiply its forecast by ``factor`` (0.3 for a holiday,
    1.5 for a promotion), or replace its total with ``contacts``, spread like the forecast."""

    day: date
    factor: float | None = None
    contacts: float | None = None

    def __post_init__(self) -> None:
        if (self.factor is None) == (self.contacts is None):
            raise ValidationFailed(f"the override for {self.day} needs either a factor or a "
                                   "number of contacts", {"override": str(self.day)})
        require_finite("factor", self.factor if self.factor is not None else 0.0)
        require_finite("contacts", self.contacts if self.contacts is not None else 0.0)


@dataclass(frozen=True)
class ForecastPoint:
    start: datetime  # UTC
    local_start: datetime
    contacts: float
    lower: float
    upper: float
    method: str


@dataclass(frozen=True)
class Forecast:
    interval_minutes: int
    first_day: date
    horizon_days: int
    coverage: float
    points: list[ForecastPoint]
    method_by_horizon: dict[str, str]
    scores: list[Score]
    notes: list[str]


def forecast(history: History, horizon_days: int, *, first_day: date | None = None,
             overrides: Sequence[Override] = (), exclude_days: Iterable[date] = (),
             coverage: float = 0.8, origins: int = 8, step_days: int = 3,
             level_from: date | None = None) -> Forecast:
    """Forecast ``horizon_days`` local days from ``first_day`` (default: the day after the
    history), using only the history before it.

    A lasting change of level in the last weeks (`level_shift`) is followed once seen for a
    week; ``level_from``, the day a planner knows it began, follows it from that day.

    Backtest origins are ``step_days`` apart; 3 (prime to 7) lets day 1 fall on every weekday.
    """
    if not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ValidationFailed(f"the horizon must be 1 to {MAX_HORIZON_DAYS} days, not "
                               f"{horizon_days}", {"horizon": "out of range"})
    require_finite("coverage", coverage)
    if not 0 < coverage < 1:
        raise ValidationFailed("coverage is a fraction between 0 and 1, such as 0.8",
                               {"coverage": "out of range"})
    notes: list[str] = []
    excluded = set(exclude_days)
    if excluded:
        history = history.without_days(excluded)
        notes.append(f"{len(excluded)} holiday or event days left out of the history")
    if first_day is not None:
        history = history.before(first_day)
    if not history.counts:
        raise ValidationFailed("there is no history before the forecast start",
                               {"history": "empty"})
    start = first_day or history.last_day + timedelta(days=1)
    history = _without_unfinished_ends(history, notes)
    history, shift = _at_current_level(history, level_from, notes)
    # Leads count from the day after the history, as the backtest's do from its origins: a
    # start weeks later is that far ahead, whatever day it is called.
    known_until = history.last_day + timedelta(days=1)
    ahead = (start - known_until).days + horizon_days
    if ahead > MAX_HORIZON_DAYS:
        raise ValidationFailed(f"the forecast starts {(start - known_until).days} days after the "
                               f"history ends, and reaches at most {MAX_HORIZON_DAYS} days "
                               "ahead: give the history up to the weeks before it",
                               {"start": "too far ahead"})
    targets = _open_targets(history, interval_starts(start, horizon_days,
                                                     history.interval_minutes, history.zone))
    chosen, report = _choose_methods(history, ahead, origins, step_days, notes)
    points = _points(history, targets, known_until, chosen, report, coverage, notes, shift)
    used = {bucket_of((start - known_until).days + lead) for lead in range(1, horizon_days + 1)}
    chosen = {bucket: method for bucket, method in chosen.items() if bucket in used}
    outside = sorted(str(o.day) for o in overrides
                     if not 0 <= (o.day - start).days < horizon_days)
    if outside:
        notes.append(f"overrides outside the forecast were not applied: {', '.join(outside)}")
    return Forecast(history.interval_minutes, start, horizon_days, coverage,
                    _apply_overrides(points, overrides), chosen,
                    report.scores if report else [], notes)


def _without_unfinished_ends(history: History, notes: list[str]) -> History:
    """The history without a last day that ends earlier, or a first day that begins later,
    than that weekday did in each of the (up to four) weeks next to it: an export taken during
    the day, or begun during one, whose intervals beyond it are unknown, not closed (a short day
    of the desk's own, such as a holiday eve, is left out too, which costs little)."""
    last = history.last_day
    rest = history.before(last)
    if rest.counts:
        earlier = same_weekday_days(rest, last.weekday(), AVERAGE_WEEKS)
        ends = [rest.last_open_minute(day) or 0 for day in earlier]
        ended = history.last_open_minute(last) or 0
        if ends and ended < min(ends):
            notes.append(f"{last} ends at {_clock(ended)}, earlier than that weekday did in "
                         f"any of the {len(ends)} weeks before (at {_clock(min(ends))} at the "
                         "earliest): left out as unfinished")
            history = rest
    first = history.first_day
    later = [first + timedelta(weeks=w) for w in range(1, AVERAGE_WEEKS + 1)
             if history.has_day(first + timedelta(weeks=w))]
    starts = [history.first_open_minute(day) or 0 for day in later]
    began = history.first_open_minute(first) or 0
    if starts and began > max(starts):
        notes.append(f"{first} begins at {_clock(began)}, later than that weekday did in any "
                     f"of the {len(starts)} weeks after (at {_clock(max(starts))} at the "
                     "latest): left out as unfinished")
        history = history.without_days([first])
    return history


def _at_current_level(history: History, level_from: date | None,
                      notes: list[str]) -> tuple[History, LevelShift | None]:
    """The history with the weeks before a change of level scaled to it, and the change;
    a change seen too briefly to follow is only noted."""
    if level_from is not None:
        given = level_since(history, level_from)
        notes.append(f"{given.describe()}, as given: the earlier history is scaled to it")
        return relevelled(history, given), given
    shift = find_level_shift(history)
    if shift is None:
        return history, None
    if not shift.applied:
        notes.append(f"{shift.describe()}: not followed until seen on every weekday the "
                     "desk opens; if it lasts (a launch, a client gained or lost), forecast from "
                     f"the new level from {shift.since} (`level_from`, or `--level-from` of "
                     "`hubdesk wfm forecast`)")
        return history, None
    notes.append(f"{shift.describe()}: the earlier history is scaled to it")
    return relevelled(history, shift), shift


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _open_targets(history: History, targets: list[datetime]) -> list[datetime]:
    """Intervals the recent same weekdays show as open (a row, even of zero contacts).

    With less than a week of history every interval is kept, as closed days cannot be told
    from days not yet seen."""
    if (history.last_day - history.first_day).days + 1 < 7:
        return targets
    recent = {w: same_weekday_days(history, w, AVERAGE_WEEKS) for w in range(7)}
    kept = []
    for target in targets:
        key = local_key(target, history.zone)
        if any(history.was_open(d, key.minute) for d in recent[key.weekday]):
            kept.append(target)
    return kept


def _choose_methods(history: History, horizon_days: int, origins: int, step_days: int,
                    notes: list[str]) -> tuple[dict[str, str], Backtest | None]:
    dates = choose_origins(history, horizon_days, origins, step_days, BACKTEST_MIN_DAYS)
    report = run_backtest(history, BACKTESTED, horizon_days, dates) if dates else None
    chosen: dict[str, str] = {}
    if report is not None and report.scores:
        notes += [f"{name} not used: {why}" for name, why in report.skipped.items()]
        previous = None
        for bucket in buckets_within(horizon_days):
            previous = report.best(bucket) or previous
            if previous is not None:
                chosen[bucket] = previous
        return chosen, report
    fallback = _first_working(history)
    span = (history.last_day - history.first_day).days + 1
    told = "1 day of history is" if span == 1 else f"{span} days of history are"
    notes.append(f"{told} too few to backtest (at least "
                 f"{BACKTEST_MIN_DAYS + horizon_days} needed): every horizon uses {fallback}")
    return {bucket: fallback for bucket in buckets_within(horizon_days)}, None


def _first_working(history: History) -> str:
    probe = interval_starts(history.last_day + timedelta(days=1), 1, history.interval_minutes,
                            history.zone)[:1]
    working, _ = evaluate(FALLBACK_ORDER, history, probe)
    return next(name for name in FALLBACK_ORDER if name in working)


def _points(history: History, targets: list[datetime], known_until: date,
            chosen: dict[str, str], report: Backtest | None, coverage: float,
            notes: list[str], shift: LevelShift | None = None) -> list[ForecastPoint]:
    by_method: dict[str, list[int]] = {}
    buckets = [bucket_of((local_key(t, history.zone).day - known_until).days + 1)
               for t in targets]
    for index, bucket in enumerate(buckets):
        by_method.setdefault(chosen[bucket], []).append(index)
    values = np.zeros(len(targets))
    for name, indexes in by_method.items():
        values[indexes] = evaluate([name], history, [targets[i] for i in indexes])[0][name]
    values = np.maximum(values, 0.0)
    tail = (1 - coverage) / 2
    # Without a backtest the spread is Poisson's around a mean itself estimated from the few
    # weeks known (one per week, as a weekday average does): its error, the mean over n
    # weeks, adds 1/n to the variance. Poisson's alone covered 64 % for 80 % after one week.
    weeks = max(1, min(AVERAGE_WEEKS, ((history.last_day - history.first_day).days + 1) // 7))
    widened = 1.0 if report else math.sqrt(1 + 1 / weeks)
    level_z = NormalDist().inv_cdf(1 - tail)
    # Weeks scaled down by r to a lower level have their noise scaled by r, where a count's
    # shrinks by √r only: backtest residuals from them understate the spread by √r. (Scaled
    # up, they overstate it, which is left: desks are noisier than counts.)
    calmed = 1 / math.sqrt(shift.ratio) if shift is not None and shift.ratio < 1 else 1.0
    points = []
    for index, target in enumerate(targets):
        method = chosen[buckets[index]]
        residuals = report.residuals.get((method, buckets[index])) if report else None
        low_q, high_q = _quantiles(residuals, tail)
        scale = math.sqrt(values[index] + 1) * widened
        low, high = low_q * scale * calmed, high_q * scale * calmed
        if shift is not None:
            # A new level read from a few days is itself uncertain, by a share of the mean;
            # independent of the noise, it widens each side by adding their variances.
            level = values[index] * level_z * shift.log_error
            low -= math.hypot(low, level) - abs(low)
            high += math.hypot(high, level) - abs(high)
        points.append(ForecastPoint(target, target.astimezone(history.zone),
                                    float(values[index]), max(0.0, values[index] + low),
                                    max(0.0, values[index] + high), method))
    if report is None:
        notes.append("prediction intervals assume Poisson-like noise around a mean estimated "
                     f"from {weeks} week{'s' if weeks > 1 else ''}, as there is no backtest")
    return points


def _quantiles(residuals: list[float] | None, tail: float) -> tuple[float, float]:
    if residuals:
        low, high = np.quantile(residuals, [tail, 1 - tail])
        return float(low), float(high)
    z = NormalDist().inv_cdf(1 - tail)
    return -z, z


def _apply_overrides(points: list[ForecastPoint],
                     overrides: Sequence[Override]) -> list[ForecastPoint]:
    by_day = {o.day: o for o in overrides}
    day_totals: dict[date, float] = {}
    day_sizes: dict[date, int] = {}
    for point in points:
        day = point.local_start.date()
        day_totals[day] = day_totals.get(day, 0.0) + point.contacts
        day_sizes[day] = day_sizes.get(day, 0) + 1
    result = []
    for point in points:
        day = point.local_start.date()
        override = by_day.get(day)
        if override is None:
            result.append(point)
            continue
        if override.factor is not None:
            factor = override.factor
            result.append(replace(point, contacts=point.contacts * factor,
                                  lower=point.lower * factor, upper=point.upper * factor,
                                  method=f"{point.method} × {factor:g}"))
            continue
        wanted = override.contacts or 0.0
        total = day_totals[day]
        share = point.contacts / total if total else 1 / day_sizes[day]
        value = wanted * share
        result.append(replace(point, contacts=value, lower=value, upper=value,
                              method="override"))
    return result
