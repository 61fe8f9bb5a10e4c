"""`hubdesk bench schedule` at toy size: one JSON object with both modes and the team."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hubdesk.cli import app


def test_the_report_carries_both_modes_and_the_team() -> None:
    result = CliRunner().invoke(app, ["bench", "schedule", "--agents", "30",
                                      "--team-time-limit", "5"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    week = report["bank_week"]
    assert (week["shifts"]["agents"], week["tours"]["agents"]) == (125, 28)
    assert week["shifts"]["optimal"] and week["tours"]["optimal"]
    assert week["tours"]["lower_bound"] <= 28 and week["shifts"]["lower_bound"] <= 125
    team = report["team"]
    # Thirty agents are too few to cover every peak; what is left short is reported.
    assert team["agents"] == 30 and team["time_limit_s"] == 5
    assert team["feasible"] == (team["shortfalls"] == 0 and team["below_minimum_hours"] == 0)
    assert 0 <= team["gap_to_lp_bound"] < 1
    assert team["objective"] >= team["lp_bound"] > 0
