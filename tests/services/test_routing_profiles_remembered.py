"""A desk where nobody has a routing profile assigns by hand: its new tickets ask nothing of
routing. Whether anyone has a profile is remembered with the settings, so the first profile
added, and the last one removed, change what the next ticket does."""

from __future__ import annotations

from sqlalchemy import text

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from tests import factories
from tests.channels.email.test_filing_cost import statements_of
from tests.routing_desk import NOW, agent, configure, ticket


def _routing_reads(asked: list[str]) -> list[str]:
    """The roster, the previous agent, the customer's exclusions."""
    return [s for s in asked if "JOIN agent_routing" in s or "customer_excluded_agents" in s
            or s.startswith("SELECT tickets.assignee_id")]


def test_a_desk_without_profiles_asks_nothing_of_routing_until_one_is_added(hub: Hub) -> None:
    admin = configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    ticket(hub, admin.agent)  # the settings, remembered from here on
    with statements_of(hub) as asked:
        first = ticket(hub, admin.agent)
    assert first.ticket.assignee_id is None
    assert _routing_reads(asked) == []
    assert first.ticket.id is not None
    with hub.uows(write=False) as uow:  # a desk not routing keeps no record per ticket
        assert uow.routing.ticket_state(first.ticket.id) is None

    billing = agent(hub, coordinator, {"billing": 3})
    routed = ticket(hub, admin.agent)
    assert routed.ticket.assignee_id == billing.agent.id


def test_the_last_profile_removed_with_its_agent_is_seen_too(hub: Hub) -> None:
    admin = configure(hub)
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    billing = agent(hub, coordinator, {"billing": 3})
    assert ticket(hub, admin.agent).ticket.assignee_id == billing.agent.id
    with hub.engine.begin() as c:  # an operator removes the profile by hand
        c.execute(text("DELETE FROM agent_routing"))
    with statements_of(hub) as asked:
        waiting = ticket(hub, admin.agent, at=NOW)
    assert waiting.ticket.assignee_id is None
    assert _routing_reads(asked) == []
    # Learnt by asking again once, the settings' token having changed.
    assert len([s for s in asked if "FROM agent_routing" in s]) == 1
