"""Staffing by simulation: Erlang C agreement, blending, feasibility and minimality, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.domain.errors import ValidationFailed
from hubdesk.simulation.arrivals import draw_contacts
from hubdesk.simulation.engine import run
from hubdesk.simulation.report import summarise
from hubdesk.simulation.scenario import parse_scenario
from hubdesk.simulation.staffing import StaffingUnreachable, resized, staff_by_simulation
from hubdesk.simulation.staffing_targets import (
    ChannelTarget,
    parse_abandonment,
    parse_service_target,
)
from hubdesk.workforce.erlang_c import required_agents
from hubdesk.workforce.load import Load
from hubdesk.workforce.targets import Target


def erlang_scenario() -> dict:
    """M/M/n: 100 calls per half hour, 180 s, one skill, patient callers, one call at a time."""
    return {"skills": ["calls"], "service_level_s": {"phone": 20},
            "contact_types": [{"channel": "phone", "skills": {"calls": 1}, "rates": [100],
                               "handling": {"mean_s": 180}}],
            "agents": [{"count": 1, "skills": {"calls": 1}, "capacity": 1,
                        "channel_costs": {"phone": 1}}]}


def chat_and_mail(blended: bool) -> dict:
    """Chats (3 at a time, 300 s) and e-mails (10 at a time, 600 s), by one blended group or by
    a chat group and an e-mail group."""
    if blended:
        groups = [{"name": "blended", "skills": {"support": 3},
                   "channel_costs": {"chat": 3, "email": 1}}]
    else:
        groups = [{"name": "chat", "skills": {"support": 3}, "channel_costs": {"chat": 3}},
                  {"name": "e-mail", "skills": {"support": 3}, "channel_costs": {"email": 1}}]
    return {"skills": ["support"], "service_level_s": {"chat": 60, "email": 600},
            "contact_types": [
                {"name": "chats", "channel": "chat", "skills": {"support": 1}, "rates": [36],
                 "handling": {"mean_s": 300}, "patience": {"mean_s": 240}},
                {"name": "mails", "channel": "email", "skills": {"support": 1}, "rates": [30],
                 "handling": {"mean_s": 600}}],
            "agents": groups}


CHAT_AND_MAIL = [ChannelTarget("chat", 0.8, 60), ChannelTarget("email", 0.8, 600)]


def test_one_channel_one_group_agrees_with_erlang_c_within_one_agent():
    exact = required_agents(Load(100, 1800, 180), Target(service_level=0.8, answer_within_s=20))
    result = staff_by_simulation(parse_scenario(erlang_scenario()),
                                 [ChannelTarget("phone", 0.8, 20)], customers=4000)
    assert exact.agents == 14
    assert abs(result["agents"] - exact.agents) <= 1
    # One interval, exponential handling, no abandonment: the bound is Erlang C itself.
    assert result["lower_bound"]["agents"] == exact.agents
    assert result["lower_bound"]["channels"]["phone"]["erlang_c_servers"] == exact.agents
    assert result["search"]["simulations"] == 3 * result["search"]["staffings_tried"]
    assert result["achieved"][0]["met"] and result["achieved"][0]["mean"] >= 0.8


def test_blended_agents_need_fewer_than_separate_groups():
    blended = staff_by_simulation(parse_scenario(chat_and_mail(True)), CHAT_AND_MAIL,
                                  customers=3000)
    separate = staff_by_simulation(parse_scenario(chat_and_mail(False)), CHAT_AND_MAIL,
                                   customers=3000)
    assert blended["agents"] < separate["agents"], (blended["agents"], separate["agents"])
    assert all(a["met"] for a in blended["achieved"] + separate["achieved"])
    # Concurrency is read from capacity and costs: three chats, ten e-mails at once.
    channels = blended["lower_bound"]["channels"]
    assert channels["chat"]["concurrency"] == 3 and channels["email"]["concurrency"] == 10


def _channel_levels(data: dict, counts: list[int], seeds: list[int],
                    customers: int) -> dict[str, float]:
    """Each channel's service level (the scenario's answer times) on the mean over the seeds,
    measured by the simulator's own report, apart from the search."""
    scenario = resized(parse_scenario(data), counts)
    levels: dict[str, list[float]] = {}
    for seed in seeds:
        contacts = draw_contacts(scenario, seed, customers)
        report = summarise(scenario, contacts, run(scenario, "hubdesk", contacts))
        for channel, figures in report["channels"].items():
            levels.setdefault(channel, []).append(figures["service_level"])
    return {channel: float(np.mean(values)) for channel, values in levels.items()}


def steady_calls() -> dict:
    """Calls of nearly constant length (180 s ± 20 s) need fewer agents than Erlang C's
    exponential handling says, so the search starts above the answer and must thin it; two
    identical groups."""
    data = erlang_scenario()
    data["contact_types"][0]["handling"] = {"distribution": "lognormal", "mean_s": 180,
                                            "sd_s": 20}
    data["agents"] = [dict(data["agents"][0], name=name) for name in ("early", "late")]
    return data


def two_call_types() -> dict:
    """Calls of two kinds (80 and 20 per half hour) and three groups: for the first kind only,
    for the second only, for both; the scenario's mix leans on the specialists."""
    data = erlang_scenario()
    data["skills"] = ["a", "b"]
    data["contact_types"] = [dict(data["contact_types"][0], name=name, skills={name: 1},
                                  rates=[rate]) for name, rate in (("a", 80), ("b", 20))]
    agent = data["agents"][0]
    data["agents"] = [dict(agent, name="only a", count=5, skills={"a": 1}),
                      dict(agent, name="only b", count=5, skills={"b": 1}),
                      dict(agent, name="both", count=1, skills={"a": 1, "b": 1})]
    return data


PHONE = [ChannelTarget("phone", 0.8, 20)]


@pytest.mark.parametrize(("data", "targets"), [
    (chat_and_mail(False), CHAT_AND_MAIL), (steady_calls(), PHONE), (two_call_types(), PHONE)],
    ids=["chat and e-mail groups", "steady calls", "two call types"])
def test_the_answer_meets_every_target_and_one_agent_fewer_in_any_group_misses(data, targets):
    result = staff_by_simulation(parse_scenario(data), targets, seeds=2, first_seed=5,
                                 customers=2000)
    assert result["seeds"] == [5, 6] and result["search"]["minimal"]
    counts = [group["agents"] for group in result["groups"]]
    goals = {target.channel: target.goal for target in targets}
    achieved = _channel_levels(data, counts, result["seeds"], 2000)
    assert all(achieved[channel] >= goal for channel, goal in goals.items()), achieved
    for group, count in enumerate(counts):
        if count == 0:
            continue
        fewer = [c - (g == group) for g, c in enumerate(counts)]
        levels = _channel_levels(data, fewer, result["seeds"], 2000)
        assert any(levels[channel] < goal for channel, goal in goals.items()), (fewer, levels)


def test_a_start_above_the_need_is_thinned_below_the_bound():
    result = staff_by_simulation(parse_scenario(steady_calls()),
                                 [ChannelTarget("phone", 0.8, 20)], seeds=2, customers=2000)
    assert result["search"]["start"] == [7, 7]
    assert result["agents"] < result["lower_bound"]["agents"] == 14


def test_moving_agents_between_groups_finds_a_smaller_staffing_than_removal_alone():
    result = staff_by_simulation(parse_scenario(two_call_types()), PHONE, seeds=2,
                                 customers=2000)
    search = result["search"]
    assert search["start"] == [6, 6, 1] and search["exchanges"] > 0
    assert result["agents"] < search["after_removing"] <= search["after_growing"]
    assert search["minimal"] and search["exchanges_exhausted"]
    assert result["agents"] == sum(g["agents"] for g in result["groups"])


def test_progress_is_told_after_every_staffing_simulated():
    told: list[tuple[str, float]] = []
    result = staff_by_simulation(parse_scenario(two_call_types()), PHONE, seeds=2,
                                 customers=1000, progress=lambda *news: told.append(news))
    assert len(told) == result["search"]["staffings_tried"]
    assert {news.split(":")[0] for news, _ in told} == {"growing", "removing", "exchanging"}
    assert told[-1][0].endswith(f"{result['search']['simulations']} runs")
    seconds = [elapsed for _, elapsed in told]
    assert seconds == sorted(seconds) and seconds[-1] <= result["search"]["seconds"] + 0.001


def test_the_time_limit_stops_the_search_and_says_so():
    with pytest.raises(StaffingUnreachable, match="time limit ran out"):
        staff_by_simulation(parse_scenario(two_call_types()), PHONE, customers=500,
                            time_limit_s=1e-6)
    # A start that already meets the targets is returned, not proven minimal.
    result = staff_by_simulation(parse_scenario(steady_calls()), PHONE, seeds=2,
                                 customers=2000, time_limit_s=1e-6)
    assert result["agents"] == 14 and not result["search"]["minimal"]
    assert result["search"]["simulations"] == 2


def test_an_abandonment_cap_is_met_on_the_mean():
    data = chat_and_mail(True)
    result = staff_by_simulation(parse_scenario(data), parse_abandonment("chat:0.02", ["chat"]),
                                 customers=2000)
    scenario = resized(parse_scenario(data), [g["agents"] for g in result["groups"]])
    shares = []
    for seed in result["seeds"]:
        contacts = draw_contacts(scenario, seed, 2000)
        outcome = run(scenario, "hubdesk", contacts)
        chats = np.asarray(contacts.kind) == 0
        shares.append(np.frombuffer(bytes(outcome.abandoned), np.uint8)[chats].mean())
    assert np.mean(shares) <= 0.02
    assert result["achieved"][0]["measure"] == "abandonment"


@pytest.mark.parametrize(("raw", "words"), [
    ("chat:1:0", "0 s"), ("chat:1.0:60", "below 1"), ("chat:0:60", "above 0"),
    ("chat:0.8", "CHANNEL:LEVEL:SECONDS"), ("chat:high:60", "not a number"),
    ("chat:0.8:-5", "zero or more"), ("chat:0.8:nan", "finite")])
def test_impossible_or_malformed_targets_are_refused(raw, words):
    with pytest.raises(ValidationFailed, match=words):
        parse_service_target(raw)


def test_bad_searches_are_refused_with_the_reason():
    scenario = parse_scenario(chat_and_mail(True))
    with pytest.raises(ValidationFailed, match="unknown channel 'fax'"):
        staff_by_simulation(scenario, [ChannelTarget("fax", 0.8, 20)])
    with pytest.raises(ValidationFailed, match="at least one target"):
        staff_by_simulation(scenario, [])
    with pytest.raises(ValidationFailed, match="below 1"):
        parse_abandonment("chat:1.5", ["chat"])
    french = chat_and_mail(True)
    french["contact_types"][0]["language"] = "fr"
    with pytest.raises(ValidationFailed, match="no agent group can ever take 'chats'"):
        staff_by_simulation(parse_scenario(french), CHAT_AND_MAIL)
    with pytest.raises(StaffingUnreachable, match=r"up to 3 agents.*chat service level "
                                                  r"within 60 s"):
        staff_by_simulation(scenario, CHAT_AND_MAIL, customers=500, max_agents=3)


def test_the_command_prints_the_staffing_and_refuses_bad_targets(tmp_path: Path):
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump(chat_and_mail(True)))
    result = CliRunner().invoke(app, ["wfm", "staff-sim", str(path), "--target", "chat:0.8:60",
                                      "--target", "email:0.8:600", "--max-abandonment", "0.05",
                                      "--seeds", "2", "--customers", "1500"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["policy"] == "hubdesk" and report["seeds"] == [1, 2]
    assert report["groups"][0]["name"] == "blended"
    assert report["agents"] == report["groups"][0]["agents"] > 0
    assert [(a["channel"], a["measure"]) for a in report["achieved"]] == [
        ("chat", "service_level"), ("email", "service_level"), ("chat", "abandonment"),
        ("email", "abandonment")]
    assert all(a["met"] and {"mean", "sd", "min", "max"} <= a.keys()
               for a in report["achieved"])
    assert report["search"]["simulations"] > 0 and report["lower_bound"]["agents"] > 0
    refused = CliRunner().invoke(app, ["wfm", "staff-sim", str(path), "--target", "fax:0.8:20"])
    assert refused.exit_code == 1 and "unknown channel 'fax'" in refused.output
    impossible = CliRunner().invoke(app, ["wfm", "staff-sim", str(path), "--target",
                                          "chat:1:0"])
    assert impossible.exit_code == 1 and "0 s" in impossible.output
