"""Who can serve what when a team's week is drafted: the team's tickets fall into groups by the
skills their category needs (the routing skill map), the tier it needs and their language,
the forecast is split among the groups by their shares of the history, and an agent is
scheduled for a group only when their routing profile has its skills (at the levels asked)
and its language, and their tier is at least the group's. (A ticket's tier is its category's;
tickets escalated further later are counted at their category's tier.)

Each group is staffed on its own (Erlang C on its share), and agents who serve several groups
are pooled (`pools_for`): queueing makes one queue served by several agents need fewer of them
than its parts served apart, so each set of groups that share agents is also staffed on its
joint load, and the scheduler covers both: every group its own requirement from the agents
who serve it, every such set its pooled requirement from the agents who serve any of it, an
agent counting for everything they serve. This is the Hall condition of a transportation
problem (each set of work needs at least the agents able to do any of it) with each set's
load turned into agents by Erlang C: exact for the fluid load, and an approximation of the
queues, which it neither over-staffs as separate queues would nor assumes every agent can take
every contact. Sets whose groups have no agent in common are left out (their members' own
requirements already bind them); with more than `MAX_POOLED_GROUPS` groups only pairs and the
whole team are pooled.

A group no member of the team can serve would make every week infeasible; its contacts are
counted for everyone instead, and a note names it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from hubdesk.domain.agents import Agent
from hubdesk.domain.routing.requirements import SkillMap
from hubdesk.domain.triage import UNKNOWN_LANGUAGE
from hubdesk.services.ports import UnitOfWork
from hubdesk.services.routing_roster import settings_in
from hubdesk.services.workforce_plan import INTERVAL_MINUTES, SKILL, StaffingPlan, week_demand
from hubdesk.workforce.staffing import staff_intervals

EVERYONE = SKILL  # the group any member serves: tickets that need no skill or language
MAX_POOLED_GROUPS = 8  # every set of groups up to this many; beyond, pairs and the whole


@dataclass(frozen=True)
class Group:
    skills: tuple[tuple[str, int], ...] = ()  # (skill, lowest level), sorted
    language: str | None = None
    tier: int = 1  # the lowest tier of agent who may serve it

    @property
    def name(self) -> str:
        parts = [f"{skill}≥{level}" if level > 1 else skill for skill, level in self.skills]
        return "+".join([*parts, *([self.language] if self.language else []),
                         *([f"tier≥{self.tier}"] if self.tier > 1 else [])]) or EVERYONE

    def served_by(self, skills: Mapping[str, int], languages: Iterable[str],
                  tier: int = 1) -> bool:
        return all(skills.get(skill, 0) >= level for skill, level in self.skills) and (
            self.language is None or self.language in set(languages)) and tier >= self.tier


@dataclass(frozen=True)
class TeamGroups:
    shares: dict[str, float]  # group name → share of the team's contacts
    members: dict[int, frozenset[str]]  # agent id → the groups they serve
    notes: list[str]


def group_of(skill_map: SkillMap, category: str | None, language: str | None) -> Group:
    rule = skill_map.rule_for(category)
    return Group(tuple(sorted((n.skill, n.min_level) for n in rule.needs)),
                 language if language not in (None, "", UNKNOWN_LANGUAGE) else None, rule.tier)


def split(tickets: Iterable[tuple[str | None, str | None]], skill_map: SkillMap,
          members: Mapping[int, tuple[Mapping[str, int], Iterable[str]]],
          tiers: Mapping[int, int] | None = None) -> TeamGroups:
    """Shares of the (category, language) of past tickets, and who serves each group
    (``tiers``: each member's tier, 1 when not given)."""
    counts = Counter(group_of(skill_map, category, language) for category, language in tickets)
    total = sum(counts.values())
    if not total:
        return TeamGroups({EVERYONE: 1.0}, {a: frozenset({EVERYONE}) for a in members}, [])
    served = {a: {g for g in counts if g.served_by(*members[a], (tiers or {}).get(a, 1))}
              for a in members}
    shares: dict[str, float] = {}
    notes = []
    for group, count in sorted(counts.items(), key=lambda item: item[0].name):
        if group.name == EVERYONE or any(group in s for s in served.values()):
            shares[group.name] = shares.get(group.name, 0.0) + count / total
            continue
        shares[EVERYONE] = shares.get(EVERYONE, 0.0) + count / total
        notes.append(f"no member of the team serves {group.name} ({count / total:.0%} of the "
                     "tickets): those contacts are staffed from everyone")
    capable = {a: frozenset({EVERYONE} | {g.name for g in groups})
               for a, groups in served.items()}
    if len(shares) > 1:
        notes.insert(0, "demand split by skill and language from the team's tickets: " + ", ".join(
            f"{name} {share:.0%}" for name, share in sorted(shares.items())))
    return TeamGroups(shares, capable, notes)


def team_groups(uow: UnitOfWork, team_id: int, agents: list[Agent], since: datetime,
                until: datetime) -> TeamGroups:
    """The groups of the team's tickets opened in [since, until), and its agents' groups by
    their routing profiles (an agent without one serves only what needs nothing)."""
    ids = [a.id for a in agents if a.id is not None]
    profiles = {row.agent_id: row for row in uow.routing.agents(agent_ids=ids)}
    members: dict[int, tuple[Mapping[str, int], Iterable[str]]] = {
        a.id: (dict(profiles[a.id].skills), profiles[a.id].languages) if a.id in profiles
        else ({}, a.languages) for a in agents if a.id is not None}
    return split(uow.workforce.ticket_traits(team_id, since, until),
                 settings_in(uow).skill_map, members,
                 {a.id: a.tier for a in agents if a.id is not None})


def pooled_sets(groups: Iterable[str], members: Mapping[int, frozenset[str]]
                ) -> list[frozenset[str]]:
    """The sets of two or more groups worth staffing together: for each distinct set of
    agents able to serve some of them, the most groups those agents alone serve, when some
    agent serves more than one of them."""
    names = sorted(groups)
    able = {g: frozenset(a for a, served in members.items() if g in served) for g in names}
    if len(names) <= MAX_POOLED_GROUPS:
        candidates = [c for size in range(2, len(names) + 1) for c in combinations(names, size)]
    else:
        candidates = [*combinations(names, 2), tuple(names)]
    widest: dict[frozenset[int], frozenset[str]] = {}
    for chosen in candidates:
        agents = frozenset().union(*(able[g] for g in chosen))
        if sum(len(able[g]) for g in chosen) == len(agents):
            continue  # no agent in common: each group's own requirement binds already
        widest[agents] = widest.get(agents, frozenset()) | frozenset(chosen)
    return sorted(set(widest.values()), key=lambda s: (len(s), sorted(s)))


def pools_for(plan: StaffingPlan, shares: Mapping[str, float],
              members: Mapping[int, frozenset[str]],
              demand: Mapping[str, tuple[int, ...]]) -> tuple[
                  dict[frozenset[str], tuple[int, ...]], list[str]]:
    """Each pooled set of groups with the agents its joint load needs per interval of the
    week (Erlang C on the sum of its shares), and a note of what pooling saves at the
    busiest half hour of the whole team."""
    pools: dict[frozenset[str], tuple[int, ...]] = {}
    for chosen in pooled_sets(shares, members):
        share = sum(shares[g] for g in chosen)
        staffed = staff_intervals([(i.start, i.forecast * share) for i in plan.intervals],
                                  INTERVAL_MINUTES * 60, plan.aht_s, plan.goal.target(),
                                  plan.goal.shrinkage)
        pools[chosen], _ = week_demand(plan, {i.start: s.requirement.agents for i, s in zip(
            plan.intervals, staffed.intervals, strict=True)})
    whole = pools.get(frozenset(shares))
    if whole is None:
        return pools, []
    apart = [sum(values) for values in zip(*demand.values(), strict=True)]
    if max(whole, default=0) >= max(apart, default=0):
        return pools, []
    return pools, [f"agents serving several groups are pooled: at the busiest half hour the "
                   f"team needs {max(whole)} agents together where its groups staffed apart "
                   f"would need {max(apart)}"]

