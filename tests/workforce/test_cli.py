"""`hubdesk wfm`: forecast a CSV, staff the forecast, evaluate one queue; clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.workforce.erlang_c import erlang_c
from hubdesk.workforce.load import Load

from .conftest import synthetic_history

runner = CliRunner()


def write_history(path: Path, days: int) -> Path:
    history = synthetic_history(days, zone="Europe/Paris")
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["interval_start", "contacts"])
        for start, count in sorted(history.counts.items()):
            writer.writerow([start.astimezone(history.zone).isoformat(), int(count)])
    return path


def test_the_interval_length_is_read_from_the_rows_when_not_given(tmp_path):
    """An hourly export read as half-hours would make every other interval look closed."""
    history = synthetic_history(42, zone="Europe/Paris")
    hourly: dict = {}
    for start, count in history.counts.items():
        local = start.astimezone(history.zone)
        hour = local.replace(minute=0)
        hourly[hour] = hourly.get(hour, 0) + int(count)
    path = tmp_path / "hourly.csv"
    path.write_text("interval_start,contacts\n" + "".join(
        f"{start.isoformat()},{count}\n" for start, count in sorted(hourly.items())))
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(path), "--horizon", "7d",
                                 "--tz", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    forecast = json.loads(result.output)
    assert forecast["interval_minutes"] == 60
    assert len(forecast["intervals"]) == 6 * 12  # six open days of twelve hours
    assert min(i["contacts"] for i in forecast["intervals"]) > 0  # no hour looks closed
    odd = tmp_path / "odd.csv"
    odd.write_text("interval_start,contacts\n2024-01-01T08:00:00+00:00,3\n"
                   "2024-01-01T08:20:00+00:00,4\n")
    refused = runner.invoke(app, ["wfm", "forecast", "--csv", str(odd)])
    assert refused.exit_code != 0 and "fit none of the interval lengths" in refused.output


def test_a_contact_log_is_forecast_per_half_hour(tmp_path):
    """One row per call, as a phone system exports it: counted per half hour by default,
    per quarter hour when asked."""
    history = synthetic_history(28, zone="Europe/Paris")
    path = tmp_path / "calls.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["call_id", "started_at", "duration_s"])
        calls = 0
        for start, count in sorted(history.counts.items()):
            local = start.astimezone(history.zone).replace(tzinfo=None)
            for n in range(int(count)):
                calls += 1
                writer.writerow([calls, local.replace(minute=local.minute + n % 30), 180])
    halves = runner.invoke(app, ["wfm", "forecast", "--csv", str(path), "--horizon", "7d",
                                 "--tz", "Europe/Paris"])
    assert halves.exit_code == 0, halves.output
    forecast = json.loads(halves.output)
    assert forecast["interval_minutes"] == 30
    assert 0.9 < sum(i["contacts"] for i in forecast["intervals"]) / (
        sum(history.counts.values()) / 4) < 1.1  # a week's worth of a four-week history
    quarters = runner.invoke(app, ["wfm", "forecast", "--csv", str(path), "--horizon", "7d",
                                   "--tz", "Europe/Paris", "--interval", "15"])
    assert quarters.exit_code == 0, quarters.output
    assert json.loads(quarters.output)["interval_minutes"] == 15


def test_forecast_then_staff(tmp_path):
    history = write_history(tmp_path / "history.csv", 42)
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(history), "--interval", "30",
                                 "--horizon", "7d", "--tz", "Europe/Paris"])
    assert result.exit_code == 0, result.output
    forecast = json.loads(result.output)
    assert set(forecast["method_by_horizon"]) == {"day 1", "days 2-7"}
    assert {s["method"] for s in forecast["backtest"]} == {
        "seasonal_naive", "weekday_average", "holt_winters", "combination"}
    intervals = forecast["intervals"]
    assert len(intervals) == 6 * 24  # six open days of twelve hours
    assert intervals[0]["local_start"].endswith("+01:00")

    staffing_input = tmp_path / "forecast.csv"
    staffing_input.write_text("interval_start,contacts\n" + "".join(
        f"{i['interval_start']},{i['contacts']}\n" for i in intervals))
    result = runner.invoke(app, ["wfm", "staff", "--csv", str(staffing_input), "--aht", "180",
                                 "--target", "0.8", "--within", "20", "--shrinkage", "0.3"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["model"] == "erlang_c"
    busiest = max(plan["intervals"], key=lambda i: i["contacts"])
    load = Load(arrivals=busiest["contacts"], interval_s=1800, aht_s=180)
    agents = busiest["agents"]
    assert erlang_c(load, agents - 1).service_level < 0.8 <= erlang_c(load, agents).service_level
    assert busiest["staff_rounded"] == plan["peak_staff"]
    assert busiest["staff"] == pytest.approx(agents / 0.7, abs=1e-5)


def test_forecast_as_csv_from_a_start_in_local_time(tmp_path):
    history = write_history(tmp_path / "history.csv", 42)
    result = runner.invoke(app, ["wfm", "forecast", "--history", str(history),
                                 "--start", "2024-02-05", "--days", "2",
                                 "--interval-minutes", "30", "--tz", "Europe/Paris",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows[0] == {"timestamp": "2024-02-05T08:00:00", "forecast": rows[0]["forecast"]}
    assert len(rows) == 2 * 24
    assert all(float(r["forecast"]) >= 0 for r in rows)
    # The CSV forecast is what `staff` reads.
    forecast_csv = tmp_path / "forecast.csv"
    forecast_csv.write_text(result.output)
    staffed = runner.invoke(app, ["wfm", "staff", "--csv", str(forecast_csv), "--aht", "180",
                                  "--asa", "15", "--tz", "Europe/Paris"])
    assert staffed.exit_code == 0, staffed.output
    assert all(i["asa_s"] <= 15 for i in json.loads(staffed.output)["intervals"])
    # A start within the day keeps the stated number of days from that moment on.
    result = runner.invoke(app, ["wfm", "forecast", "--history", str(history),
                                 "--start", "2024-02-05T12:00", "--days", "1",
                                 "--tz", "Europe/Paris", "--format", "csv"])
    stamps = [r["timestamp"] for r in csv.DictReader(io.StringIO(result.output))]
    assert stamps[0] == "2024-02-05T12:00:00" and stamps[-1] == "2024-02-06T11:30:00"
    assert len(stamps) == 24


def test_the_history_form_prints_csv_and_the_csv_form_json(tmp_path):
    history = write_history(tmp_path / "history.csv", 42)
    common = ["--start", "2024-02-05T07:00", "--days", "7", "--interval-minutes", "30"]
    result = runner.invoke(app, ["wfm", "forecast", "--history", str(history), *common])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert list(rows[0]) == ["timestamp", "forecast"]
    assert rows[0]["timestamp"] == "2024-02-05T07:00:00"
    assert "2024-02-05T07:00" <= rows[-1]["timestamp"] < "2024-02-12T07:00"
    as_json = runner.invoke(app, ["wfm", "forecast", "--csv", str(history), *common])
    intervals = json.loads(as_json.output)["intervals"]
    assert [round(i["contacts"], 4) for i in intervals] == [
        float(row["forecast"]) for row in rows]
    chosen = runner.invoke(app, ["wfm", "forecast", "--history", str(history), *common,
                                 "--format", "json"])
    assert "backtest" in json.loads(chosen.output)
    for twice_or_none in ([], ["--csv", str(history), "--history", str(history)]):
        refused = runner.invoke(app, ["wfm", "forecast", *twice_or_none, *common])
        assert refused.exit_code == 1 and "give the history once" in refused.output


def test_erlang_c_and_a_for_one_interval():
    result = runner.invoke(app, ["wfm", "erlang", "--arrivals", "100", "--interval-s", "1800",
                                 "--aht-s", "180", "--agents", "14", "--target-s", "20"])
    assert result.exit_code == 0, result.output
    measures = json.loads(result.output)
    assert measures["p_wait"] == pytest.approx(0.174132, abs=1e-6)
    assert measures["service_level"] == pytest.approx(0.888350, abs=1e-6)
    result = runner.invoke(app, ["wfm", "erlang", "--arrivals", "100", "--aht-s", "180",
                                 "--agents", "12", "--patience-s", "120"])
    assert json.loads(result.output)["p_abandon"] == pytest.approx(0.061597, rel=1e-3)


@pytest.mark.parametrize(("content", "options", "message"), [
    ("interval_start,contacts\n2024-01-01T08:00:00+00:00,-3\n", [], "zero or more"),
    ("interval_start,contacts\n2024-01-01T08:00:00+00:00,\n", [], "no row of the CSV has a "
                                                                 "count"),
    ("interval_start,contacts\n2024-01-01T08:00:00+00:00,4\n", ["--target", "1.0",
                                                               "--within", "0"], "100 %"),
    ("interval_start,contacts\n2024-01-01T08:00:00+00:00,4\n", ["--aht", "0"], "aht_s"),
])
def test_bad_staffing_input_fails_with_a_message(tmp_path, content, options, message):
    path = tmp_path / "forecast.csv"
    path.write_text(content)
    arguments = ["wfm", "staff", "--csv", str(path), "--aht", "180", "--target", "0.8",
                 "--interval", "30", *options]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert message in result.output


def test_a_missing_file_and_an_unknown_zone_are_reported(tmp_path):
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1 and "cannot read" in result.output
    history = write_history(tmp_path / "history.csv", 14)
    result = runner.invoke(app, ["wfm", "forecast", "--csv", str(history), "--tz", "Mars/Base"])
    assert result.exit_code == 1 and "unknown time zone" in result.output
