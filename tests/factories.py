"""Builders for test data through the real services, so tests exercise the same paths."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Agent, Department, Role, Team
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla import NamedCalendar
from hubdesk.services.auth import LOCAL_OPERATOR, create_token
from hubdesk.services.directory import AgentInput, create_agent, create_department, create_team
from hubdesk.services.tickets import NewTicket, open_ticket
from hubdesk.services.views import TicketDetail

_counter = itertools.count(1)
PASSWORD = "correct horse battery"


@dataclass
class Staff:
    agent: Agent
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def team(hub: Hub, name: str | None = None) -> Team:
    return create_team(hub.uows, LOCAL_OPERATOR, Team(None, name or f"Team {next(_counter)}"))


def department(hub: Hub, name: str | None = None) -> Department:
    return create_department(hub.uows, LOCAL_OPERATOR,
                           Department(None, name or f"Department {next(_counter)}"))


def staff(hub: Hub, role: Role = Role.REPRESENTATIVE, *, teams: tuple[Team, ...] = (),
          departments: tuple[Department, ...] = (), tier: int = 1,
          with_password: bool = False) -> Staff:
    """An agent with an API token; a password (slow to hash on purpose) only when asked."""
    n = next(_counter)
    agent = create_agent(hub.uows, LOCAL_OPERATOR, AgentInput(
        fields_set=frozenset(), email=f"{role.value}{n}@hubdesk.test", name=f"{role.value} {n}",
        role=role, tier=tier, team_ids=frozenset(t.id for t in teams if t.id),
        department_ids=frozenset(d.id for d in departments if d.id),
        password=PASSWORD if with_password else None))
    return Staff(agent, create_token(hub.uows, LOCAL_OPERATOR, agent.email))


def ticket(hub: Hub, by: Agent, *, subject: str = "Parcel never arrived",
           body: str = "Where is my order?", email: str = "customer@example.com",
           team_id: int | None = None) -> TicketDetail:
    detail, _ = open_ticket(hub.uows, by, NewTicket(subject=subject, body=body,
                                                     requester_email=email, team_id=team_id))
    return detail


def always_open_policy(hub: Hub, admin: Agent, policy: dict[str, object], *,
                       timezone: str = "Europe/Berlin") -> None:
    """An SLA policy on a calendar open around the clock, so tests count plain minutes."""
    calendar = hub.app.sla.create_calendar(admin, NamedCalendar(
        None, f"Always {next(_counter)}",
        BusinessCalendar.from_dict({"timezone": timezone, "always_open": True})))
    hub.app.sla.create_policy(admin, {**policy, "calendar_id": calendar.id})
