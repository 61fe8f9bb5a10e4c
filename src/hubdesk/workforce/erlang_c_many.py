"""Erlang C staffing for many intervals at once: the answers of `erlang_c.required_agents`, one
pass over agent counts for all intervals together.

A forecast of a year in half hours has 17,520 intervals, each searched upwards from one agent
to its answer. Here every interval still in the search takes the next agent count together
(numpy arrays, the same Erlang B recursion and formulas), and an interval leaves the search at
its answer: the work is the same number of (interval, agent count) evaluations, without a
Python call per evaluation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.load import Load
from hubdesk.workforce.targets import MAX_AGENTS, Requirement, Target, rostered_staff


def required_agents_many(loads: Sequence[Load], target: Target, shrinkage: float = 0.0
                         ) -> tuple[list[Requirement], int]:
    """For each load, the fewest agents meeting every goal of ``target`` and the staff to
    roster (as `erlang_c.required_agents`); and how many evaluations the search made."""
    if target.max_abandon is not None:
        raise ValidationFailed("Erlang C has no abandonment: give a patience to use Erlang A",
                               {"max_abandon": "needs a patience"})
    rostered_staff(0, shrinkage)
    traffic = np.array([load.erlangs for load in loads], dtype=float)
    aht = np.array([load.aht_s for load in loads], dtype=float)
    count = len(loads)
    agents = np.zeros(count, dtype=np.int64)
    level = np.ones(count)
    asa = np.zeros(count)
    occupancy = np.zeros(count)
    p_wait = np.zeros(count)
    active = np.flatnonzero(traffic > 0)
    blocking = np.ones(active.size)
    evaluations = 0
    n = 0
    while active.size:
        n += 1
        if n > MAX_AGENTS:
            raise ValidationFailed(f"no team of up to {MAX_AGENTS} agents meets this target",
                                   {"target": "unreachable"})
        offered = traffic[active]
        carried = offered * blocking
        blocking = carried / (n + carried)
        evaluations += active.size
        stable = n > offered
        if not stable.any():
            continue
        ready, load_b, block = active[stable], offered[stable], blocking[stable]
        spare = n - load_b
        waiting = n * block / (n - load_b * (1 - block))
        within = 1 - waiting * np.exp(-spare * target.answer_within_s / aht[ready])
        speed = waiting * aht[ready] / spare
        busy = load_b / n
        met = busy <= target.max_occupancy
        if target.service_level is not None:
            met &= within >= target.service_level
        if target.max_asa_s is not None:
            met &= speed <= target.max_asa_s
        done = ready[met]
        agents[done], level[done], asa[done] = n, within[met], speed[met]
        occupancy[done], p_wait[done] = busy[met], waiting[met]
        keep = np.ones(active.size, dtype=bool)
        keep[np.flatnonzero(stable)[met]] = False
        active, blocking = active[keep], blocking[keep]
    requirements = []
    for i in range(count):
        staff, rounded = rostered_staff(int(agents[i]), shrinkage)
        requirements.append(Requirement(int(agents[i]), staff, rounded, float(level[i]),
                                        float(asa[i]), float(occupancy[i]), float(p_wait[i])))
    return requirements, evaluations
