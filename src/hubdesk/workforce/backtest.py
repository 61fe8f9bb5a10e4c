"""Rolling-origin backtesting: forecast from past origins, score against what happened.

From each origin (a local midnight) every method sees only the history before it and forecasts
the next days; errors are pooled per horizon bucket (lead day 1, days 2–7, 8–14, …):

* WAPE = Σ|actual − forecast| / Σ actual (weighted absolute percentage error);
* bias = Σ(forecast − actual) / Σ actual (positive: the method over-forecasts);
* RMSE = √(Σ(actual − forecast)² / intervals), by which the method of each horizon is chosen.

Staffing needs the mean number of arrivals. Absolute error is least at the median instead,
which for intervals of a few contacts is zero: there WAPE cannot tell a forecast of the mean
from noise (the true means score no better than last week's counts), and choosing by it picked
last week's counts at random. Squared error is least at the mean, at any volume.

Residuals are kept scaled by √(forecast + 1), roughly the Poisson noise of a count, so their
quantiles give prediction intervals that widen with the level (see ``forecast``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from hubdesk.workforce.methods import evaluate
from hubdesk.workforce.series import History, interval_starts, local_key

# Lead-day buckets (first, last); the last is open-ended.
BUCKETS: tuple[tuple[int, int], ...] = ((1, 1), (2, 7), (8, 14), (15, 28), (29, 10_000))


def bucket_of(lead_day: int) -> str:
    for first, last in BUCKETS:
        if first <= lead_day <= last:
            return bucket_name(first, last)
    raise ValueError(lead_day)


def bucket_name(first: int, last: int) -> str:
    if first == last:
        return f"day {first}"
    return f"days {first}+" if last >= 10_000 else f"days {first}-{last}"


def buckets_within(horizon_days: int) -> list[str]:
    return [bucket_name(f, last) for f, last in BUCKETS if f <= horizon_days]


@dataclass
class _Tally:
    absolute: float = 0.0
    signed: float = 0.0
    actual: float = 0.0
    squared: float = 0.0
    intervals: int = 0
    residuals: list[float] = field(default_factory=list)

    def add(self, forecast: np.ndarray, actual: np.ndarray) -> None:
        self.absolute += float(np.abs(actual - forecast).sum())
        self.signed += float((forecast - actual).sum())
        self.actual += float(actual.sum())
        self.squared += float(((actual - forecast) ** 2).sum())
        self.intervals += len(actual)
        # Closed intervals (nothing forecast, nothing came) would pile residuals at zero and
        # narrow the prediction intervals of open ones.
        scored = (actual > 0) | (forecast > 0)
        self.residuals.extend(((actual[scored] - forecast[scored])
                               / np.sqrt(forecast[scored] + 1)).tolist())


@dataclass(frozen=True)
class Score:
    method: str
    horizon: str
    wape: float
    bias: float
    origins: int
    rmse: float


@dataclass
class Backtest:
    origins: list[date]
    scores: list[Score]
    residuals: dict[tuple[str, str], list[float]]
    skipped: dict[str, str]

    def best(self, horizon: str) -> str | None:
        ranked = [s for s in self.scores if s.horizon == horizon]
        return min(ranked, key=lambda s: s.rmse).method if ranked else None


def choose_origins(history: History, horizon_days: int, count: int, step_days: int,
                   min_train_days: int) -> list[date]:
    origins: list[date] = []
    origin = history.last_day + timedelta(days=1 - horizon_days)
    while len(origins) < count and (origin - history.first_day).days >= min_train_days:
        origins.append(origin)
        origin -= timedelta(days=step_days)
    return sorted(origins)


def run_backtest(history: History, methods: Sequence[str], horizon_days: int,
                 origins: Sequence[date]) -> Backtest:
    tallies: dict[tuple[str, str], _Tally] = {}
    skipped: dict[str, str] = {}
    for origin in origins:
        train = history.before(origin)
        targets = [t for t in interval_starts(origin, horizon_days, history.interval_minutes,
                                              history.zone)
                   if history.has_day(local_key(t, history.zone).day)]
        if not targets:
            continue
        keys = [local_key(t, history.zone) for t in targets]
        actual = np.asarray([history.at(k.day, k.minute) for k in keys], dtype=float)
        leads = np.asarray([bucket_of((k.day - origin).days + 1) for k in keys])
        forecasts, why = evaluate([m for m in methods if m not in skipped], train, targets)
        skipped.update(why)
        for name, forecast in forecasts.items():
            for horizon in np.unique(leads):
                mask = leads == horizon
                tallies.setdefault((name, str(horizon)), _Tally()).add(forecast[mask],
                                                                       actual[mask])
    scores = [Score(name, horizon, t.absolute / t.actual if t.actual else float("nan"),
                    t.signed / t.actual if t.actual else float("nan"), len(origins),
                    math.sqrt(t.squared / t.intervals) if t.intervals else float("nan"))
              for (name, horizon), t in sorted(tallies.items()) if name not in skipped]
    residuals = {key: t.residuals for key, t in tallies.items() if key[0] not in skipped}
    return Backtest(list(origins), scores, residuals, skipped)
