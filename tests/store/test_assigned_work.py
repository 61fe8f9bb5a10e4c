"""The team board's tickets under each agent (`store/queues.py` `assigned_work`), on both
databases: each agent's oldest unresolved tickets, at most so many each, in one query."""

from __future__ import annotations

from datetime import timedelta

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Status
from hubdesk.services.control_room import WORK_PER_AGENT
from tests import factories
from tests.routing_desk import NOW, agent, configure, ticket


def test_each_agent_has_their_oldest_unresolved_tickets_listed(hub):
    admin = configure(hub).agent
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    busy = agent(hub, coordinator, {"billing": 3}, capacity=100).agent
    other = agent(hub, coordinator, {"billing": 3}).agent
    held = [ticket(hub, admin, at=NOW + timedelta(minutes=i), subject=f"Case {i}").ticket.id
            for i in range(WORK_PER_AGENT + 2)]
    for ticket_id in held:
        hub.app.tickets.assign(admin, ticket_id, busy.id, now=NOW + timedelta(hours=1))
    hub.app.tickets.change_status(admin, held[0], Status.SOLVED, now=NOW + timedelta(hours=2))
    theirs = ticket(hub, admin, subject="Someone else's").ticket.id
    hub.app.tickets.assign(admin, theirs, other.id, now=NOW + timedelta(hours=1))
    work = hub.app.routing.control_room(coordinator, now=NOW + timedelta(hours=3)).work
    assert [w.id for w in work[busy.id]] == held[1:WORK_PER_AGENT + 1]  # solved one left out
    assert [(w.id, w.subject) for w in work[other.id]] == [(theirs, "Someone else's")]
