"""Daily totals, the export some systems give and a planner's long-range view, are forecast
per local day: each day whole from its local midnight, across changes of the clock, closed
days left out, and the choice of method as good as on intervals."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.forecast import forecast
from hubdesk.workforce.methods import evaluate
from hubdesk.workforce.series import History, history_from_rows, interval_starts, read_rows

from .arrival_shapes import Drawn, draw, monday_peaks, open_with_lunch_dip

HISTORY_DAYS, AHEAD_DAYS = 126, 14
FIRST = date(2024, 1, 1)
runner = CliRunner()


def per_day(drawn: Drawn, zone: ZoneInfo) -> tuple[History, dict[date, float]]:
    """The drawn intervals added up per local day (a closed day has no row), and each day's
    true mean, also beyond the history."""
    counts: dict[datetime, float] = {}
    for start, count in drawn.history.counts.items():
        local = start.astimezone(zone)
        midnight = datetime(local.year, local.month, local.day, tzinfo=zone).astimezone(UTC)
        counts[midnight] = counts.get(midnight, 0.0) + count
    truth: dict[date, float] = {}
    for start, mean in drawn.truth.items():
        day = start.astimezone(zone).date()
        truth[day] = truth.get(day, 0.0) + mean
    return history_from_rows(sorted(counts.items()), 1440, zone), truth


@pytest.mark.parametrize(("shape", "zone"), [(open_with_lunch_dip, "UTC"),
                                             (monday_peaks, "America/Chicago")],
                         ids=["lunch-dip", "monday-peaks-chicago"])
def test_daily_totals_are_forecast_per_local_day_closer_than_copying_last_week(shape, zone):
    tz = ZoneInfo(zone)
    # From 2024-01-01, the 126 days cross Chicago's change of the clock on 10 March.
    history, truth = per_day(draw(shape, HISTORY_DAYS, AHEAD_DAYS, zone=zone, seed=3), tz)
    start = FIRST + timedelta(days=HISTORY_DAYS)
    result = forecast(history, AHEAD_DAYS, first_day=start)
    assert result.interval_minutes == 1440
    open_days = [d for d in (start + timedelta(days=i) for i in range(AHEAD_DAYS))
                 if truth[d] > 0]
    assert [p.local_start.date() for p in result.points] == open_days
    assert all(p.local_start.time() == datetime.min.time() for p in result.points)
    wape = {(s.method, s.horizon): s.wape for s in result.scores}
    for horizon, method in result.method_by_horizon.items():
        assert wape[method, horizon] < wape["seasonal_naive", horizon], horizon
    forecast_days = np.asarray([p.contacts for p in result.points])
    true_days = np.asarray([truth[p.local_start.date()] for p in result.points])
    naive = evaluate(["seasonal_naive"], history, [p.start for p in result.points]
                     )[0]["seasonal_naive"]
    assert np.abs(forecast_days - true_days).sum() < np.abs(naive - true_days).sum()
    assert np.abs(forecast_days - true_days).sum() / true_days.sum() < 0.02
    assert all(p.lower <= p.contacts <= p.upper for p in result.points)


def test_a_day_of_the_clock_change_is_one_interval():
    chicago = ZoneInfo("America/Chicago")
    days = interval_starts(date(2024, 3, 9), 3, 1440, chicago)
    assert [d.astimezone(chicago).isoformat() for d in days] == [
        "2024-03-09T00:00:00-06:00", "2024-03-10T00:00:00-06:00", "2024-03-11T00:00:00-05:00"]
    days = interval_starts(date(2024, 11, 2), 3, 1440, chicago)
    assert len(days) == 3 and {d.astimezone(chicago).hour for d in days} == {0}


def write(path: Path, rows: list[tuple[str, object]], header: tuple[str, str]) -> str:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return str(path)


def test_the_command_forecasts_daily_rows_however_they_are_stamped(tmp_path: Path):
    """Days as dates, as midnights, or stamped at noon give the same forecast, one row per
    local day, its notes saying it is of whole days."""
    history, _ = per_day(draw(open_with_lunch_dip, 70, 0, seed=8), ZoneInfo("UTC"))
    totals = [(start.date(), int(count)) for start, count in sorted(history.counts.items())]
    files = {
        "dates": write(tmp_path / "dates.csv", [(str(d), n) for d, n in totals],
                       ("date", "calls")),
        "midnights": write(tmp_path / "midnights.csv",
                           [(f"{d} 00:00", n) for d, n in totals], ("timestamp", "count")),
        "noons": write(tmp_path / "noons.csv", [(f"{d}T12:00:00Z", n) for d, n in totals],
                       ("interval_start", "contacts")),
    }
    answers = {}
    for name, path in files.items():
        result = runner.invoke(app, ["wfm", "forecast", "--csv", path, "--days", "7"])
        assert result.exit_code == 0, (name, result.output)
        answers[name] = json.loads(result.output)
    for answer in answers.values():
        assert answer["interval_minutes"] == 1440
        assert any("daily totals" in note for note in answer["notes"])
        # Six open days of the week: Sundays are closed and have no row.
        assert len(answer["intervals"]) == 6
        assert [i["contacts"] for i in answer["intervals"]] == \
            [i["contacts"] for i in answers["dates"]["intervals"]]


def test_a_contact_log_is_counted_per_day_when_asked(tmp_path: Path):
    rows = []
    for day in range(35):
        when = datetime(2024, 1, 1, 9, tzinfo=UTC) + timedelta(days=day)
        rows += [(when + timedelta(minutes=7 * i)).isoformat() for i in range(20 + day % 7)]
    path = tmp_path / "log.csv"
    path.write_text("created_at\n" + "\n".join(rows) + "\n")
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(path), "--days", "7",
                                 "--interval", "1440"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["interval_minutes"] == 1440
    # Each weekday has had the same number of contacts every week: 20 on Mondays, 26 on
    # Sundays.
    assert [round(i["contacts"]) for i in answer["intervals"]] == [20, 21, 22, 23, 24, 25, 26]


def test_totals_stamped_at_midnight_in_utc_are_the_days_they_name_in_the_desks_zone(
        tmp_path: Path):
    """In Chicago a UTC midnight is the evening before, at 18:00 or 19:00 across the change
    of the clock: such stamps name their UTC date, the desk's day of that date."""
    chicago = ZoneInfo("America/Chicago")
    history, _ = per_day(draw(monday_peaks, 84, 0, zone="America/Chicago", seed=2), chicago)
    totals = [(start.astimezone(chicago).date(), int(count))
              for start, count in sorted(history.counts.items())]
    dates = write(tmp_path / "dates.csv", [(str(d), n) for d, n in totals], ("date", "calls"))
    utc = write(tmp_path / "utc.csv", [(f"{d}T00:00:00Z", n) for d, n in totals],
                ("interval_start", "contacts"))
    answers = []
    for path in (dates, utc):
        result = runner.invoke(app, ["wfm", "forecast", "--csv", path, "--days", "7",
                                     "--tz", "America/Chicago"])
        assert result.exit_code == 0, result.output
        answers.append(json.loads(result.output))
    assert answers[0]["first_day"] == answers[1]["first_day"] == str(
        totals[-1][0] + timedelta(days=1))
    assert [i["contacts"] for i in answers[0]["intervals"]] == \
        [i["contacts"] for i in answers[1]["intervals"]]


def test_a_day_given_twice_is_refused_as_a_copy_without_talk_of_clocks():
    with pytest.raises(ValidationFailed, match="line 3 repeats the interval of line 2") as copy:
        read_rows("date,calls\n2024-03-05,120\n2024-03-05,130\n", ZoneInfo("UTC"))
    assert "clock" not in str(copy.value)
