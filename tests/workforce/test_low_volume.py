"""A desk of a few contacts a day: most intervals count zero or one, and the forecast must
still be of the mean, which staffing needs, rather than of last week's counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hubdesk.workforce.forecast import forecast
from hubdesk.workforce.series import LocalKey

from .arrival_shapes import draw, open_with_lunch_dip

HISTORY_DAYS, AHEAD_DAYS = 98, 14


def a_few_contacts_a_day(key: LocalKey, day: int) -> float:
    """The lunch-dip centre at a hundredth of its volume: about eight contacts a weekday."""
    return open_with_lunch_dip(key, day) / 100


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_a_few_contacts_a_day_are_forecast_at_their_mean(seed):
    drawn = draw(a_few_contacts_a_day, HISTORY_DAYS, AHEAD_DAYS, seed=seed)
    start = date(2024, 1, 1) + timedelta(days=HISTORY_DAYS)
    result = forecast(drawn.history, AHEAD_DAYS, first_day=start)
    # Last week's counts are as far from the true means as the means' own noise is by WAPE,
    # but twice as far by squared error: they must never be the choice here.
    assert "seasonal_naive" not in result.method_by_horizon.values()
    scores = {(s.method, s.horizon): s for s in result.scores}
    for horizon, method in result.method_by_horizon.items():
        assert scores[method, horizon].rmse < scores["seasonal_naive", horizon].rmse
    # The fortnight's days are forecast closer to their true totals than last week's were.
    forecast_days: dict[date, float] = {}
    for point in result.points:
        day = point.local_start.date()
        forecast_days[day] = forecast_days.get(day, 0.0) + point.contacts
    true_days: dict[date, float] = {}
    last_week: dict[date, float] = {}
    for moment, mean in drawn.truth.items():
        day = moment.date()
        if day >= start:
            true_days[day] = true_days.get(day, 0.0) + mean
    for day in true_days:
        last_week[day] = drawn.history.day_total(
            day - timedelta(days=7 * (1 + (day - start).days // 7))) or 0.0
    chosen_error = sum(abs(forecast_days.get(d, 0.0) - t) for d, t in true_days.items())
    naive_error = sum(abs(last_week[d] - t) for d, t in true_days.items())
    assert chosen_error < 0.8 * naive_error
