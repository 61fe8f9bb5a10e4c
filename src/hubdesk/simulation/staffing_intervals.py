"""Staffing by simulation, interval by interval: how many agents of each group each interval of
the day needs, as Erlang C gives it for one queue, but for several channels, concurrency and
blended agents under the desk's own routing policy.

Each interval is staffed on its own (`staffing.staff_by_simulation`): its arrival rates held
constant, every group present for the whole of it (shifts are what a schedule makes from
these figures, so a scenario's shifts are set aside here), run long enough to reach the steady
state the interval's figures stand for (``contacts_per_interval`` contacts per replication,
the interval repeating). The run starts empty, so its first contacts wait a little less than
in a busy day: the longer the run, the smaller that bias. Intervals without arrivals need no
one. The time limit is shared out among the intervals still to staff.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.simulation.scenario import Scenario
from hubdesk.simulation.staffing import ProgressCallback, staff_by_simulation
from hubdesk.simulation.staffing_targets import ChannelTarget, check_targets

DEFAULT_CONTACTS_PER_INTERVAL = 2000


def interval_scenario(scenario: Scenario, index: int) -> Scenario | None:
    """The scenario of one interval, its rates held, every group there all the time; None if
    nothing arrives in it."""
    kinds = tuple(replace(kind, rates=(kind.rates[index],)) for kind in scenario.contact_types
                  if index < len(kind.rates) and kind.rates[index] > 0)
    if not kinds:
        return None
    groups = tuple(replace(group, shift=None) for group in scenario.groups)
    return replace(scenario, name=f"{scenario.name} interval {index}", contact_types=kinds,
                   groups=groups)


def staff_each_interval(scenario: Scenario, targets: Sequence[ChannelTarget], *,
                        seeds: int = 3, first_seed: int | None = None,
                        contacts_per_interval: int = DEFAULT_CONTACTS_PER_INTERVAL,
                        time_limit_s: float = 300.0, max_agents: int | None = None,
                        progress: ProgressCallback | None = None) -> dict[str, Any]:
    """The fewest agents per group meeting every target in each interval of the day."""
    started = time.monotonic()
    check_targets(scenario, targets)
    if contacts_per_interval < 100:
        raise ValidationFailed("an interval needs at least 100 contacts per replication to "
                               "stand for its steady state",
                               {"contacts_per_interval": "< 100"})
    if not time_limit_s > 0:
        raise ValidationFailed("the time limit must be above 0 s", {"time_limit": "not > 0"})
    count = max(len(kind.rates) for kind in scenario.contact_types)
    intervals: list[dict[str, Any]] = []
    simulations = 0
    for index in range(count):
        alone = interval_scenario(scenario, index)
        start_s = index * scenario.interval_s
        if alone is None:
            intervals.append({"index": index, "start_s": start_s, "agents": 0,
                              "groups": {g.name: 0 for g in scenario.groups},
                              "achieved": [], "closed": True})
            continue
        present = {kind.channel for kind in alone.contact_types}
        wanted = [t for t in targets if t.channel in present]
        left = time_limit_s - (time.monotonic() - started)
        if left <= 0:
            raise ValidationFailed(f"the time limit ran out at interval {index} of {count}: "
                                   "allow more time or fewer contacts per interval",
                                   {"time_limit": "too short"})
        share = left / (count - index)

        def told(doing: str, seconds: float, index: int = index) -> None:
            if progress is not None:
                progress(f"interval {index + 1}/{count}: {doing}",
                         time.monotonic() - started)

        found = staff_by_simulation(alone, wanted, seeds=seeds, first_seed=first_seed,
                                    customers=contacts_per_interval, time_limit_s=share,
                                    max_agents=max_agents, progress=told)
        simulations += found["search"]["simulations"]
        intervals.append({"index": index, "start_s": start_s, "agents": found["agents"],
                          "groups": {g["name"]: g["agents"] for g in found["groups"]},
                          "achieved": found["achieved"], "closed": False,
                          "lower_bound": found["lower_bound"]["agents"],
                          "minimal": found["search"]["minimal"]})
    return {
        "scenario": scenario.name, "interval_s": scenario.interval_s, "seeds": seeds,
        "contacts_per_interval": contacts_per_interval, "intervals": intervals,
        "peak_agents": max((i["agents"] for i in intervals), default=0),
        "agent_intervals": sum(i["agents"] for i in intervals),
        "simulations": simulations, "seconds": round(time.monotonic() - started, 3),
        "time_limit_s": time_limit_s,
    }
