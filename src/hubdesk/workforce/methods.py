"""Forecasting methods: each turns a history into contacts for given future intervals.

Every method works on local keys (local day, minute of the day), see ``series``. A method that
the history is too short for raises ``TooLittleHistory`` saying what it needs.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import numpy as np

from hubdesk.workforce.series import History, LocalKey, local_key

AVERAGE_WEEKS = 4
PROFILE_WEEKS = 6
SMOOTHING_MIN_DAYS = 21
# Backtest origins leave a week more than that, as the last days before one may be closed.
BACKTEST_MIN_DAYS = SMOOTHING_MIN_DAYS + 7
# A day under this share of the median of its weekday over the weeks before is smoothed over.
QUIET_SHARE = 0.2
QUIET_WEEKS = 4


class TooLittleHistory(Exception):
    """The method cannot forecast from this history; the message says what it needs."""


Method = Callable[[History, Sequence[datetime]], list[float]]


def _keys(history: History, targets: Sequence[datetime]) -> list[LocalKey]:
    return [local_key(t, history.zone) for t in targets]


def same_weekday_days(history: History, weekday: int, weeks: int) -> list[date]:
    """The ``weeks`` most recent days of the history falling on ``weekday``, newest first."""
    day = history.last_day
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    found: list[date] = []
    while day >= history.first_day and len(found) < weeks:
        if history.has_day(day):
            found.append(day)
        day -= timedelta(days=7)
    return found


def _require_a_week(history: History, method: str) -> None:
    """A weekday absent from a full week of history is a closed day, not a gap."""
    if (history.last_day - history.first_day).days + 1 < 7:
        raise TooLittleHistory(f"{method} needs at least a week of history")


def seasonal_naive(history: History, targets: Sequence[datetime]) -> list[float]:
    """Each interval as on the latest known day of the same weekday, at the same local time."""
    _require_a_week(history, "seasonal naive")
    latest = {weekday: same_weekday_days(history, weekday, 1) for weekday in range(7)}
    return [history.at(latest[k.weekday][0], k.minute) or 0.0 if latest[k.weekday] else 0.0
            for k in _keys(history, targets)]


def weekday_average(history: History, targets: Sequence[datetime],
                    weeks: int = AVERAGE_WEEKS) -> list[float]:
    """The mean of the same weekday and local time over the last ``weeks`` known weeks."""
    _require_a_week(history, "the weekday average")
    recent = {weekday: same_weekday_days(history, weekday, weeks) for weekday in range(7)}
    values = []
    for key in _keys(history, targets):
        days = recent[key.weekday]
        values.append(sum(history.at(d, key.minute) or 0.0 for d in days) / len(days)
                      if days else 0.0)
    return values


def time_of_day_average(history: History, targets: Sequence[datetime]) -> list[float]:
    """The mean at the same local time over the last week of known days, whatever the weekday:
    the fallback for histories shorter than a week."""
    recent = [d for d in history.days if d > history.last_day - timedelta(days=7)]
    return [sum(history.at(d, key.minute) or 0.0 for d in recent) / len(recent)
            for key in _keys(history, targets)]


def _daily_totals(history: History) -> np.ndarray:
    """One total per calendar day from the first to the last, for exponential smoothing,
    which needs an unbroken series and takes a day of almost nothing for a fall in the level.

    A gap day, or a day under `QUIET_SHARE` of the median of its weekday's known totals over
    the weeks before (an outage or a holiday exported as zeros), takes that median, or with no
    week before it the mean of its weekday's known days. Once a weekday has been quiet for
    most of those weeks the median is quiet too, so a day the desk stopped opening is learnt."""
    span = (history.last_day - history.first_day).days + 1
    days = [history.first_day + timedelta(days=i) for i in range(span)]
    totals = [history.day_total(d) for d in days]
    by_weekday: dict[int, list[float]] = {}
    for day, total in zip(days, totals, strict=True):
        if total is not None:
            by_weekday.setdefault(day.weekday(), []).append(total)
    filled = []
    for index, (day, total) in enumerate(zip(days, totals, strict=True)):
        before = [known for week in range(1, QUIET_WEEKS + 1) if index - 7 * week >= 0
                  and (known := totals[index - 7 * week]) is not None]
        usual = float(np.median(before)) if before else None
        if total is None:
            total = usual if usual is not None else float(
                np.mean(by_weekday.get(day.weekday(), [0.0])))
        elif usual is not None and total < QUIET_SHARE * usual:
            total = usual
        filled.append(total)
    return np.asarray(filled, dtype=float)


def _intraday_shares(history: History, weekday: int) -> dict[int, float]:
    """Each local minute's share of the day over the weekday's recent known days."""
    days = same_weekday_days(history, weekday, PROFILE_WEEKS)
    total = sum(history.day_total(d) or 0.0 for d in days)
    if total == 0:
        return {}
    minutes = range(0, 1440, history.interval_minutes)
    return {m: sum(history.at(d, m) or 0.0 for d in days) / total for m in minutes}


def holt_winters(history: History, targets: Sequence[datetime]) -> list[float]:
    """Daily totals by Holt-Winters exponential smoothing (damped additive trend,
    multiplicative weekly seasonality, statsmodels), split into intervals by the weekday's
    recent intraday profile. Smoothing 365 daily totals instead of 17,520 half hours keeps a
    fit short, and the profile carries the within-day shape."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    span = (history.last_day - history.first_day).days + 1
    if span < SMOOTHING_MIN_DAYS:
        raise TooLittleHistory(f"Holt-Winters needs {SMOOTHING_MIN_DAYS} days of history")
    keys = _keys(history, targets)
    ahead = max((k.day - history.last_day).days for k in keys)
    with warnings.catch_warnings():
        # Convergence chatter from the optimiser; a poor fit shows in the backtest anyway.
        warnings.simplefilter("ignore")
        totals = _daily_totals(history)
        # Weekly shape as ratios where every day has contacts; a day of zero needs sums.
        seasonal = "mul" if totals.min() > 0 else "add"
        model = ExponentialSmoothing(totals, trend="add", damped_trend=True,
                                     seasonal=seasonal, seasonal_periods=7,
                                     initialization_method="heuristic")
        # Least squares reaches the same fit as the default optimiser several times faster.
        model = model.fit(use_brute=False, method="least_squares")
        daily = np.maximum(model.forecast(max(ahead, 1)), 0.0)
    shares = {weekday: _intraday_shares(history, weekday) for weekday in range(7)}
    return [float(daily[(key.day - history.last_day).days - 1])
            * shares[key.weekday].get(key.minute, 0.0) for key in keys]


METHODS: dict[str, Method] = {
    "seasonal_naive": seasonal_naive,
    "weekday_average": weekday_average,
    "holt_winters": holt_winters,
    "time_of_day_average": time_of_day_average,
}
# The combination is the mean of these: their errors partly cancel.
COMBINATION = ("weekday_average", "holt_winters")
BACKTESTED = ("seasonal_naive", "weekday_average", "holt_winters", "combination")
# Used, in this order, when the history is too short to backtest.
FALLBACK_ORDER = ("combination", "weekday_average", "time_of_day_average")


def evaluate(names: Sequence[str], history: History, targets: Sequence[datetime],
             ) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Forecasts of each named method (each fitted once), and why any could not run."""
    values: dict[str, np.ndarray] = {}
    skipped: dict[str, str] = {}
    needed = {n for name in names for n in (COMBINATION if name == "combination" else (name,))}
    for name in sorted(needed):
        try:
            values[name] = np.asarray(METHODS[name](history, targets), dtype=float)
        except TooLittleHistory as reason:
            skipped[name] = str(reason)
    if "combination" in names:
        missing = [n for n in COMBINATION if n in skipped]
        if missing:
            skipped["combination"] = f"needs {' and '.join(missing)}"
        else:
            values["combination"] = np.mean([values[n] for n in COMBINATION], axis=0)
    return {n: v for n, v in values.items() if n in names}, \
        {n: why for n, why in skipped.items() if n in names}
