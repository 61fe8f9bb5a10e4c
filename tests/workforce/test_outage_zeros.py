"""An outage an export prints as intervals of zero, just before the forecast: a day of nothing
amid normal weeks, which must not be taken for the desk's new level."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hubdesk.workforce.forecast import forecast
from hubdesk.workforce.methods import holt_winters
from hubdesk.workforce.series import History, interval_starts, local_key

from .arrival_shapes import draw, open_with_lunch_dip, round_the_clock

HISTORY_DAYS, AHEAD_DAYS = 84, 14
FIRST = date(2024, 1, 1)
START = FIRST + timedelta(days=HISTORY_DAYS)


def zeroed(history: History, days: list[date]) -> History:
    """The history with every interval of ``days`` printed as zero contacts."""
    counts = {start: 0.0 if local_key(start, history.zone).day in days else count
              for start, count in history.counts.items()}
    return History(history.interval_minutes, history.zone, counts)


def fortnight_error(values: list[float], truth: list[float]) -> float:
    return float(np.abs(np.subtract(values, truth)).sum() / np.sum(truth))


def test_holt_winters_smooths_over_an_outage_printed_as_zeros():
    for shape in (open_with_lunch_dip, round_the_clock):
        drawn = draw(shape, HISTORY_DAYS, AHEAD_DAYS, seed=11)
        targets = interval_starts(START, AHEAD_DAYS, 30, drawn.history.zone)
        truth = [drawn.truth[t] for t in targets]
        outage = [START - timedelta(days=3), START - timedelta(days=4)]
        clean = fortnight_error(holt_winters(drawn.history, targets), truth)
        broken = fortnight_error(holt_winters(zeroed(drawn.history, outage), targets), truth)
        # Taken for the level, two days of nothing cut every day ahead by a third.
        assert broken < clean + 0.03, shape.__name__


def test_a_forecast_after_an_outage_printed_as_zeros_keeps_the_desks_volume():
    drawn = draw(open_with_lunch_dip, HISTORY_DAYS, AHEAD_DAYS, seed=12)
    outage = [START - timedelta(days=2), START - timedelta(days=5)]
    result = forecast(zeroed(drawn.history, outage), AHEAD_DAYS, first_day=START)
    expected = sum(drawn.truth[p.start] for p in result.points)
    assert abs(sum(p.contacts for p in result.points) / expected - 1) < 0.08


def test_a_weekday_the_desk_stopped_opening_is_learnt_after_a_few_weeks():
    drawn = draw(open_with_lunch_dip, HISTORY_DAYS, AHEAD_DAYS, seed=13)
    closed = [d for d in (START - timedelta(days=n) for n in range(1, 36)) if d.weekday() == 2]
    history = zeroed(drawn.history, closed)
    targets = [t for t in interval_starts(START, AHEAD_DAYS, 30, history.zone)
               if local_key(t, history.zone).weekday == 2]
    # Five Wednesdays of nothing: the smoothing no longer reads them as an outage.
    assert sum(holt_winters(history, targets)) < 0.2 * sum(drawn.truth[t] for t in targets)
