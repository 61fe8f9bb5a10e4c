"""`hubdesk bench erlang`: Erlang C staffing evaluations per second, as `hubdesk wfm staff` and
the workforce screens make them (`workforce/staffing.py` `staff_intervals`).

A year of half hours (17,520 intervals by default) of arrivals drawn around a daily and weekly
shape is staffed for 80 % within 20 s. One evaluation is one agent count tried for one interval
(the Erlang B step and the queue's measures); the search tries every count from one up to
each interval's answer. Pure computation, in this process. It also checks the textbook
vector and that a sample of the intervals gets the answer of the one-at-a-time search.
"""

from __future__ import annotations

import math
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from hubdesk.workforce.erlang_c import erlang_c, required_agents
from hubdesk.workforce.load import Load
from hubdesk.workforce.staffing import staff_intervals
from hubdesk.workforce.targets import Target

TARGET_PER_S = 1_000_000
INTERVAL_S = 1800.0
AHT_S = 240.0
CHECKED = 500


def _arrivals(intervals: int, rng: random.Random) -> list[tuple[datetime, float]]:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    found = []
    for i in range(intervals):
        hour = (i % 48) / 2
        day = (i // 48) % 7
        shape = max(0.0, math.sin(math.pi * (hour - 7) / 13)) if 7 <= hour <= 20 else 0.0
        weekly = 0.55 if day >= 5 else 1.0
        found.append((start + timedelta(seconds=i * INTERVAL_S),
                      rng.gauss(1.0, 0.08) * 260 * shape * weekly))
    return [(at, max(0.0, count)) for at, count in found]


def run(*, intervals: int = 17_520, rounds: int = 3, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    arrivals = _arrivals(intervals, rng)
    target = Target(service_level=0.8, answer_within_s=20)
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        plan = staff_intervals(arrivals, INTERVAL_S, AHT_S, target)
        timings.append(time.perf_counter() - started)
    evaluations = sum(i.requirement.agents for i in plan.intervals)
    best = min(timings)
    loads = [Load(count, INTERVAL_S, AHT_S) for _, count in arrivals]
    started = time.perf_counter()
    for load in loads:  # the same search, one interval at a time, for comparison
        required_agents(load, target)
    alone_s = time.perf_counter() - started
    sample = rng.sample(range(intervals), min(CHECKED, intervals))
    agree = all(required_agents(Load(arrivals[i][1], INTERVAL_S, AHT_S), target).agents
                == plan.intervals[i].requirement.agents for i in sample)
    textbook = erlang_c(Load(100, 1800, 180), 14)
    return {
        "benchmark": "erlang", "what_ran": "workforce.staffing.staff_intervals (Erlang C, all "
                                          "intervals searched together)",
        "intervals": intervals, "rounds": rounds, "evaluations": evaluations,
        "seconds": [round(t, 4) for t in timings],
        "evaluations_per_s": round(evaluations / best, 1),
        "one_at_a_time_evaluations_per_s": round(evaluations / alone_s, 1),
        "peak_agents": plan.peak_staff,
        "agrees_with_one_at_a_time_search": agree, "checked_intervals": len(sample),
        "textbook": {"p_wait": round(textbook.p_wait, 6),
                     "service_level": round(textbook.service_level, 6),
                     "asa_s": round(textbook.asa_s, 3)},
        "target_evaluations_per_s": TARGET_PER_S,
    }
