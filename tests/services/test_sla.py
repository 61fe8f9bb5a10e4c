"""SLA clocks through the real use cases, on both databases: they move inside the ticket
change's transaction, follow the conversation in business time, are recomputed mid-flight,
and the sweep fires each warning step once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import IllegalTransition
from hubdesk.domain.sla import NamedCalendar
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import (
    NewTicket,
    TicketChanges,
    add_customer_message,
    add_message,
    change_status,
    open_ticket,
    ticket_events,
    update_ticket,
)
from hubdesk.store import tables as t
from tests import factories

MONDAY_9 = datetime(2026, 6, 1, 7, tzinfo=UTC)  # 09:00 in Berlin (summer time)
HOUR = timedelta(hours=1)
BERLIN_OFFICE = {"timezone": "Europe/Berlin",
                 "hours": {day: [["09:00", "17:00"]]
                           for day in ("mon", "tue", "wed", "thu", "fri")},
                 "holidays": [{"date": "12-25", "yearly": True}]}
TARGETS = {"normal": {"first_response": 60, "next_response": 120, "resolution": 480},
           "high": {"first_response": 45, "next_response": 60, "resolution": 240},
           "urgent": {"first_response": 30, "next_response": 30, "resolution": 120}}


@pytest.fixture
def desk(hub):
    team = factories.team(hub)
    admin = factories.staff(hub, Role.ADMIN).agent
    calendar = hub.app.sla.create_calendar(
        admin, NamedCalendar(None, "Berlin office", BusinessCalendar.from_dict(BERLIN_OFFICE)))
    policy = hub.app.sla.create_policy(admin, {"name": "Standard", "targets": TARGETS,
                                               "calendar_id": calendar.id})
    return {"team": team, "admin": admin, "calendar": calendar, "policy": policy,
            "rep": factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent,
            "lead": factories.staff(hub, Role.TEAM_LEAD, teams=(team,)).agent,
            "coordinator": factories.staff(hub, Role.COORDINATOR).agent}


def _open(hub, desk, at=MONDAY_9, priority=None):
    detail, _ = open_ticket(hub.uows, desk["rep"], NewTicket(
        subject="Parcel never arrived", body="Where is my order?",
        requester_email="customer@example.com", team_id=desk["team"].id, priority=priority),
        now=at)
    return detail


def _clocks(hub, admin, ticket_id, at):
    views, history = hub.app.sla.ticket_clocks(admin, ticket_id, now=at)
    return {v.target: v for v in views}, history


def test_clocks_follow_the_conversation_in_business_time(hub, desk):
    detail = _open(hub, desk)
    ticket_id = detail.ticket.id
    assert {c.target for c in detail.sla} == {"first_response", "resolution"}
    clocks, _ = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + HOUR / 2)
    assert clocks["first_response"].due_at == MONDAY_9 + HOUR
    assert clocks["first_response"].business_seconds_left == 1800
    assert clocks["resolution"].due_at == MONDAY_9 + 8 * HOUR  # 17:00 Berlin, closing time

    add_message(hub.uows, desk["rep"], ticket_id, "We are on it.", now=MONDAY_9 + HOUR / 2)
    add_customer_message(hub.uows, ticket_id, "Any news?", now=MONDAY_9 + 7 * HOUR)
    clocks, _ = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 7 * HOUR)
    assert clocks["first_response"].status == "met"
    # 1 business hour left on Monday, the second on Tuesday from 09:00 Berlin
    assert clocks["next_response"].due_at == MONDAY_9 + 25 * HOUR

    change_status(hub.uows, desk["rep"], ticket_id, Status.PENDING, now=MONDAY_9 + 7 * HOUR)
    clocks, _ = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 30 * HOUR)
    assert clocks["resolution"].paused and clocks["resolution"].due_at is None
    assert clocks["resolution"].business_seconds_left == 3600  # 7 of 8 hours used

    add_customer_message(hub.uows, ticket_id, "Still nothing", now=MONDAY_9 + 48 * HOUR)
    clocks, _ = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 48 * HOUR)
    assert clocks["resolution"].status == "running"  # the reply reopened the ticket
    assert clocks["resolution"].due_at == MONDAY_9 + 49 * HOUR

    change_status(hub.uows, desk["rep"], ticket_id, Status.SOLVED,
                  now=MONDAY_9 + 48 * HOUR + HOUR / 2)
    clocks, history = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 50 * HOUR)
    assert clocks["resolution"].status == "met" and clocks["resolution"].breached_at is None
    assert clocks["next_response"].status == "stopped"
    kinds = [(h.target, h.kind) for h in history if h.target == "resolution"]
    assert kinds == [("resolution", "started"), ("resolution", "paused"),
                     ("resolution", "resumed"), ("resolution", "met")]


def test_raising_priority_mid_flight_keeps_time_used_and_applies_the_new_goal(hub, desk):
    ticket_id = _open(hub, desk).ticket.id
    add_message(hub.uows, desk["rep"], ticket_id, "Looking", now=MONDAY_9 + HOUR / 4)
    # Friday evening to Monday: business time is Monday's hour only
    update_ticket(hub.uows, desk["rep"], ticket_id,
                  TicketChanges(frozenset({"priority"}), priority=Priority.URGENT),
                  now=MONDAY_9 + HOUR)
    clocks, history = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + HOUR)
    assert clocks["resolution"].goal_seconds == 2 * 3600
    assert clocks["resolution"].due_at == MONDAY_9 + 2 * HOUR  # 1 h used, 1 h left
    recomputed = [h for h in history if h.kind == "recomputed"]
    assert recomputed[0].data["goal_seconds"] == [8 * 3600, 2 * 3600]


def test_a_policy_change_recomputes_the_clocks_that_run_under_it(hub, desk):
    ticket_id = _open(hub, desk).ticket.id
    changed = {**desk["policy"].to_dict(),
               "targets": {"normal": {"first_response": 60, "resolution": 240}}}
    hub.app.sla.update_policy(desk["admin"], desk["policy"].id, changed,
                              now=MONDAY_9 + HOUR)
    clocks, _ = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + HOUR)
    assert clocks["resolution"].due_at == MONDAY_9 + 4 * HOUR
    # a calendar change: from now on the desk is open around the clock
    hub.app.sla.update_calendar(desk["admin"], desk["calendar"].id, NamedCalendar(
        None, "Berlin office", BusinessCalendar.from_dict(
            {"timezone": "Europe/Berlin", "always_open": True})), now=MONDAY_9 + 2 * HOUR)
    later, _ = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 2 * HOUR)
    assert later["resolution"].due_at == MONDAY_9 + 4 * HOUR
    # 2 h used of 1 h: overdue, though only the sweep records the breach
    assert later["first_response"].risk == "breached"
    assert later["first_response"].business_seconds_left == -3600


def test_the_sweep_fires_each_step_once_and_raises_priority(hub, desk):
    detail = _open(hub, desk)
    ticket_id = detail.ticket.id
    update_ticket(hub.uows, desk["rep"], ticket_id,
                  TicketChanges(frozenset({"assignee_id"}), assignee_id=desk["rep"].id),
                  now=MONDAY_9)
    at_80 = MONDAY_9 + timedelta(minutes=48)
    first = sweep_due(hub.uows, at_80)
    again = sweep_due(hub.uows, at_80)
    assert (first.steps_fired, again.steps_fired) == (1, 0)
    events = [e.event for e in ticket_events(hub.uows, desk["admin"], ticket_id)
              if e.event.kind == "sla_step_reached"]
    assert [(e.data["target"], e.data["at_percent"], e.data["notify_agent_ids"])
            for e in events] == [("first_response", 75, [desk["rep"].id])]

    at_95 = MONDAY_9 + timedelta(minutes=57)
    assert sweep_due(hub.uows, at_95).steps_fired == 1
    after = hub.app.tickets.get(desk["admin"], ticket_id)
    assert after.ticket.priority is Priority.HIGH  # the 90 % step raised it
    # high allows 45 minutes: overdue from the moment it was raised, so the next sweep
    # records the breach, and the ones after it find nothing left to fire
    breach = sweep_due(hub.uows, at_95)
    assert (breach.breaches, breach.steps_fired) == (1, 1)
    assert sweep_due(hub.uows, at_95).steps_fired == 0
    assert sweep_due(hub.uows, MONDAY_9 + 2.5 * HOUR).steps_fired == 0
    events = [e.event for e in ticket_events(hub.uows, desk["admin"], ticket_id)
              if e.event.kind == "sla_step_reached"]
    assert [(e.data["at_percent"], e.data["notify_agent_ids"]) for e in events] == [
        (75, [desk["rep"].id]), (90, [desk["lead"].id]), (100, [desk["coordinator"].id])]
    clocks, _ = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 2.5 * HOUR)
    assert clocks["first_response"].status == "breached"
    with hub.engine.connect() as db:
        fired = db.execute(select(func.count()).select_from(t.sla_step_firings)).scalar()
    assert fired == 3


def test_a_refused_change_leaves_the_clocks_as_they_were(hub, desk):
    ticket_id = _open(hub, desk).ticket.id
    change_status(hub.uows, desk["rep"], ticket_id, Status.SOLVED, now=MONDAY_9 + HOUR)
    change_status(hub.uows, desk["coordinator"], ticket_id, Status.CLOSED,
                  now=MONDAY_9 + 2 * HOUR)
    before = _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 3 * HOUR)
    with pytest.raises(IllegalTransition):
        add_customer_message(hub.uows, ticket_id, "Hello?", now=MONDAY_9 + 3 * HOUR)
    assert _clocks(hub, desk["admin"], ticket_id, MONDAY_9 + 3 * HOUR) == before


def test_tickets_no_policy_covers_have_no_clocks(hub, desk):
    hub.app.sla.update_policy(desk["admin"], desk["policy"].id, {
        **desk["policy"].to_dict(), "conditions": {"priority": ["urgent"]}})
    assert _open(hub, desk).sla == []
    assert {c.target for c in _open(hub, desk, priority=Priority.URGENT).sla} == {
        "first_response", "resolution"}


def test_a_queue_sorted_by_due_puts_the_earliest_deadline_first(hub, desk):
    from hubdesk.services.tickets import list_tickets
    from hubdesk.services.views import TicketFilter, TicketOrder

    later = _open(hub, desk, at=MONDAY_9).ticket.id
    sooner = _open(hub, desk, at=MONDAY_9, priority=Priority.URGENT).ticket.id
    without = _open(hub, desk, priority=Priority.LOW).ticket.id  # no target for low
    first = list_tickets(hub.uows, desk["admin"], TicketFilter(order=TicketOrder.DUE), limit=2)
    assert [row.id for row in first.rows] == [sooner, later]
    rest = list_tickets(hub.uows, desk["admin"], TicketFilter(order=TicketOrder.DUE), limit=2,
                        cursor=first.next_cursor)
    assert [row.id for row in rest.rows] == [without] and rest.next_cursor is None
