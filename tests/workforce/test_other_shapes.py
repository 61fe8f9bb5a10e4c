"""The forecast on arrival shapes unlike the shared data's: the methods its backtest chooses
beat copying last week (seasonal naive) in the backtest's WAPE and on the unseen weeks."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hubdesk.workforce.forecast import Forecast, forecast
from hubdesk.workforce.methods import evaluate

from .arrival_shapes import (
    Drawn,
    annual_trend,
    draw,
    launch_doubling,
    monday_peaks,
    open_with_lunch_dip,
    round_the_clock,
)

HISTORY_DAYS, AHEAD_DAYS = 126, 14


@pytest.mark.parametrize(("shape", "zone", "history_days"), [
    (open_with_lunch_dip, "UTC", HISTORY_DAYS),
    # 24/7 across the spring change of the clock, from 2024-01-01 to 2024-05-19.
    (round_the_clock, "America/Chicago", HISTORY_DAYS),
    (monday_peaks, "Europe/London", HISTORY_DAYS),
    (annual_trend, "UTC", 240),
], ids=["lunch-dip", "round-the-clock", "monday-peaks", "annual-trend"])
def test_the_chosen_methods_beat_seasonal_naive(shape, zone, history_days):
    drawn = draw(shape, history_days, AHEAD_DAYS, zone=zone, seed=history_days)
    result = forecast(drawn.history, AHEAD_DAYS,
                      first_day=date(2024, 1, 1) + timedelta(days=history_days))
    wape = {(s.method, s.horizon): s.wape for s in result.scores}
    for horizon, method in result.method_by_horizon.items():
        assert wape[method, horizon] < wape["seasonal_naive", horizon], horizon
    assert_closer_to_the_truth_than_seasonal_naive(drawn, result)


def test_a_launch_doubling_the_volume_six_weeks_ago_is_forecast_at_its_new_level():
    """The backtest's origins straddle the launch, where copying last week catches up first,
    so it may still be chosen for day 1; the unseen weeks show the new level."""
    drawn = draw(launch_doubling, HISTORY_DAYS, AHEAD_DAYS, seed=HISTORY_DAYS)
    result = forecast(drawn.history, AHEAD_DAYS,
                      first_day=date(2024, 1, 1) + timedelta(days=HISTORY_DAYS))
    total = sum(p.contacts for p in result.points)
    assert total == pytest.approx(sum(drawn.truth[p.start] for p in result.points), rel=0.1)
    assert_closer_to_the_truth_than_seasonal_naive(drawn, result)


def assert_closer_to_the_truth_than_seasonal_naive(drawn: Drawn, result: Forecast) -> None:
    truth = np.asarray([drawn.truth[p.start] for p in result.points])
    chosen = np.asarray([p.contacts for p in result.points])
    naive = evaluate(["seasonal_naive"], drawn.history, [p.start for p in result.points]
                     )[0]["seasonal_naive"]
    # Against the true means the noise of the unseen weeks drops out.
    assert np.abs(chosen - truth).sum() < 0.7 * np.abs(naive - truth).sum()
    # Every open interval of the unseen weeks is forecast, and no closed one.
    assert {p.start for p in result.points} == {s for s, m in drawn.truth.items()
                                                if m > 0 and s >= result.points[0].start}


@pytest.mark.parametrize("history_days", [7, 14])
@pytest.mark.parametrize("shape", [open_with_lunch_dip, monday_peaks],
                         ids=["lunch-dip", "monday-peaks"])
def test_intervals_without_a_backtest_cover_about_what_they_claim(shape, history_days):
    """Too short a history to backtest: the intervals are Poisson's around a mean estimated
    from one or two weeks, whose own error they must include (Poisson's alone covered 64 %
    after a week)."""
    covered = []
    for seed in range(5):
        drawn = draw(shape, history_days, AHEAD_DAYS, seed=seed)
        result = forecast(drawn.history, AHEAD_DAYS,
                          first_day=date(2024, 1, 1) + timedelta(days=history_days))
        assert not result.scores
        truth = np.asarray([drawn.truth[p.start] for p in result.points])
        actual = np.random.default_rng(seed + 100).poisson(truth)
        inside = [(p.lower <= a <= p.upper) for p, a, t in zip(result.points, actual, truth,
                                                                strict=True) if t > 0]
        covered.append(np.mean(inside))
    assert 0.76 <= np.mean(covered) <= 0.9, covered


def test_days_an_outage_left_out_of_the_export_do_not_mislead_the_choice():
    """Whole days with no row (a system outage) are gaps, not closed days: the backtest still
    chooses methods that beat seasonal naive, and they stay close to the truth."""
    drawn = draw(monday_peaks, HISTORY_DAYS, AHEAD_DAYS, zone="Europe/London", seed=5)
    outage = [date(2024, 1, 1) + timedelta(days=d) for d in (100, 101, 102, 118, 119)]
    result = forecast(drawn.history.without_days(outage), AHEAD_DAYS,
                      first_day=date(2024, 1, 1) + timedelta(days=HISTORY_DAYS))
    wape = {(s.method, s.horizon): s.wape for s in result.scores}
    for horizon, method in result.method_by_horizon.items():
        assert wape[method, horizon] < wape["seasonal_naive", horizon], horizon
    assert_closer_to_the_truth_than_seasonal_naive(drawn, result)
