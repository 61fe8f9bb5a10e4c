"""`hubdesk simulate` prints one JSON object, or an error naming the field."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hubdesk.cli import app


def test_simulate_prints_one_json_object_per_run():
    result = CliRunner().invoke(app, ["simulate", "multiskill", "--policy", "hubdesk",
                                      "--seed", "3", "--customers", "400"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["contacts"] == 400 and report["seed"] == 3
    assert list(report["policies"]) == ["hubdesk"]
    assert 0 <= report["policies"]["hubdesk"]["service_level"] <= 1
    every = json.loads(CliRunner().invoke(app, ["simulate", "multiskill", "--customers",
                                                "300"]).stdout)
    assert list(every["policies"]) == ["hubdesk", "round_robin", "least_loaded"]


def test_a_bad_scenario_file_is_refused_with_the_field(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("skills: [billing]\nservice_level_s: {phone: 20}\n"
                   "contact_types: [{channel: phone, rates: [1], handling: {mean_s: 60}}]\n"
                   "agents: [{count: 1, skills: {billing: 2}, capacity: -1}]\n")
    result = CliRunner().invoke(app, ["simulate", str(bad)])
    assert result.exit_code == 1
    assert "agents[0].capacity" in result.output
