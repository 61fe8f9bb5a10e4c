"""Staffing by simulation: the fewest agents per group meeting every channel's target under the
desk's own routing policy.

What is sized is the number of agents in each of the scenario's groups (each agent keeps the
group's skills, languages, tier, capacity, channel costs and shift); the counts written in the
scenario only give the mix the search starts from. Every candidate staffing is simulated on
the same contacts (common random numbers: each seed's contacts are drawn once, before the
search, and do not depend on who works), one run per seed, and a target is judged on the mean
over the seeds.

1. **Start** from the analytical bound (`staffing_targets.analytical_bound`): the scenario's
   mix scaled down to that many agents, each group rounded down.
2. **Grow** while a target is missed: among the groups that can take the channel of the
   target missed by most, add one agent to the one that brings that target closest (ties:
   the most total shortfall removed).
3. **Remove** while the targets hold: of all staffings one agent smaller, keep the one that
   leaves the most room on its tightest target, until every one-smaller staffing misses a
   target. The answer is then minimal on the seeds used: taking any one agent away misses.
4. **Exchange**: move one agent from a group to another when that leaves more room on the
   tightest target, then remove again (step 3); until no move gives more room. This finds
   staffings that one-at-a-time removal cannot reach (on the shipped scenario, 22 agents
   where removal alone stops at 23). The answer is still minimal after every exchange.

The search stops at its time limit (the answer then says whether it is proven minimal and
whether exchanges were left untried, or there is no answer when no target-meeting staffing was
found yet) or when the staffing would exceed ``max_agents`` (the error names the target still
missed).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hubdesk.domain.errors import ValidationFailed
from hubdesk.simulation.arrivals import Contacts, draw_contacts
from hubdesk.simulation.engine import run
from hubdesk.simulation.scenario import AgentGroup, Scenario
from hubdesk.simulation.staffing_targets import (
    ChannelTarget,
    analytical_bound,
    check_targets,
    serving_groups,
)

POLICY = "hubdesk"

# Told after each staffing simulated: what the search is doing, and seconds since it began.
ProgressCallback = Callable[[str, float], None]


class StaffingUnreachable(ValidationFailed):
    """No staffing within the search's limits meets the targets; the message says which."""


@dataclass(frozen=True)
class Evaluation:
    """One staffing simulated on every seed: each target's figure per seed."""

    counts: tuple[int, ...]
    figures: tuple[tuple[float, ...], ...]  # per target, per seed
    shortfalls: tuple[float, ...]  # per target, on the mean; positive: missed

    @property
    def feasible(self) -> bool:
        return all(s <= 0 for s in self.shortfalls)

    @property
    def missed(self) -> float:
        return sum(max(0.0, s) for s in self.shortfalls)

    @property
    def room(self) -> float:
        return -max(self.shortfalls)


@dataclass
class _Seed:
    contacts: Contacts
    channel_masks: dict[str, NDArray[np.bool_]]


@dataclass
class Search:
    """The search's state: the drawn contacts, the evaluations made, the clock."""

    scenario: Scenario
    targets: tuple[ChannelTarget, ...]
    seeds: tuple[int, ...]
    customers: int | None
    deadline: float
    samples: list[_Seed] = field(default_factory=list)
    cache: dict[tuple[int, ...], Evaluation] = field(default_factory=dict)
    simulations: int = 0
    exchanges: int = 0
    phase: str = "growing"
    progress: ProgressCallback | None = None
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        kinds = np.asarray([k.channel for k in self.scenario.contact_types])
        for seed in self.seeds:
            contacts = draw_contacts(self.scenario, seed, self.customers)
            channel_of = kinds[np.asarray(contacts.kind, dtype=np.int64)] if len(contacts) \
                else np.asarray([], dtype=kinds.dtype)
            masks = {t.channel: channel_of == t.channel for t in self.targets}
            self.samples.append(_Seed(contacts, masks))

    def out_of_time(self) -> bool:
        return time.monotonic() > self.deadline

    def evaluate(self, counts: tuple[int, ...]) -> Evaluation:
        if counts in self.cache:
            return self.cache[counts]
        sized = resized(self.scenario, counts)
        per_target: list[list[float]] = [[] for _ in self.targets]
        for sample in self.samples:
            outcome = run(sized, POLICY, sample.contacts)
            self.simulations += 1
            wait = np.asarray(outcome.wait_s)
            abandoned = np.frombuffer(bytes(outcome.abandoned), dtype=np.uint8).astype(bool)
            for n, target in enumerate(self.targets):
                mask = sample.channel_masks[target.channel]
                per_target[n].append(_figure(target, wait[mask], abandoned[mask]))
        figures = tuple(tuple(f) for f in per_target)
        evaluation = Evaluation(counts, figures, tuple(
            target.shortfall(float(np.mean(f))) for target, f in zip(self.targets, figures,
                                                                      strict=True)))
        self.cache[counts] = evaluation
        if self.progress is not None:
            self.progress(f"{self.phase}: {sum(counts)} agents, {self.simulations} runs",
                          time.monotonic() - self.started)
        return evaluation


def _figure(target: ChannelTarget, wait: NDArray[np.float64],
            abandoned: NDArray[np.bool_]) -> float:
    if wait.size == 0:
        return 1.0 if target.service_level is not None else 0.0
    if target.service_level is not None:
        return float(np.mean((wait >= 0) & (wait <= target.within_s)))
    return float(np.mean(abandoned))


def resized(scenario: Scenario, counts: Sequence[int]) -> Scenario:
    """The scenario with ``counts[g]`` agents in group ``g`` (zero allowed), numbered afresh."""
    groups = []
    next_id = 1
    for group, count in zip(scenario.groups, counts, strict=True):
        template = group.profiles[0]
        profiles = tuple(replace(template, agent_id=next_id + n) for n in range(count))
        next_id += count
        groups.append(AgentGroup(group.name, profiles, group.shift))
    return replace(scenario, groups=tuple(groups))


def starting_counts(scenario: Scenario, agents: int) -> tuple[int, ...]:
    """The scenario's mix scaled to ``agents`` in all, each group rounded down."""
    mix = [len(g.profiles) for g in scenario.groups]
    scale = agents / sum(mix)
    return tuple(math.floor(count * scale + 1e-9) for count in mix)


def _grow(search: Search, current: Evaluation, reach: list[list[int]],
          max_agents: int) -> Evaluation:
    while not current.feasible:
        if sum(current.counts) >= max_agents:
            raise StaffingUnreachable(_unreached(search, current, max_agents),
                                      {"target": _worst(search, current).channel})
        if search.out_of_time():
            raise StaffingUnreachable(
                f"the time limit ran out at {sum(current.counts)} agents with "
                f"{_short(search, current)}: give more time (--time-limit)",
                {"time_limit": "reached"})
        worst = max(range(len(search.targets)), key=lambda n: current.shortfalls[n])
        options = []
        for group in reach[worst]:
            counts = list(current.counts)
            counts[group] += 1
            options.append(search.evaluate(tuple(counts)))
        current = max(options, key=lambda e: (current.shortfalls[worst] - e.shortfalls[worst],
                                              current.missed - e.missed))
    return current


def _shrink(search: Search, current: Evaluation) -> tuple[Evaluation, bool]:
    """Remove agents one at a time while every target holds; True when proven minimal."""
    while True:
        options = []
        for group, count in enumerate(current.counts):
            if count == 0:
                continue
            if search.out_of_time():
                return current, False
            counts = list(current.counts)
            counts[group] -= 1
            options.append(search.evaluate(tuple(counts)))
        kept = [e for e in options if e.feasible]
        if not kept:
            return current, True
        current = max(kept, key=lambda e: e.room)  # ties: the first group


def _exchange(search: Search, current: Evaluation) -> tuple[Evaluation, bool, bool]:
    """Move one agent from a group to another while that leaves more room on the tightest
    target, removing agents again after each move. Returns the staffing, whether it is
    minimal (no one agent can go) and whether no exchange was left to try."""
    while True:
        best = None
        for source, count in enumerate(current.counts):
            for sink in range(len(current.counts)):
                if count == 0 or sink == source:
                    continue
                if search.out_of_time():
                    return current, True, False
                counts = list(current.counts)
                counts[source] -= 1
                counts[sink] += 1
                moved = search.evaluate(tuple(counts))
                if moved.feasible and moved.room > (best or current).room + 1e-12:
                    best = moved
        if best is None:
            return current, True, True
        current, minimal = _shrink(search, best)
        if not minimal:
            return current, False, False
        search.exchanges += 1


def _worst(search: Search, evaluation: Evaluation) -> ChannelTarget:
    return search.targets[max(range(len(search.targets)),
                              key=lambda n: evaluation.shortfalls[n])]


def _short(search: Search, evaluation: Evaluation) -> str:
    target = _worst(search, evaluation)
    reached = float(np.mean(evaluation.figures[search.targets.index(target)]))
    return f"{target.label} at {reached:.3f} against {target.goal:g}"


def _unreached(search: Search, evaluation: Evaluation, max_agents: int) -> str:
    return (f"no staffing of up to {max_agents} agents meets every target: "
            f"{_short(search, evaluation)} (raise --max-agents, or ask less)")


def staff_by_simulation(scenario: Scenario, targets: Sequence[ChannelTarget], *,
                        seeds: int = 3, first_seed: int | None = None,
                        customers: int | None = None, time_limit_s: float = 60.0,
                        max_agents: int | None = None,
                        progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Search the fewest agents per group meeting every target; see the module docstring."""
    started = time.monotonic()
    check_targets(scenario, targets)
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ValidationFailed("seeds must be a whole number of at least 1", {"seeds": "< 1"})
    if not time_limit_s > 0:
        raise ValidationFailed("the time limit must be above 0 s", {"time_limit": "not > 0"})
    bound = analytical_bound(scenario, targets)
    limit = max_agents if max_agents is not None else 10 * bound["agents"] + 10
    if limit < 1:
        raise ValidationFailed("max_agents must be at least 1", {"max_agents": "< 1"})
    base = scenario.seed if first_seed is None else first_seed
    search = Search(scenario, tuple(targets), tuple(range(base, base + seeds)), customers,
                    started + time_limit_s, progress=progress, started=started)
    reach = [serving_groups(scenario, [k for k in scenario.contact_types
                                       if k.channel == t.channel]) for t in search.targets]
    start = starting_counts(scenario, min(bound["agents"], limit))
    grown = _grow(search, search.evaluate(start), reach, limit)
    search.phase = "removing"
    shrunk, minimal = _shrink(search, grown)
    answer, settled = shrunk, False
    if minimal:
        search.phase = "exchanging"
        answer, minimal, settled = _exchange(search, shrunk)
    return _report(search, bound, start, (grown, shrunk), answer, (minimal, settled),
                   time.monotonic() - started, time_limit_s, limit)


def _spread(values: Sequence[float]) -> dict[str, float]:
    data = np.asarray(values)
    return {"mean": round(float(data.mean()), 6),
            "sd": round(float(data.std(ddof=1)), 6) if data.size > 1 else 0.0,
            "min": round(float(data.min()), 6), "max": round(float(data.max()), 6)}


def _report(search: Search, bound: dict[str, Any], start: tuple[int, ...],
            passed: tuple[Evaluation, Evaluation], answer: Evaluation,
            proven: tuple[bool, bool], seconds: float, time_limit_s: float,
            max_agents: int) -> dict[str, Any]:
    scenario = search.scenario
    grown, shrunk = passed
    minimal, settled = proven
    groups = []
    hours = 0.0
    for group, count in zip(scenario.groups, answer.counts, strict=True):
        length = (group.shift[1] - group.shift[0]) if group.shift else scenario.day_s
        hours += count * length / 3600
        groups.append({"name": group.name, "agents": count, "scenario_agents":
                       len(group.profiles), "shift_s": list(group.shift) if group.shift
                       else None})
    achieved = []
    for target, figures, shortfall in zip(search.targets, answer.figures, answer.shortfalls,
                                          strict=True):
        entry: dict[str, Any] = {"channel": target.channel}
        if target.service_level is not None:
            entry |= {"measure": "service_level", "within_s": target.within_s}
        else:
            entry |= {"measure": "abandonment"}
        achieved.append(entry | {"target": target.goal, **_spread(figures),
                                 "met": shortfall <= 0})
    return {
        "scenario": scenario.name, "policy": POLICY, "seeds": list(search.seeds),
        "contacts_per_seed": [len(s.contacts) for s in search.samples],
        "customers": search.customers,
        "agents": sum(answer.counts), "agent_hours": round(hours, 3),
        "groups": groups, "achieved": achieved, "lower_bound": bound,
        "search": {
            "sized": "agents per group", "start": list(start),
            "after_growing": sum(grown.counts), "after_removing": sum(shrunk.counts),
            "exchanges": search.exchanges, "minimal": minimal, "exchanges_exhausted": settled,
            "simulations": search.simulations, "staffings_tried": len(search.cache),
            "seconds": round(seconds, 3), "time_limit_s": time_limit_s,
            "max_agents": max_agents,
        },
    }
