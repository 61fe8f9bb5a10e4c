"""Running a scenario under one or more policies on the same contacts, and the Erlang C check."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from hubdesk.domain.routing import AgentProfile, RoutingPolicy, SkillNeed
from hubdesk.simulation.arrivals import draw_contacts
from hubdesk.simulation.engine import run
from hubdesk.simulation.forecasts import BreachWatch
from hubdesk.simulation.policies import POLICIES
from hubdesk.simulation.report import summarise
from hubdesk.simulation.scenario import AgentGroup, ContactType, Duration, Scenario
from hubdesk.workforce.erlang_c import erlang_c
from hubdesk.workforce.load import Load


def simulate(scenario: Scenario, policies: Sequence[str] = POLICIES, seed: int | None = None,
             customers: int | None = None) -> dict[str, Any]:
    """Each policy on the same drawn contacts; measures per policy, with the run's timing."""
    seed = scenario.seed if seed is None else seed
    started = time.perf_counter()
    contacts = draw_contacts(scenario, seed, customers)
    draw_s = time.perf_counter() - started
    results: dict[str, Any] = {}
    for name in policies:
        started, cpu_started = time.perf_counter(), time.process_time()
        outcome = run(scenario, name, contacts)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        results[name] = {**summarise(scenario, contacts, outcome), "run_seconds": elapsed,
                         "cpu_seconds": cpu,
                         "contacts_per_s": len(contacts) / elapsed if elapsed else 0.0,
                         "contacts_per_cpu_s": len(contacts) / cpu if cpu else 0.0}
    return {"scenario": scenario.name, "seed": seed, "contacts": len(contacts),
            "agents": len(scenario.agents), "draw_seconds": draw_s, "policies": results}


def breach_forecasts(scenario: Scenario, *, share: float = 0.75, threshold: float = 0.5,
                     policy: str = "hubdesk", seed: int | None = None) -> dict[str, Any]:
    """A day of the scenario under ``policy``, forecasting every contact still waiting when
    it has used ``share`` of its SLA; the forecasts scored against the outcome."""
    seed = scenario.seed if seed is None else seed
    contacts = draw_contacts(scenario, seed, None)
    watch = BreachWatch(share, threshold)
    outcome = run(scenario, policy, contacts, watch)
    sla = [scenario.contact_types[kind].sla_s for kind in contacts.kind]
    return {"scenario": scenario.name, "seed": seed, "policy": policy,
            "contacts": len(contacts), **watch.scored(outcome.wait_s, sla)}


def erlang_c_scenario(calls: float = 100, interval_s: float = 1800, aht_s: float = 180,
                      agents: int = 14, answer_within_s: float = 20) -> Scenario:
    """One skill, one channel, exponential handling, patient callers: M/M/n."""
    profiles = tuple(AgentProfile(n + 1, {"calls": 1}, capacity=1, channel_costs={"phone": 1})
                     for n in range(agents))
    calls_type = ContactType("calls", "phone", (calls,), Duration("exponential", aht_s), None,
                             (SkillNeed("calls", 1),), None, 1, answer_within_s, 1, 0.0, 0.0)
    return Scenario("erlang_c", interval_s, {"phone": answer_within_s}, (calls_type,),
                    (AgentGroup("agents", profiles, None),), RoutingPolicy(), 1)


def erlang_c_expected(calls: float = 100, interval_s: float = 1800, aht_s: float = 180,
                      agents: int = 14, answer_within_s: float = 20) -> dict[str, float]:
    exact = erlang_c(Load(calls, interval_s, aht_s), agents, answer_within_s)
    return {"p_wait": exact.p_wait, "service_level": exact.service_level,
            "asa_s": exact.asa_s, "occupancy": exact.occupancy}
