"""Scenario files: the shipped one, and bad ones refused with the field named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from hubdesk.commands.simulate import scenario_path
from hubdesk.domain.errors import ValidationFailed
from hubdesk.simulation.runs import simulate
from hubdesk.simulation.scenario import load_scenario, parse_scenario

SHIPPED = scenario_path("multiskill")


def _base() -> dict:
    return {
        "skills": ["billing"],
        "service_level_s": {"phone": 20},
        "contact_types": [{"channel": "phone", "skills": {"billing": 2}, "rates": [10],
                           "handling": {"mean_s": 180}}],
        "agents": [{"count": 2, "skills": {"billing": 3}, "languages": ["en"]}],
    }


def _refused(change) -> dict[str, str]:
    data = _base()
    change(data)
    with pytest.raises(ValidationFailed) as caught:
        parse_scenario(data)
    return caught.value.fields


def test_bad_scenarios_name_the_field():
    assert "agents[0].skills" in _refused(lambda d: d["agents"][0].update(skills={"bilin": 3}))
    assert "agents[0].skills" in _refused(lambda d: d["agents"][0].update(skills={}))
    assert "agents[0].capacity" in _refused(lambda d: d["agents"][0].update(capacity=-5))
    assert "agents[0].shift" in _refused(
        lambda d: d["agents"][0].update(shift={"start_s": 900, "end_s": 100}))
    assert "agents[0].shift" in _refused(
        lambda d: d["agents"][0].update(shift={"start_s": 0, "end_s": 99_999}))
    assert "agents[0].count" in _refused(lambda d: d["agents"][0].update(count=0))
    assert "contact_types[0].skills" in _refused(
        lambda d: d["contact_types"][0].update(skills={"refunds": 1}))
    assert "contact_types[0].channel" in _refused(
        lambda d: d["contact_types"][0].update(channel="fax"))
    assert "contact_types[0].rates[0]" in _refused(
        lambda d: d["contact_types"][0].update(rates=[-1]))
    assert "contact_types[0].handling.mean_s" in _refused(
        lambda d: d["contact_types"][0].update(handling={"mean_s": 0}))
    assert "contact_types[0].handling.distribution" in _refused(
        lambda d: d["contact_types"][0].update(handling={"distribution": "gamma", "mean_s": 1}))
    assert "contact_types[0].difficult_share" in _refused(
        lambda d: d["contact_types"][0].update(difficult_share=1.5))
    assert "skills" in _refused(lambda d: d.pop("skills"))
    assert "policy.weights.affinity" in _refused(
        lambda d: d.update(policy={"weights": {"affinity": -1}}))


def test_files_are_read_as_yaml_or_json_and_unreadable_ones_are_refused(tmp_path: Path):
    (tmp_path / "s.json").write_text(json.dumps(_base()))
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(_base()))
    assert load_scenario(tmp_path / "s.json") == load_scenario(tmp_path / "s.yaml")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(ValidationFailed, match="not valid json"):
        load_scenario(tmp_path / "broken.json")
    with pytest.raises(ValidationFailed, match="cannot read"):
        load_scenario(tmp_path / "missing.yaml")


def test_on_the_shipped_scenario_hubdesk_beats_both_baselines_on_the_same_contacts():
    result = simulate(load_scenario(SHIPPED))
    ours, turns, lightest = (result["policies"][name]
                             for name in ("hubdesk", "round_robin", "least_loaded"))
    assert ours["contacts"] == turns["contacts"] == lightest["contacts"] == result["contacts"]
    for other in (turns, lightest):
        assert ours["service_level"] > other["service_level"]
        assert ours["difficult_p95_per_agent"] < other["difficult_p95_per_agent"]
        assert ours["fairness_gini"] <= other["fairness_gini"]
    for figures in (ours, turns, lightest):
        for key in ("service_level", "p_wait", "abandonment", "sla_breaches", "occupancy",
                    "fairness_gini", "unanswered"):
            assert 0 <= figures[key] <= 1, key
        assert figures["answered"] + round(figures["abandonment"] * figures["contacts"]) \
            + round(figures["unanswered"] * figures["contacts"]) == figures["contacts"]
