"""Builders for routing tests: a desk's routing configuration and agents with profiles,
made through the application like a coordinator would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import Channel, Priority
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.tickets import NewTicket
from hubdesk.services.views import TicketDetail
from tests import factories

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
_emails = itertools.count(1)

CONFIG = {
    "known_skills": ["billing", "returns", "technical"],
    "categories": {"billing": {"skills": {"billing": 3}},
                   "refund": {"skills": {"returns": 2}},
                   "hardware": {"skills": {"technical": 5}, "tier": 3}},
    "offline_grace_s": 60,
}


def configure(hub: Hub, **overrides: object) -> factories.Staff:
    admin = factories.staff(hub, Role.ADMIN)
    hub.app.routing.update_config(admin.agent, {**CONFIG, **overrides}, now=NOW)
    return admin


def agent(hub: Hub, coordinator: Agent, skills: dict[str, int], *, capacity: int = 10,
          presence: Presence = Presence.ONLINE, languages: tuple[str, ...] = ("en",),
          tier: int = 1, **profile: object) -> factories.Staff:
    person = factories.staff(hub)
    assert person.agent.id is not None
    hub.app.routing.update_profile(coordinator, person.agent.id, ProfileChange(
        skills=skills, capacity=capacity, languages=languages, tier=tier,
        **profile), now=NOW)  # type: ignore[arg-type]
    hub.app.routing.set_presence(coordinator, person.agent.id, presence, now=NOW)
    return person


def ticket(hub: Hub, by: Agent, *, category: str | None = "billing",
           priority: Priority = Priority.NORMAL, channel: Channel = Channel.API,
           at: datetime = NOW, subject: str = "Charged twice") -> TicketDetail:
    detail, _ = hub.app.tickets.open(by, NewTicket(
        subject=subject, body="Please look at my invoice.", category=category,
        requester_email=f"routing{next(_emails)}@example.com", priority=priority,
        channel=channel), now=at)
    return detail


def later(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)
