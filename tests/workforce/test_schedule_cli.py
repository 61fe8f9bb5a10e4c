"""`hubdesk wfm schedule` and `hubdesk wfm instance`: the JSON contract, the shipped instance
and one-line errors with exit code 2."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app

runner = CliRunner()
BANK_WEEK = Path(str(files("hubdesk.workforce") / "instances" / "bank_week.json"))


def covered(payload: dict[str, Any], shifts: list[dict[str, Any]], mode: str) -> list[int]:
    per_day = 1440 // payload["interval_minutes"]
    horizon = payload["days"] * per_day
    days = payload.get("tour_work_days", 5) if mode == "tours" else 1
    present = [0] * horizon
    for shift in shifts:
        for day in range(days):
            for offset in range(payload["shift"]["length_intervals"]):
                if offset != shift["break_offset"]:
                    present[(shift["start"] + day * per_day + offset) % horizon] += \
                        shift["count"]
    return present


def run(path: Path, *options: str) -> Any:
    return runner.invoke(app, ["wfm", "schedule", "--instance", str(path), *options])


def test_the_answer_is_one_json_object_that_covers_the_demand(tmp_path):
    payload = {"interval_minutes": 60, "days": 2, "demand": [1] * 8 + [2] * 8 + [0] * 32,
               "shift": {"length_intervals": 8, "break_offsets": [3, 4]}, "mode": "shifts",
               "cyclic": False}
    path = tmp_path / "instance.json"
    path.write_text(json.dumps(payload))
    result = run(path)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert set(answer) == {"agents", "lower_bound", "optimal", "seconds", "shifts"}
    assert answer["optimal"] is True and answer["agents"] >= answer["lower_bound"]
    assert all(set(s) == {"start", "break_offset", "count"} for s in answer["shifts"])
    assert answer["agents"] == sum(s["count"] for s in answer["shifts"])
    present = covered(payload, answer["shifts"], "shifts")
    assert all(p >= d for p, d in zip(present, payload["demand"], strict=True))


@pytest.mark.parametrize(("mode", "agents"), [("shifts", 125), ("tours", 28)])
def test_the_shipped_bank_week_is_solved_to_its_proven_optimum(mode, agents):
    payload = json.loads(BANK_WEEK.read_text())
    result = run(BANK_WEEK, "--mode", mode, "--time-limit", "60")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert (answer["agents"], answer["optimal"]) == (agents, True)
    assert answer["lower_bound"] <= agents
    present = covered(payload, answer["shifts"], mode)
    assert all(p >= d for p, d in zip(present, payload["demand"], strict=True))


def test_the_shipped_instance_is_made_by_the_documented_command(shared_data: Path):
    arrivals = shared_data / "anonymous_bank_1999" / "arrivals_30min.csv"
    if not arrivals.exists():
        pytest.skip(f"{arrivals} not found")
    shipped = json.loads(BANK_WEEK.read_text())
    result = runner.invoke(app, ["wfm", "instance", "--csv", str(arrivals), "--start",
                                 "1999-11-07", "--aht", "180.9", "--target", "0.8",
                                 "--within", "20", "--description", shipped["description"]])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == shipped


@pytest.mark.parametrize(("content", "message"), [
    ('{"interval_minutes": 30, "days": 1, "demand": [1, -2], "shift": '
     '{"length_intervals": 16}}', "demand: has 2 values but 1 days of 48 intervals need 48"),
    ('{"interval_minutes": 60, "days": 1, "demand": [' + ", ".join(["1"] * 23) + ', -2], '
     '"shift": {"length_intervals": 4}}', "demand[23]: must be 0 or more, not -2"),
    ('{"interval_minutes": 60, "days": 1, "demand": [' + ", ".join(["1"] * 24) + '], '
     '"shift": {"length_intervals": 4, "break_offsets": [4]}}',
     "shift.break_offsets[0]: 4 is outside the shift of 4 intervals"),
    ('{"interval_minutes": 60, "days": 1, "demand": [' + ", ".join(["0"] * 23) + ', 1], '
     '"shift": {"length_intervals": 2, "break_offsets": [1]}, "cyclic": false}',
     "interval 23 (day 1, 23:00) needs 1 agents but no allowed shift covers it"),
    ('{"interval_minutes": 60,', "is not JSON"),
])
def test_bad_input_is_one_line_naming_the_field_and_exit_code_2(tmp_path, content, message):
    path = tmp_path / "instance.json"
    path.write_text(content)
    result = run(path)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_missing_file_and_bad_options_are_reported(tmp_path):
    result = run(tmp_path / "nope.json")
    assert result.exit_code == 2 and "cannot read" in result.output
    result = run(BANK_WEEK, "--mode", "weekly")
    assert result.exit_code == 2 and "mode" in result.output
    result = run(BANK_WEEK, "--gap", "2")
    assert result.exit_code == 2 and "gap" in result.output


def test_staffing_prints_csv_on_request(tmp_path):
    path = tmp_path / "forecast.csv"
    path.write_text("interval_start,contacts\n2024-01-01T08:00:00+00:00,100\n"
                    "2024-01-01T08:30:00+00:00,0\n")
    result = runner.invoke(app, ["wfm", "staff", "--csv", str(path), "--aht", "180",
                                 "--target", "0.8", "--shrinkage", "0.3", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "interval_start,contacts,agents,staff,staff_rounded",
        "2024-01-01T08:00:00+00:00,100,14,20.0000,20",
        "2024-01-01T08:30:00+00:00,0,0,0.0000,0"]
