"""Who can serve what when a team's week is drafted: the team's tickets fall into groups by the
skills their category needs (the routing skill map) and their language, the forecast is split
among the groups by their shares of the history, each group is staffed on its own, and an
agent is scheduled for a group only when their routing profile has its skills (at the levels
asked) and its language.

A group no member of the team can serve would make every week infeasible; its contacts are
counted for everyone instead, and a note names it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.routing.requirements import SkillMap
from hubdesk.domain.triage import UNKNOWN_LANGUAGE
from hubdesk.services.ports import UnitOfWork
from hubdesk.services.routing_roster import settings_in
from hubdesk.services.workforce_plan import SKILL

EVERYONE = SKILL  # the group any member serves: tickets that need no skill or language


@dataclass(frozen=True)
class Group:
    skills: tuple[tuple[str, int], ...] = ()  # (skill, lowest level), sorted
    language: str | None = None

    @property
    def name(self) -> str:
        parts = [f"{skill}≥{level}" if level > 1 else skill for skill, level in self.skills]
        return "+".join([*parts, *([self.language] if self.language else [])]) or EVERYONE

    def served_by(self, skills: Mapping[str, int], languages: Iterable[str]) -> bool:
        return all(skills.get(skill, 0) >= level for skill, level in self.skills) and (
            self.language is None or self.language in set(languages))


@dataclass(frozen=True)
class TeamGroups:
    shares: dict[str, float]  # group name → share of the team's contacts
    members: dict[int, frozenset[str]]  # agent id → the groups they serve
    notes: list[str]


def group_of(skill_map: SkillMap, category: str | None, language: str | None) -> Group:
    needs = skill_map.rule_for(category).needs
    return Group(tuple(sorted((n.skill, n.min_level) for n in needs)),
                 language if language not in (None, "", UNKNOWN_LANGUAGE) else None)


def split(tickets: Iterable[tuple[str | None, str | None]], skill_map: SkillMap,
          members: Mapping[int, tuple[Mapping[str, int], Iterable[str]]]) -> TeamGroups:
    """Shares of the (category, language) of past tickets, and who serves each group."""
    counts = Counter(group_of(skill_map, category, language) for category, language in tickets)
    total = sum(counts.values())
    if not total:
        return TeamGroups({EVERYONE: 1.0}, {a: frozenset({EVERYONE}) for a in members}, [])
    served = {a: {g for g in counts if g.served_by(*members[a])} for a in members}
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
                 settings_in(uow).skill_map, members)

