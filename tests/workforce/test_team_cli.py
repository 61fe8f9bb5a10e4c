"""`hubdesk wfm team`: a team's JSON in, each agent's week out; bad teams named, exit code 2."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.workforce.team_json import team_from_json, team_to_json
from hubdesk.workforce.team_sample import sample_team

runner = CliRunner()


def small_team(**changes: Any) -> dict[str, Any]:
    demand = [0] * 48
    demand[9] = demand[10] = 1  # day 1, 09:00-11:00
    demand[24 + 22] = 1  # day 2, 22:00
    payload = {
        "interval_minutes": 60, "days": 2, "weekend_days": [],
        "templates": [{"name": "day", "start_minute": 480, "length_intervals": 8},
                      {"name": "late", "start_minute": 900, "length_intervals": 8}],
        "contracts": [{"name": "any", "min_hours": 0, "max_hours": 16, "max_days": 2,
                       "templates": ["day", "late"]}],
        "agents": [{"name": "Ada", "contract": "any", "skills": ["en"]},
                   {"name": "Bruno", "contract": "any", "skills": ["en"], "prefers": "late"}],
        "demand": {"en": demand}}
    return {**payload, **changes}


def test_each_agents_week_is_printed(tmp_path):
    path = tmp_path / "team.json"
    path.write_text(json.dumps(small_team()))
    result = runner.invoke(app, ["wfm", "team", "--instance", str(path), "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["feasible"] and answer["optimal"] and answer["problems"] == []
    weeks = {a["name"]: [(s["day"], s["template"]) for s in a["shifts"]]
             for a in answer["agents"]}
    assert weeks == {"Ada": [(0, "day")], "Bruno": [(1, "late")]}
    assert answer["paid_hours"] == 16 and answer["preferences_broken"] == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"agents": [{"name": "Ada", "skills": ["en"]}]}, "agents[0].contract: is required"),
    ({"agents": [{"name": "Ada", "contract": "any", "skills": ["en"], "prefers": "noon"}]},
     "agents[0].prefers: must be"),
    ({"demand": {"en": [1.5] + [0] * 47}}, "demand[en][0]: must be a whole number"),
    ({"demand": {"en": [0] * 47}}, "demand[en]: has 47 values, not 48"),
    ({"templates": [{"name": "day", "start_minute": 480, "length_intervals": 8,
                     "break_offset": 9}]}, "break offset 9 is outside the shift"),
    ({"agents": [{"name": "Ada", "contract": "any", "skills": ["fr"]}]},
     "needs 1 agents for en but only 0 with that skill"),
])
def test_bad_teams_are_one_line_naming_the_field_and_exit_code_2(tmp_path, change, message):
    path = tmp_path / "team.json"
    path.write_text(json.dumps(small_team(**change)))
    result = runner.invoke(app, ["wfm", "team", "--instance", str(path)])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1


def test_the_benchmark_team_round_trips_through_json():
    team = sample_team(30)
    assert team_from_json(json.loads(json.dumps(team_to_json(team)))) == team
    result = runner.invoke(app, ["wfm", "team", "--sample", "30"])
    assert result.exit_code == 0 and team_from_json(json.loads(result.output)) == team
