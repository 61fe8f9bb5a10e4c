"""Erlang A against the birth–death chain solved numerically, and against a simulation."""

from __future__ import annotations

import heapq
import itertools
import math
import random
from dataclasses import dataclass

import numpy as np
import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.erlang_a import erlang_a, required_agents
from hubdesk.workforce.erlang_c import erlang_c
from hubdesk.workforce.load import Load
from hubdesk.workforce.targets import Target


def chain_measures(rate: float, aht: float, patience: float, agents: int) -> tuple[float, float]:
    """P(wait) and P(abandon) from the truncated M/M/n+M chain, solved term by term."""
    mu, theta = 1 / aht, 1 / patience
    weights = [1.0]
    for k in range(1, agents + 4000):
        death = min(k, agents) * mu + max(0, k - agents) * theta
        weights.append(weights[-1] * rate / death)
        if k > agents and weights[-1] < 1e-300:
            break
    pi = np.asarray(weights) / sum(weights)
    p_wait = float(pi[agents:].sum())
    queue = float(sum((k - agents) * p for k, p in enumerate(pi) if k > agents))
    return p_wait, theta * queue / rate


@pytest.mark.parametrize(("arrivals", "aht", "patience", "agents"), [
    (100, 180, 120, 12), (100, 180, 120, 8), (100, 180, 600, 14), (400, 300, 60, 55),
    (30, 240, 900, 3), (1000, 180, 200, 90),
])
def test_matches_the_birth_death_chain(arrivals, aht, patience, agents):
    result = erlang_a(Load(arrivals=arrivals, interval_s=1800, aht_s=aht), agents, patience)
    p_wait, p_abandon = chain_measures(arrivals / 1800, aht, patience, agents)
    assert result.p_wait == pytest.approx(p_wait, rel=1e-9)
    assert result.p_abandon == pytest.approx(p_abandon, rel=1e-9)


def test_the_published_example_with_two_minutes_of_patience():
    result = erlang_a(Load(arrivals=100, interval_s=1800, aht_s=180), 12, patience_s=120)
    assert result.p_abandon == pytest.approx(0.061597, rel=1e-3)
    assert result.asa_s == pytest.approx(7.3917, rel=1e-3)


@dataclass
class Simulated:
    p_wait: float
    p_abandon: float
    service_level: float
    mean_wait: float


def simulate(rate: float, aht: float, patience: float, agents: int, within: float,
             arrivals: int, seed: int) -> Simulated:
    """First-come first-served queue with exponential arrivals, service and patience.

    Each arrival takes the first agent to come free after everyone ahead of it has been
    served or has given up, unless that moment is beyond its patience.
    """
    rng = random.Random(seed)
    free_at = [0.0] * agents
    heapq.heapify(free_at)
    now = 0.0
    waited = abandoned = in_time = 0
    total_wait = 0.0
    warm_up = arrivals // 20
    for index in range(arrivals + warm_up):
        now += rng.expovariate(rate)
        tolerance = rng.expovariate(1 / patience)
        start = max(now, free_at[0])
        wait = start - now
        if wait <= tolerance:
            heapq.heapreplace(free_at, start + rng.expovariate(1 / aht))
        if index < warm_up:
            continue
        waited += wait > 0
        if wait > tolerance:
            abandoned += 1
            total_wait += tolerance
        else:
            in_time += wait <= within
            total_wait += wait
    return Simulated(waited / arrivals, abandoned / arrivals, in_time / arrivals,
                     total_wait / arrivals)


@pytest.mark.parametrize(("arrivals", "aht", "patience", "agents"), [
    (100, 180, 120, 12), (100, 180, 120, 9), (300, 240, 300, 38),
])
def test_agrees_with_a_simulation(arrivals, aht, patience, agents):
    model = erlang_a(Load(arrivals=arrivals, interval_s=1800, aht_s=aht), agents, patience,
                     answer_within_s=20)
    sim = simulate(arrivals / 1800, aht, patience, agents, 20, arrivals=150_000, seed=7)
    assert sim.p_wait == pytest.approx(model.p_wait, abs=0.01)
    assert sim.p_abandon == pytest.approx(model.p_abandon, abs=0.006)
    assert sim.service_level == pytest.approx(model.service_level, abs=0.01)
    assert sim.mean_wait == pytest.approx(model.asa_s, rel=0.06, abs=0.5)


def test_endless_patience_is_erlang_c():
    load = Load(arrivals=100, interval_s=1800, aht_s=180)
    patient = erlang_a(load, 14, patience_s=1e7)
    classic = erlang_c(load, 14)
    assert patient.p_wait == pytest.approx(classic.p_wait, rel=1e-4)
    assert patient.service_level == pytest.approx(classic.service_level, rel=1e-4)


def test_abandonment_keeps_an_understaffed_queue_finite():
    result = erlang_a(Load(arrivals=100, interval_s=1800, aht_s=180), 6, patience_s=60)
    assert 0 < result.p_abandon < 1 and result.occupancy <= 1
    assert math.isfinite(result.asa_s)


def test_huge_traffic_stays_finite():
    load = Load(arrivals=200_000, interval_s=1800, aht_s=180)  # 20,000 erlangs
    for agents in (19_000, 20_000, 20_500):
        result = erlang_a(load, agents, patience_s=90)
        assert all(math.isfinite(v) and 0 <= v <= 1
                   for v in (result.p_wait, result.p_abandon, result.service_level))


def test_generous_teams_where_the_incomplete_gamma_underflows():
    result = erlang_a(Load(arrivals=2, interval_s=1800, aht_s=180), 400, patience_s=3600)
    assert result.p_wait < 1e-300 and result.service_level == 1.0


def test_more_agents_less_abandonment():
    load = Load(arrivals=250, interval_s=1800, aht_s=200)
    values = [erlang_a(load, n, 150).p_abandon for n in range(15, 45)]
    assert all(a > b for a, b in itertools.pairwise(values))


def test_required_agents_with_abandonment():
    load = Load(arrivals=100, interval_s=1800, aht_s=180)
    requirement = required_agents(load, Target(service_level=0.8, answer_within_s=20),
                                  patience_s=120, shrinkage=0.25)
    below = erlang_a(load, requirement.agents - 1, 120)
    assert below.service_level < 0.8 <= requirement.service_level
    assert requirement.staff == pytest.approx(requirement.agents / 0.75)
    # Customers who give up shorten the queue, so fewer agents suffice than in Erlang C.
    assert requirement.agents <= 13
    capped = required_agents(load, Target(max_abandon=0.01), patience_s=120)
    assert erlang_a(load, capped.agents, 120).p_abandon <= 0.01


def test_bad_patience_is_refused():
    with pytest.raises(ValidationFailed, match="patience_s"):
        erlang_a(Load(arrivals=10, interval_s=1800, aht_s=180), 3, patience_s=0)
