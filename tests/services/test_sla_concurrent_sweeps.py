"""Two workers sweeping at once on PostgreSQL fire every due step exactly once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hubdesk.domain.agents import Role
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import NewTicket, open_ticket
from hubdesk.store import tables as t
from tests import factories

START = datetime(2026, 6, 1, 7, tzinfo=UTC)
TICKETS = 40


@pytest.fixture
def postgres_hub(hub):
    if hub.engine.dialect.name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: concurrent sweeps need PostgreSQL")
    return hub


def test_concurrent_sweeps_never_fire_a_step_twice(postgres_hub):
    hub = postgres_hub
    admin = factories.staff(hub, Role.ADMIN).agent
    factories.always_open_policy(hub, admin, {
        "name": "All",
        "targets": {"normal": {"first_response": 60, "resolution": 600}},
        "ladder": [{"at_percent": 50, "actions": ["notify_coordinators"]},
                   {"at_percent": 100, "actions": ["notify_coordinators"]}]}, timezone="UTC")
    for n in range(TICKETS):
        open_ticket(hub.uows, admin, NewTicket(subject=f"Order {n}", body="Where is it?",
                                               requester_email=f"c{n}@example.com"),
                    now=START)
    # Past the first response's breach and the resolution's half: three steps per ticket.
    now = START + timedelta(minutes=301)
    barrier = threading.Barrier(4)
    results = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(sweep_due(hub.uows, now, batch=5))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    workers = [threading.Thread(target=sweep) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert sum(r.steps_fired for r in results) == 3 * TICKETS
    with hub.engine.connect() as db:
        fired = db.execute(select(func.count()).select_from(t.sla_step_firings)).scalar()
        events = db.execute(select(func.count()).select_from(t.ticket_events).where(
            t.ticket_events.c.kind == "sla_step_reached")).scalar()
        breaches = db.execute(select(func.count()).select_from(t.ticket_events).where(
            t.ticket_events.c.kind == "sla_breached")).scalar()
    assert (fired, events, breaches) == (3 * TICKETS, 3 * TICKETS, TICKETS)
    assert sweep_due(hub.uows, now).steps_fired == 0


def _tickets_with_interleaved_clocks(hub, count: int):
    """``count`` tickets opened a minute apart whose two clocks come due a few seconds
    apart, so the clocks due earliest pair up by ticket: a search for two clocks finds one
    ticket."""
    admin = factories.staff(hub, Role.ADMIN).agent
    factories.always_open_policy(hub, admin, {
        "name": "Paired",
        "targets": {"normal": {"first_response": 60, "resolution": 61}},
        "ladder": [{"at_percent": 50, "actions": ["notify_coordinators"]}]}, timezone="UTC")
    for n in range(count):
        open_ticket(hub.uows, admin, NewTicket(subject=f"Order {n}", body="Where is it?",
                                               requester_email=f"p{n}@example.com"),
                    now=START + timedelta(minutes=n))
    return START + timedelta(minutes=count + 31)  # every ticket's two half-way steps due


def test_a_batch_of_fewer_tickets_than_clocks_is_not_taken_for_the_last(hub):
    now = _tickets_with_interleaved_clocks(hub, 6)
    result = sweep_due(hub.uows, now, batch=2)
    assert (result.tickets, result.steps_fired) == (6, 12)


def test_tickets_another_sweep_holds_do_not_end_this_one(postgres_hub):
    hub = postgres_hub
    now = _tickets_with_interleaved_clocks(hub, 8)
    with hub.engine.connect() as other:
        first_two = other.execute(select(t.tickets.c.id).order_by(t.tickets.c.id).limit(2)
                                  .with_for_update()).scalars().all()
        result = sweep_due(hub.uows, now, batch=6)
        other.rollback()
    assert (result.tickets, result.steps_fired) == (6, 12)
    with hub.engine.connect() as db:
        swept = set(db.execute(select(t.sla_step_firings.c.clock_id)).scalars())
        clocks_of_held = set(db.execute(select(t.ticket_sla_clocks.c.id).where(
            t.ticket_sla_clocks.c.ticket_id.in_(first_two))).scalars())
    assert swept.isdisjoint(clocks_of_held)
    assert sweep_due(hub.uows, now).steps_fired == 4  # the held two, once released
