"""`hubdesk bench schedule`: the shipped shift instance in both modes, and a 200-agent team.

Both run as a user runs them: the instance through the same function the `hubdesk wfm
schedule` command prints, the team through `workforce.team_schedule.solve_team`, timed around
the whole call (model building, LP bound and branch and bound).
"""

from __future__ import annotations

import json
import logging
import os
import time
from importlib.resources import files
from typing import Any

from hubdesk.commands.wfm_schedule import schedule_result

log = logging.getLogger("hubdesk.bench")


def _instance(time_limit_s: float) -> dict[str, Any]:
    source = files("hubdesk.workforce") / "instances" / "bank_week.json"
    payload = json.loads(source.read_text(encoding="utf-8"))
    found: dict[str, Any] = {"instance": "workforce/instances/bank_week.json",
                             "demand_agent_intervals": sum(payload["demand"])}
    for mode in ("shifts", "tours"):
        log.info("solving the bank week as %s", mode)
        answer = schedule_result(payload, mode=mode, time_limit_s=time_limit_s)
        found[mode] = {key: answer[key] for key in ("agents", "lower_bound", "optimal",
                                                     "seconds")}
    return found


def _team(agents: int, time_limit_s: float, gap: float) -> dict[str, Any]:
    from hubdesk.workforce.team_sample import sample_team
    from hubdesk.workforce.team_schedule import solve_team

    team = sample_team(agents)
    log.info("scheduling a team of %d agents", agents)
    began = time.perf_counter()
    result = solve_team(team, time_limit_s=time_limit_s, gap=gap)
    seconds = time.perf_counter() - began
    return {
        "agents": agents, "skills": sorted(team.demand), "seconds": round(seconds, 3),
        "shifts": len(result.assignments), "paid_hours": round(sum(result.hours.values()), 1),
        "objective": round(result.objective, 3), "lp_bound": round(result.lp_bound, 3),
        "gap_to_lp_bound": round(result.gap_to_lp, 5), "optimal": result.optimal,
        "feasible": result.feasible, "shortfalls": len(result.shortfalls),
        "below_minimum_hours": len(result.below_minimum),
        "weekend_shifts_max": result.weekend_max, "evening_shifts_max": result.evening_max,
        "preferences_broken": result.preferences_broken, "wishes_broken": result.wishes_broken,
        "time_limit_s": time_limit_s, "requested_gap": gap}


def run(*, agents: int = 200, instance_time_limit: float = 60.0,
        team_time_limit: float = 120.0, gap: float = 0.01) -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "bank_week": _instance(instance_time_limit),
            "team": _team(agents, team_time_limit, gap)}
