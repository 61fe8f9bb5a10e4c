"""The desk's waiting line in the domain's order, on both databases: the running answer
clock's deadline first, then priority, the customer's VIP level and age."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Tier
from hubdesk.domain.routing import Presence
from hubdesk.services.directory import CustomerInput
from tests import factories
from tests.routing_desk import agent, configure, later, ticket

TARGETS = {p: {"first_response": 480, "resolution": 960}
           for p in ("low", "normal", "high", "urgent")}
FAST = {p: {"first_response": 30, "resolution": 960} for p in TARGETS}


@pytest.fixture
def desk(hub):
    configure(hub)
    return factories.staff(hub, Role.COORDINATOR).agent


def _waiting_ids(hub):
    with hub.uows(write=False) as uow:
        return [w.ticket_id for w in uow.routing.waiting(10, vip_levels={"vip": 2})]


def _offer(hub, desk, person):
    hub.app.routing.set_presence(desk, person.agent.id, Presence.ONLINE, now=later(120))
    hub.app.routing.sweep(now=later(180))


def test_of_two_waiting_tickets_alike_the_one_due_sooner_is_offered_first(hub, desk):
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.sla.create_policy(admin, {"name": "Refunds fast", "targets": FAST,
                                      "conditions": {"category": ["refund"]}})
    hub.app.sla.create_policy(admin, {"name": "Everything else", "targets": TARGETS})
    person = agent(hub, desk, {"billing": 4, "returns": 4}, capacity=1,
                   presence=Presence.OFFLINE)
    older = ticket(hub, desk, category="billing")  # due in 8 hours
    sooner = ticket(hub, desk, category="refund", at=later(60))  # due in 30 minutes
    assert _waiting_ids(hub) == [sooner.ticket.id, older.ticket.id]
    with hub.uows(write=False) as uow:
        first = uow.routing.waiting(1)[0]
        assert first.answer_due == later(60 + 30 * 60)
        # the next page starts after it
        assert [w.ticket_id for w in uow.routing.waiting(5, after=first)] == [older.ticket.id]
    _offer(hub, desk, person)
    assert hub.app.tickets.get(desk, sooner.ticket.id).ticket.assignee_id == person.agent.id
    assert hub.app.tickets.get(desk, older.ticket.id).ticket.assignee_id is None


def test_of_two_waiting_tickets_alike_the_vip_customers_is_offered_first(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=1, presence=Presence.OFFLINE)
    older = ticket(hub, desk)
    vip = ticket(hub, desk, at=later(60))
    hub.app.directory.update_customer(factories.staff(hub, Role.ADMIN).agent,
                                      vip.ticket.requester_id,
                                      CustomerInput(frozenset({"tier"}), tier=Tier.VIP))
    assert _waiting_ids(hub) == [vip.ticket.id, older.ticket.id]
    _offer(hub, desk, person)
    assert hub.app.tickets.get(desk, vip.ticket.id).ticket.assignee_id == person.agent.id
    assert hub.app.tickets.get(desk, older.ticket.id).ticket.assignee_id is None
