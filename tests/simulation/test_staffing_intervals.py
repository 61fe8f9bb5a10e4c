"""Staffing by simulation per interval: each interval agrees with Erlang C, a busier interval
needs more, an interval without arrivals needs no one, and shifts are set aside."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.domain.errors import ValidationFailed
from hubdesk.simulation.scenario import parse_scenario
from hubdesk.simulation.staffing_intervals import interval_scenario, staff_each_interval
from hubdesk.simulation.staffing_targets import ChannelTarget
from hubdesk.workforce.erlang_c import required_agents
from hubdesk.workforce.load import Load
from hubdesk.workforce.targets import Target

PHONE = [ChannelTarget("phone", 0.8, 20)]


def day(rates: list[float], shift: list[float] | None = None) -> dict:
    group: dict = {"name": "callers", "count": 1, "skills": {"calls": 1}, "capacity": 1,
                   "channel_costs": {"phone": 1}}
    if shift is not None:
        group["shift"] = {"start_s": shift[0], "end_s": shift[1]}
    return {"skills": ["calls"], "service_level_s": {"phone": 20},
            "contact_types": [{"channel": "phone", "skills": {"calls": 1}, "rates": rates,
                               "handling": {"mean_s": 180}}],
            "agents": [group]}


def test_each_interval_is_staffed_like_erlang_c_and_a_quiet_one_needs_no_one():
    result = staff_each_interval(parse_scenario(day([50, 100, 0])), PHONE,
                                 contacts_per_interval=3000)
    quiet, busy, closed = result["intervals"]
    for interval, calls in ((quiet, 50), (busy, 100)):
        exact = required_agents(Load(calls, 1800, 180),
                                Target(service_level=0.8, answer_within_s=20)).agents
        assert abs(interval["agents"] - exact) <= 1, (calls, interval["agents"], exact)
        assert all(a["met"] for a in interval["achieved"])
    assert quiet["agents"] < busy["agents"]
    assert closed == {"index": 2, "start_s": 3600.0, "agents": 0, "groups": {"callers": 0},
                      "achieved": [], "closed": True}
    assert result["peak_agents"] == busy["agents"]
    assert result["agent_intervals"] == quiet["agents"] + busy["agents"]
    assert result["simulations"] > 0


def test_an_interval_s_scenario_holds_its_rates_and_sets_shifts_aside():
    scenario = parse_scenario(day([10, 20], shift=[0, 1800]))
    second = interval_scenario(scenario, 1)
    assert second is not None
    assert second.contact_types[0].rates == (20,)
    assert all(group.shift is None for group in second.groups)
    assert interval_scenario(parse_scenario(day([10, 0])), 1) is None


def test_bad_input_is_refused():
    scenario = parse_scenario(day([50]))
    with pytest.raises(ValidationFailed, match="at least 100 contacts"):
        staff_each_interval(scenario, PHONE, contacts_per_interval=10)
    with pytest.raises(ValidationFailed, match="unknown channel"):
        staff_each_interval(scenario, [ChannelTarget("chat", 0.8, 20)])


def test_the_command_prints_each_interval(tmp_path):
    path = tmp_path / "day.json"
    path.write_text(json.dumps(day([50, 0])))
    answer = CliRunner().invoke(app, ["wfm", "staff-sim", str(path), "--target",
                                      "phone:0.8:20", "--per-interval",
                                      "--customers", "1500", "--seeds", "2"])
    assert answer.exit_code == 0, answer.output
    printed = json.loads(answer.stdout.strip().splitlines()[-1])
    assert [i["closed"] for i in printed["intervals"]] == [False, True]
    assert 6 <= printed["intervals"][0]["agents"] <= 10
