"""An answer at the deadline instant is in time through the real use cases, on both
databases: the clock is met, not late, and the control room's count of breached tickets
counts a ticket only once its deadline has passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla import NamedCalendar
from hubdesk.services.sla_sweep import sweep_due
from hubdesk.services.tickets import NewTicket, add_message, open_ticket
from tests import factories

MONDAY_16 = datetime(2026, 6, 1, 14, tzinfo=UTC)  # 16:00 in Berlin
CLOSING = datetime(2026, 6, 1, 15, tzinfo=UTC)  # 17:00 in Berlin
OFFICE = {"timezone": "Europe/Berlin",
          "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}
ONE_HOUR = {priority: {"first_response": 60, "resolution": 600}
            for priority in ("low", "normal", "high", "urgent")}


@pytest.fixture
def desk(hub):
    team = factories.team(hub)
    admin = factories.staff(hub, Role.ADMIN).agent
    calendar = hub.app.sla.create_calendar(
        admin, NamedCalendar(None, "Office", BusinessCalendar.from_dict(OFFICE)))
    hub.app.sla.create_policy(admin, {"name": "Standard", "targets": ONE_HOUR,
                                      "calendar_id": calendar.id})
    return {"team": team, "admin": admin,
            "rep": factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent}


def _open(hub, desk) -> int:
    detail, _ = open_ticket(hub.uows, desk["rep"], NewTicket(
        subject="Invoice twice", body="I was charged twice.",
        requester_email="customer@example.com", team_id=desk["team"].id), now=MONDAY_16)
    return detail.ticket.id


def _first_response(hub, desk, ticket_id, at):
    views, history = hub.app.sla.ticket_clocks(desk["admin"], ticket_id, now=at)
    return ({v.target: v for v in views}["first_response"],
            [h for h in history if h.target == "first_response"])


def _breached_in_team(hub, desk, at) -> int:
    with hub.uows(write=False) as uow:
        lines = uow.tickets.team_lines(at, at - timedelta(days=1))
    return sum(line.breached for line in lines if line.team_id == desk["team"].id)


def test_a_reply_at_the_closing_time_deadline_meets_the_target_in_time(hub, desk):
    ticket_id = _open(hub, desk)
    clock, _ = _first_response(hub, desk, ticket_id, MONDAY_16)
    assert clock.due_at == CLOSING
    sweep_due(hub.uows, CLOSING)  # a sweep at the very instant marks nothing
    assert _breached_in_team(hub, desk, CLOSING) == 0
    clock, _ = _first_response(hub, desk, ticket_id, CLOSING)
    assert clock.status == "running" and clock.breached_at is None

    add_message(hub.uows, desk["rep"], ticket_id, "Refunded.", now=CLOSING)
    clock, history = _first_response(hub, desk, ticket_id, CLOSING)
    assert clock.status == "met" and clock.breached_at is None
    assert [h.kind for h in history] == ["started", "step", "step", "step", "met"]
    assert history[-1].data["late"] is False


def test_a_reply_a_second_after_the_deadline_is_late(hub, desk):
    ticket_id = _open(hub, desk)
    later = CLOSING + timedelta(seconds=1)
    assert _breached_in_team(hub, desk, later) == 1
    add_message(hub.uows, desk["rep"], ticket_id, "Refunded.", now=later)
    clock, history = _first_response(hub, desk, ticket_id, later)
    assert clock.status == "met" and clock.breached_at == CLOSING
    assert history[-1].data["late"] is True
