"""Forecasts on a year of real call-centre arrivals ("Anonymous Bank", Israel, 1999), scored on
weeks the method choice has not seen."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from hubdesk.workforce.backtest import bucket_of
from hubdesk.workforce.forecast import forecast
from hubdesk.workforce.methods import evaluate
from hubdesk.workforce.series import History, history_from_rows, interval_of, local_key, read_rows

# Two Sundays late in the year, away from the holidays.
STARTS = (date(1999, 11, 7), date(1999, 12, 12))


@pytest.fixture(scope="module")
def bank(shared_data: Path) -> History:
    path = shared_data / "anonymous_bank_1999" / "arrivals_30min.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    # Local clock times; the series has 48 half hours every day, so no zone shift is applied.
    zone = ZoneInfo("UTC")
    return history_from_rows(read_rows(path.read_text(), zone), 30, zone)


def test_the_chosen_forecast_is_as_good_as_the_best_baseline_on_unseen_weeks(bank, capsys):
    errors: dict[tuple[str, str], list[float]] = {}
    for start in STARTS:
        result = forecast(bank, 7, first_day=start)
        targets = [p.start for p in result.points]
        keys = [local_key(t, bank.zone) for t in targets]
        actual = np.asarray([bank.at(k.day, k.minute) or 0.0 for k in keys])
        horizons = np.asarray([bucket_of((k.day - start).days + 1) for k in keys])
        candidates, _ = evaluate(["seasonal_naive", "weekday_average", "holt_winters",
                                  "combination"], bank.before(start), targets)
        candidates["chosen"] = np.asarray([p.contacts for p in result.points])
        for name, values in candidates.items():
            for horizon in ("day 1", "days 2-7"):
                mask = horizons == horizon
                errors.setdefault((name, horizon), [0.0, 0.0])
                errors[(name, horizon)][0] += float(np.abs(values[mask] - actual[mask]).sum())
                errors[(name, horizon)][1] += float(actual[mask].sum())
    wape = {key: absolute / total for key, (absolute, total) in errors.items()}
    with capsys.disabled():
        print("\nWAPE on unseen weeks of the Anonymous Bank data (30-minute intervals):")
        for (name, horizon), value in sorted(wape.items()):
            print(f"  {name:16} {horizon:9} {value:.3f}")
    for horizon in ("day 1", "days 2-7"):
        baselines = [wape[(name, horizon)] for name in ("seasonal_naive", "weekday_average")]
        # Picked from the backtest before each start, so a small miss against the best
        # baseline on these particular weeks is possible; a large one is a bug.
        assert wape[("chosen", horizon)] <= min(baselines) * 1.05
        assert wape[("weekday_average", horizon)] < 0.3


def test_an_it_service_desks_hourly_arrivals_beat_seasonal_naive_in_the_backtest(shared_data,
                                                                                 capsys):
    """ServiceNow incidents opened per hour, 2016: the export ends at 11:00 on its last day,
    which is left out rather than read as a day that closed then."""
    path = shared_data / "servicenow_incidents_2016" / "arrivals_hourly.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    zone = ZoneInfo("UTC")
    rows = read_rows(path.read_text(), zone)
    result = forecast(history_from_rows(rows, interval_of(rows, zone), zone), 7)
    assert any("ends at 11:00" in note and "unfinished" in note for note in result.notes)
    wape = {(s.method, s.horizon): s.wape for s in result.scores}
    with capsys.disabled():
        print("\nBacktest WAPE on the ServiceNow hourly arrivals (chosen vs seasonal naive):")
        for horizon, method in result.method_by_horizon.items():
            print(f"  {horizon:9} {method:14} {wape[method, horizon]:.3f} "
                  f"{wape['seasonal_naive', horizon]:.3f}")
    for horizon, method in result.method_by_horizon.items():
        assert wape[method, horizon] < 0.85 * wape["seasonal_naive", horizon]
