"""Reads for the console's settings screens: each screen's data in one unit of work.

The changes themselves are the use cases the API calls (`directory`, `routing_admin`,
`sla_admin`); this module only gathers what a screen shows, with the same permission checks
those use cases make, so a screen never shows what its API would refuse to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.errors import NotFound, PermissionDenied
from hubdesk.domain.permissions import DirectoryKind, check_directory_read, check_sla_admin
from hubdesk.domain.sla import NamedCalendar, SlaPolicy
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.routing_admin import check_coordinates
from hubdesk.services.routing_records import AgentRoutingRow
from hubdesk.services.routing_roster import settings_in


def check_settings_reader(actor: Agent) -> None:
    """The settings area is for those who oversee the desk: coordinators, managers and
    administrators (what each may change is decided by each use case)."""
    if not actor.oversees_everything:
        raise PermissionDenied("settings are for coordinators, managers and administrators")


@dataclass(frozen=True)
class TeamsScreen:
    teams: list[Team]
    agents: list[Agent]

    def members(self, team_id: int | None) -> list[Agent]:
        return [a for a in self.agents if team_id in a.team_ids]

    def without_team(self) -> list[Agent]:
        return [a for a in self.agents if not a.team_ids]


def teams_screen(uows: UnitOfWorkFactory, actor: Agent) -> TeamsScreen:
    check_settings_reader(actor)
    check_directory_read(actor, DirectoryKind.TEAMS)
    check_directory_read(actor, DirectoryKind.AGENTS)
    with uows(write=False) as uow:
        return TeamsScreen(uow.structure.teams(), uow.agents.all())


@dataclass(frozen=True)
class AgentRoutingScreen:
    """An agent's routing profile (None before a coordinator first sets one) and what the
    desk's configuration offers: the skills it knows and each channel's default cost."""

    agent: Agent
    row: AgentRoutingRow | None
    known_skills: list[str]
    default_costs: dict[str, int]
    default_capacity: int


def agent_routing_screen(uows: UnitOfWorkFactory, actor: Agent,
                         agent_id: int) -> AgentRoutingScreen:
    check_coordinates(actor, "reading routing profiles")
    with uows(write=False) as uow:
        agent = uow.agents.get(agent_id)
        if agent is None:
            raise NotFound(f"agent {agent_id} was not found")
        rows = uow.routing.agents(agent_ids=[agent_id])
        settings = settings_in(uow)
    known = sorted(settings.skill_map.known_skills)
    return AgentRoutingScreen(agent, rows[0] if rows else None, known,
                              dict(settings.channel_costs), settings.default_capacity)


@dataclass(frozen=True)
class SlaScreen:
    calendars: list[NamedCalendar]
    policies: list[SlaPolicy]
    teams: list[Team]

    def calendar_names(self) -> dict[int | None, str]:
        return {c.id: c.name for c in self.calendars}


def sla_screen(uows: UnitOfWorkFactory, actor: Agent) -> SlaScreen:
    check_sla_admin(actor)
    with uows(write=False) as uow:
        return SlaScreen(uow.sla.calendars(), uow.sla.policies(), uow.structure.teams())

