"""A lasting change of volume (a launch, a client lost) is forecast at its new level: followed
by itself once seen for a week, from the day a planner gives before that, and never found in
steady series."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.forecast import Forecast, forecast
from hubdesk.workforce.level_shift import find_level_shift
from hubdesk.workforce.series import LocalKey

from .arrival_shapes import (
    Drawn,
    Shape,
    annual_trend,
    draw,
    monday_peaks,
    open_with_lunch_dip,
    round_the_clock,
)

HISTORY_DAYS, AHEAD_DAYS = 126, 14
FIRST = date(2024, 1, 1)
TOMORROW = FIRST + timedelta(days=HISTORY_DAYS)  # a Monday


def changed(factor: float, days_ago: int) -> Shape:
    """The lunch-dip centre, its volume times ``factor`` for the last ``days_ago`` days."""
    def shape(key: LocalKey, day: int) -> float:
        return open_with_lunch_dip(key, day) * (factor if day >= HISTORY_DAYS - days_ago
                                                else 1.0)
    return shape


def bias(drawn: Drawn, result: Forecast) -> float:
    truth = sum(drawn.truth[p.start] for p in result.points)
    return sum(p.contacts for p in result.points) / truth - 1


def coverage(drawn: Drawn, result: Forecast, seed: int) -> float:
    truth = np.asarray([drawn.truth[p.start] for p in result.points])
    actual = np.random.default_rng(seed + 100).poisson(truth)
    return float(np.mean([p.lower <= a <= p.upper
                          for p, a in zip(result.points, actual, strict=True)]))


@pytest.mark.parametrize(("factor", "days_ago"), [(2.0, 10), (2.0, 14), (0.6, 10), (0.6, 14)])
def test_a_change_seen_for_over_a_week_is_forecast_at_its_new_level(factor, days_ago):
    """Before, a doubling ten days old was forecast 7-21 % low and two weeks old 5-25 % low;
    a drop to 0.6 ten days old up to 29 % high."""
    biases, covered = [], []
    for seed in range(3):
        drawn = draw(changed(factor, days_ago), HISTORY_DAYS, AHEAD_DAYS, seed=seed)
        result = forecast(drawn.history, AHEAD_DAYS, first_day=TOMORROW)
        since = TOMORROW - timedelta(days=days_ago)
        assert any(f"since {since}" in note and "scaled to it" in note
                   for note in result.notes), result.notes
        biases.append(bias(drawn, result))
        covered.append(coverage(drawn, result, seed))
    assert max(abs(b) for b in biases) < 0.05, biases
    assert 0.75 <= np.mean(covered) <= 0.95, covered


def test_the_change_is_dated_and_measured():
    drawn = draw(changed(2.0, 10), HISTORY_DAYS, 0, seed=4)
    shift = find_level_shift(drawn.history)
    assert shift is not None
    assert shift.since == TOMORROW - timedelta(days=10)
    assert shift.ratio == pytest.approx(2.0, rel=0.1)
    assert shift.applied


@pytest.mark.parametrize("factor", [2.0, 0.6])
def test_a_change_of_a_few_days_is_only_reported_until_it_has_lasted_a_week(factor):
    """Three quiet days may be a holiday: the forecast stays where the weeks before put it,
    and the notes say how to follow the change if it lasts."""
    drawn = draw(changed(factor, 4), HISTORY_DAYS, AHEAD_DAYS, seed=2)
    result = forecast(drawn.history, AHEAD_DAYS, first_day=TOMORROW)
    since = TOMORROW - timedelta(days=4)
    assert any(f"from {since} (`level_from`" in note for note in result.notes), result.notes
    # Not scaled: the change shows only as much as the methods themselves take of it.
    assert abs(bias(drawn, result)) > 0.15


@pytest.mark.parametrize(("factor", "days_ago"), [(2.0, 2), (2.0, 4), (0.6, 3), (0.6, 5)])
def test_a_planner_who_knows_the_day_of_the_change_gets_the_new_level_at_once(factor,
                                                                            days_ago):
    biases = []
    for seed in range(3):
        drawn = draw(changed(factor, days_ago), HISTORY_DAYS, AHEAD_DAYS, seed=seed)
        since = TOMORROW - timedelta(days=days_ago)
        result = forecast(drawn.history, AHEAD_DAYS, first_day=TOMORROW, level_from=since)
        assert any(f"since {since}" in note and "as given" in note for note in result.notes)
        biases.append(bias(drawn, result))
    assert max(abs(b) for b in biases) < 0.12, biases
    assert abs(np.mean(biases)) < 0.05, biases


@pytest.mark.parametrize(("shape", "zone"), [
    (open_with_lunch_dip, "UTC"),
    (monday_peaks, "Europe/London"),
    (round_the_clock, "America/Chicago"),
    (annual_trend, "UTC"),
], ids=["lunch-dip", "monday-peaks", "round-the-clock", "annual-trend"])
def test_no_change_is_found_in_steady_series(shape: Callable[..., float], zone: str):
    for seed in range(2):
        history = draw(shape, 160, 0, zone=zone, seed=seed).history
        for end in range(60, 160, 4):
            cut = history.before(FIRST + timedelta(days=end))
            assert find_level_shift(cut) is None, (seed, end, find_level_shift(cut))


def test_a_low_volume_desk_needs_a_larger_change_than_its_noise():
    """Eight contacts a day swing by a third from day to day: no week of that is a change."""
    def quiet(key: LocalKey, day: int) -> float:
        return open_with_lunch_dip(key, day) / 60

    history = draw(quiet, 160, 0, seed=3).history
    for end in range(60, 160, 3):
        assert find_level_shift(history.before(FIRST + timedelta(days=end))) is None


@pytest.mark.parametrize(("since", "reason"), [
    (TOMORROW + timedelta(days=3), "ends before it"),
    (FIRST + timedelta(days=3), "weeks before"),
    (FIRST, "begins on 2024-01-01"),
    (date(1, 1, 1), "begins on 2024-01-01"),
])
def test_a_level_from_the_history_cannot_measure_is_refused(since, reason):
    drawn = draw(open_with_lunch_dip, HISTORY_DAYS, AHEAD_DAYS, seed=1)
    with pytest.raises(ValidationFailed, match=reason) as refused:
        forecast(drawn.history, AHEAD_DAYS, first_day=TOMORROW, level_from=since)
    assert "level_from" in refused.value.fields


def test_the_command_line_takes_the_day_of_the_change(tmp_path):
    drawn = draw(changed(2.0, 3), HISTORY_DAYS, 7, seed=5)
    path = tmp_path / "arrivals.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interval_start", "contacts"])
        for start, count in sorted(drawn.history.counts.items()):
            writer.writerow([start.isoformat(), int(count)])
    since = TOMORROW - timedelta(days=3)
    runner = CliRunner()
    plain = runner.invoke(app, ["wfm", "forecast", "--csv", str(path), "--days", "7"])
    given = runner.invoke(app, ["wfm", "forecast", "--csv", str(path), "--days", "7",
                                "--level-from", since.isoformat()])
    assert plain.exit_code == 0 and given.exit_code == 0, given.output
    truth = sum(mean for start, mean in drawn.truth.items() if start.date() >= TOMORROW)
    total = {name: sum(i["contacts"] for i in json.loads(run.output)["intervals"])
             for name, run in (("plain", plain), ("given", given))}
    assert total["plain"] < 0.85 * truth
    assert total["given"] == pytest.approx(truth, rel=0.1)
    refused = runner.invoke(app, ["wfm", "forecast", "--csv", str(path), "--days", "7",
                                  "--level-from", "next week"])
    assert refused.exit_code != 0 and "not an ISO date" in refused.output


def test_a_change_is_followed_once_every_weekday_the_desk_opens_has_shown_it():
    """The lunch-dip centre closes on Sundays: six open days, Monday to Saturday, have shown
    every weekday it opens, and the change is followed without waiting for a seventh."""
    drawn = draw(changed(2.0, 7), HISTORY_DAYS, AHEAD_DAYS, seed=0)
    shift = find_level_shift(drawn.history)
    assert shift is not None and shift.days == 6 and shift.applied
    result = forecast(drawn.history, AHEAD_DAYS, first_day=TOMORROW)
    assert abs(bias(drawn, result)) < 0.08
    four_days = find_level_shift(draw(changed(2.0, 4), HISTORY_DAYS, 0, seed=0).history)
    assert four_days is not None and four_days.weekdays_unseen == 3 and not four_days.applied
