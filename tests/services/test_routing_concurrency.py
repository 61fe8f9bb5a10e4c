"""Safety under concurrency, on PostgreSQL: 8 processes, each with its own engine and
application, route, pull, reassign and solve over one shared backlog at once. Afterwards no
ticket was ever given to a second agent without being released first, and every agent's
units in use are exactly what their tickets hold, within capacity (which the table's checks
enforce on every commit)."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import text

from hubdesk.domain.agents import Role
from hubdesk.domain.events import EventKind
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import Priority
from tests import factories, routing_race
from tests.routing_desk import NOW, agent, configure, later, ticket

PROCESSES = 8
AGENTS = 6
BACKLOG = 40


@pytest.fixture
def postgres_hub(hub):
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("the race is about several processes on PostgreSQL")
    return hub


def test_eight_processes_never_assign_a_ticket_twice_nor_exceed_capacity(postgres_hub):
    hub = postgres_hub
    configure(hub, channel_costs={"api": 2, "email": 1, "chat": 3, "phone": 10, "web": 1})
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    people = [agent(hub, coordinator, {"billing": 3 + i % 3}, capacity=6,
                    presence=Presence.OFFLINE) for i in range(AGENTS)]
    backlog = [ticket(hub, coordinator, at=later(i), subject=f"Invoice {i}",
                      priority=list(Priority)[i % 4]).ticket.id for i in range(BACKLOG)]
    # Online straight in the store: through the use case each agent would be offered the
    # backlog at once, and the processes would find little left to race for.
    with hub.uows() as uow:
        for person in people:
            uow.routing.set_presence(person.agent.id, Presence.ONLINE.value, NOW)
        uow.commit()
    url = hub.engine.url.render_as_string(hide_password=False)
    ids = [p.agent.id for p in people]
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(PROCESSES) as pool:
        runs = [pool.apply_async(routing_race.race, (seed, url, coordinator.id, ids, backlog))
                for seed in range(PROCESSES)]
        results = [run.get(timeout=240) for run in runs]
    # The processes really raced for the same work and capacity.
    assert sum(r["pulled"] + r["routed"] for r in results) >= AGENTS
    assert sum(r["unavailable"] for r in results) <= PROCESSES  # deadlocks would show here

    for ticket_id in backlog:
        changes = [stored.event.changes["assignee_id"]
                   for stored in hub.app.tickets.history(coordinator, ticket_id)
                   if stored.event.kind is EventKind.ASSIGNED
                   and "assignee_id" in stored.event.changes]
        holder = None
        for before, after in changes:
            # Every assignment starts from the assignee the previous one left: nobody took a
            # ticket from under another transaction.
            assert before == holder, (ticket_id, changes)
            holder = after
    with hub.engine.connect() as connection:
        loads = {row.agent_id: (row.load, row.capacity) for row in connection.execute(text(
            "SELECT agent_id, load, capacity FROM agent_loads"))}
        held = dict(connection.execute(text(
            "SELECT agent_id, SUM(held) FROM ticket_routing WHERE agent_id IS NOT NULL "
            "GROUP BY agent_id")).all())
        assigned_twice = connection.execute(text(
            "SELECT COUNT(*) FROM ticket_routing r JOIN tickets t ON t.id = r.ticket_id "
            "WHERE r.held > 0 AND t.assignee_id IS DISTINCT FROM r.agent_id")).scalar_one()
    for agent_id, (load, capacity) in loads.items():
        assert 0 <= load <= capacity
        assert load == held.get(agent_id, 0), (agent_id, load, held)
    assert assigned_twice == 0
