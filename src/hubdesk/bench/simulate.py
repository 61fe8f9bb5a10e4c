"""`hubdesk bench simulate`: the simulator's speed and its agreement with Erlang C, and the
policy comparison on the shipped multi-skill scenario.

The Erlang C scenario (100 calls per 30 minutes, 180 s mean handling, 14 agents, one skill, one
channel, nobody hangs up) runs through the desk's own routing policy (`Dispatcher`) for
``customers`` contacts; its measures are set beside the exact Erlang C figures
(`workforce/erlang_c.py`). Speed is reported per second of the clock and per second of the
process's CPU time (`contacts_per_cpu_s`), which a machine busy with other work slows less.
"""

from __future__ import annotations

import logging
from typing import Any

from hubdesk.commands.simulate import scenario_path
from hubdesk.simulation.runs import erlang_c_expected, erlang_c_scenario, simulate
from hubdesk.simulation.scenario import load_scenario

log = logging.getLogger("hubdesk.bench")


def run(customers: int = 1_000_000, seed: int = 1, scenario: str = "multiskill",
        scenario_customers: int = 20_000) -> dict[str, Any]:
    log.info("Erlang C scenario, %d customers", customers)
    result = simulate(erlang_c_scenario(), ("hubdesk",), seed=seed, customers=customers)
    measured = result["policies"]["hubdesk"]
    exact = erlang_c_expected()
    log.info("policy comparison on %s, %d customers", scenario, scenario_customers)
    compared = simulate(load_scenario(scenario_path(scenario)), seed=seed,
                        customers=scenario_customers)
    keys = ("service_level", "asa_s", "abandonment", "occupancy", "fairness_gini",
            "difficult_p95_per_agent", "sla_breaches", "contacts_per_s")
    return {
        "benchmark": "simulate",
        "policy": "hubdesk",
        "contacts": result["contacts"],
        "agents": result["agents"],
        "seed": seed,
        "run_seconds": measured["run_seconds"],
        "draw_seconds": result["draw_seconds"],
        "contacts_per_s": measured["contacts_per_s"],
        "cpu_seconds": measured["cpu_seconds"],
        "contacts_per_cpu_s": measured["contacts_per_cpu_s"],
        "contacts_per_s_with_draw": result["contacts"]
        / (measured["run_seconds"] + result["draw_seconds"]),
        "service_level": measured["service_level"],
        "asa_s": measured["asa_s"],
        "p_wait": measured["p_wait"],
        "occupancy": measured["occupancy"],
        "erlang_c_service_level": exact["service_level"],
        "erlang_c_asa_s": exact["asa_s"],
        "erlang_c_p_wait": exact["p_wait"],
        "erlang_c_occupancy": exact["occupancy"],
        "service_level_delta": measured["service_level"] - exact["service_level"],
        "asa_relative_delta": measured["asa_s"] / exact["asa_s"] - 1,
        "comparison": {
            "scenario": compared["scenario"], "contacts": compared["contacts"],
            "agents": compared["agents"],
            "policies": {name: {key: figures[key] for key in keys}
                         for name, figures in compared["policies"].items()}},
    }
