"""Erlang C against an exact factorial formula in rational arithmetic, and its properties."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.erlang_c import erlang_c, required_agents
from hubdesk.workforce.load import Load
from hubdesk.workforce.targets import Target


def exact_p_wait(erlangs: Fraction, agents: int) -> Fraction:
    """Erlang's formula written the textbook way, with factorials, in exact rationals."""
    top = erlangs**agents / math.factorial(agents) * Fraction(agents, 1) / (agents - erlangs)
    bottom = sum(erlangs**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


@pytest.mark.parametrize(("arrivals", "aht", "agents"), [
    (100, 180, 14), (100, 180, 11), (100, 180, 20), (37, 300, 9), (5, 600, 3), (240, 240, 40),
])
def test_probability_of_wait_matches_the_exact_factorial_formula(arrivals, aht, agents):
    load = Load(arrivals=arrivals, interval_s=1800, aht_s=aht)
    exact = exact_p_wait(Fraction(arrivals * aht, 1800), agents)
    assert erlang_c(load, agents).p_wait == pytest.approx(float(exact), rel=1e-12)


def test_the_classic_half_hour_example():
    # 100 calls in 30 minutes, 3-minute calls: 10 erlangs on 14 agents.
    result = erlang_c(Load(arrivals=100, interval_s=1800, aht_s=180), 14, answer_within_s=20)
    p_wait = float(exact_p_wait(Fraction(10), 14))
    assert result.p_wait == pytest.approx(p_wait, abs=1e-12)
    assert result.service_level == pytest.approx(1 - p_wait * math.exp(-4 * 20 / 180), abs=1e-12)
    assert result.asa_s == pytest.approx(p_wait * 180 / 4, abs=1e-12)
    assert result.occupancy == pytest.approx(10 / 14)
    # The published figures for this example.
    assert result.p_wait == pytest.approx(0.174132, abs=1e-6)
    assert result.service_level == pytest.approx(0.888350, abs=1e-6)
    assert result.asa_s == pytest.approx(7.836, abs=1e-3)


def test_more_agents_never_make_service_worse():
    load = Load(arrivals=300, interval_s=1800, aht_s=240)
    previous = erlang_c(load, 41)
    for agents in range(42, 70):
        current = erlang_c(load, agents)
        assert current.p_wait < previous.p_wait
        assert current.service_level > previous.service_level
        assert current.asa_s < previous.asa_s
        assert current.occupancy < previous.occupancy
        previous = current


def test_more_traffic_on_the_same_team_makes_service_worse():
    levels = [erlang_c(Load(arrivals=a, interval_s=1800, aht_s=180), 20).service_level
              for a in range(50, 200, 10)]
    assert levels == sorted(levels, reverse=True)


def test_an_overloaded_team_never_answers_in_time():
    result = erlang_c(Load(arrivals=100, interval_s=1800, aht_s=180), 10)
    assert (result.p_wait, result.service_level, result.asa_s) == (1.0, 0.0, math.inf)


def test_huge_traffic_neither_overflows_nor_loses_precision():
    # 20,000 erlangs: 20000**20100 / 20100! overflows any float; the recursion does not.
    load = Load(arrivals=200_000, interval_s=1800, aht_s=180)
    near = erlang_c(load, 20_100)
    assert 0 < near.p_wait < 1 and 0 < near.service_level < 1
    requirement = required_agents(load, Target(service_level=0.8, answer_within_s=20))
    assert 20_000 < requirement.agents < 20_200
    # The same answer from scaled-down exact arithmetic is not available; check its defining
    # property instead: one agent fewer misses the target.
    assert erlang_c(load, requirement.agents - 1).service_level < 0.8 <= requirement.service_level


def test_required_agents_is_the_smallest_team_meeting_the_target():
    load = Load(arrivals=100, interval_s=1800, aht_s=180)
    requirement = required_agents(load, Target(service_level=0.8, answer_within_s=20))
    assert requirement.agents == 14
    assert erlang_c(load, 13).service_level < 0.8 <= erlang_c(load, 14).service_level
    by_asa = required_agents(load, Target(max_asa_s=5))
    assert erlang_c(load, by_asa.agents).asa_s <= 5 < erlang_c(load, by_asa.agents - 1).asa_s


def test_occupancy_cap_and_shrinkage_raise_the_roster():
    load = Load(arrivals=500, interval_s=1800, aht_s=180)  # 50 erlangs
    loose = required_agents(load, Target(service_level=0.8), shrinkage=0.3)
    capped = required_agents(load, Target(service_level=0.8, max_occupancy=0.85), shrinkage=0.3)
    assert loose.agents < capped.agents == math.ceil(50 / 0.85)
    assert capped.staff == pytest.approx(capped.agents / 0.7)
    assert capped.staff_rounded == math.ceil(capped.agents / 0.7)


def test_no_contacts_need_no_agents():
    requirement = required_agents(Load(arrivals=0, interval_s=1800, aht_s=180),
                                  Target(service_level=0.8))
    assert (requirement.agents, requirement.staff_rounded) == (0, 0)


@pytest.mark.parametrize(("arrivals", "interval", "aht"), [
    (-1, 1800, 180), (10, 1800, 0), (math.nan, 1800, 180), (10, 0, 180), (10, 1800, math.inf),
])
def test_bad_loads_are_refused_with_the_reason(arrivals, interval, aht):
    with pytest.raises(ValidationFailed, match=r"arrivals|interval_s|aht_s"):
        Load(arrivals=arrivals, interval_s=interval, aht_s=aht)


def test_impossible_and_malformed_targets_are_refused():
    with pytest.raises(ValidationFailed, match="100 %"):
        Target(service_level=1.0, answer_within_s=0)
    with pytest.raises(ValidationFailed, match="between 0 and 1"):
        Target(service_level=80)
    with pytest.raises(ValidationFailed, match="give a service level"):
        Target()
    with pytest.raises(ValidationFailed, match="shrinkage"):
        required_agents(Load(arrivals=10, interval_s=1800, aht_s=180), Target(service_level=0.8),
                        shrinkage=1.0)
    with pytest.raises(ValidationFailed, match="agents"):
        erlang_c(Load(arrivals=10, interval_s=1800, aht_s=180), 0)
