"""Breach forecasts for tickets waiting for an agent, through the real use cases on both
databases: the line ahead, the agents' slots, recent handling times, closed calendars."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.sla import NamedCalendar
from hubdesk.domain.sla.prediction import LineOutlook, breach_probability, pile_outlook
from hubdesk.domain.tickets import Status
from hubdesk.services.sla_risk import DEFAULT_HOLD_S
from tests import factories
from tests.routing_desk import NOW, agent, configure, later, ticket

TARGETS = {p: {"first_response": 60, "next_response": 60, "resolution": 480}
           for p in ("low", "normal", "high", "urgent")}


@pytest.fixture
def desk(hub):
    admin = configure(hub).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": TARGETS})
    return factories.staff(hub, Role.COORDINATOR).agent


def test_each_waiting_ticket_is_forecast_from_the_line_ahead_of_it(hub, desk):
    busy = agent(hub, desk, {"billing": 4}, capacity=2, channel_costs={"api": 1})
    served = [ticket(hub, desk) for _ in range(2)]
    assert all(t.ticket.assignee_id == busy.agent.id for t in served)
    waiting = [ticket(hub, desk, at=later(60 * n)) for n in range(1, 4)]
    assert all(t.ticket.assignee_id is None for t in waiting)
    report = hub.app.sla.forecast_breaches(desk, now=later(600))
    assert (report.waiting, report.closed) == (3, 0)
    assert [f.ticket_id for f in report.forecasts] == [t.ticket.id for t in reversed(waiting)]
    by_ticket = {f.ticket_id: f for f in report.forecasts}
    for ahead, opened in enumerate(waiting):
        found = by_ticket[opened.ticket.id]
        assert (found.ahead, found.free_slots, found.busy_slots) == (ahead, 0, 2)
        assert found.mean_handle_s == DEFAULT_HOLD_S  # no release yet
        left = 3600 - 600 + 60 * (ahead + 1)
        assert found.business_seconds_left == pytest.approx(left)
        assert found.probability == pytest.approx(
            breach_probability(LineOutlook(left, ahead, 0, 2, DEFAULT_HOLD_S)))
        assert found.target == "first_response" and found.subject == "Charged twice"
    assert report.at_risk == [f for f in report.forecasts if f.probability >= 0.5]
    assert report.breached == 0
    late = hub.app.sla.forecast_breaches(desk, now=later(3700))  # the first is past due
    assert late.breached == 1 and waiting[0].ticket.id not in {f.ticket_id for f in late.at_risk}
    assert len(late.at_risk) == 2


def test_recent_releases_set_the_handling_time(hub, desk):
    person = agent(hub, desk, {"billing": 4}, capacity=1, channel_costs={"api": 1})
    first = ticket(hub, desk)
    hub.app.tickets.change_status(person.agent, first.ticket.id, Status.SOLVED,
                                  now=later(300))
    second = ticket(hub, desk, at=later(310))
    assert second.ticket.assignee_id == person.agent.id
    waiting = ticket(hub, desk, at=later(320))
    report = hub.app.sla.forecast_breaches(desk, now=later(330))
    [found] = report.forecasts
    assert found.ticket_id == waiting.ticket.id
    assert found.mean_handle_s == pytest.approx(300 / math.log(2))
    assert report.mean_handle_s == {"api": pytest.approx(300 / math.log(2))}


def test_nobody_online_who_could_take_it_is_a_certain_breach(hub, desk):
    agent(hub, desk, {"returns": 4})
    opened = ticket(hub, desk)
    [found] = hub.app.sla.forecast_breaches(desk, now=later(60)).forecasts
    assert found.ticket_id == opened.ticket.id
    assert found.probability == 1.0 and math.isinf(found.expected_wait_s)
    assert found.to_dict()["expected_wait_s"] is None


def test_a_closed_calendar_is_counted_not_forecast(hub, desk):
    admin = factories.staff(hub, Role.ADMIN).agent
    [policy] = hub.app.sla.policies(admin)
    closed = hub.app.sla.create_calendar(admin, NamedCalendar(None, "Weekends off", (
        BusinessCalendar.from_dict({"timezone": "UTC", "hours": {
            day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}}))))
    hub.app.sla.update_policy(admin, policy.id, {**policy.to_dict(), "calendar_id": closed.id})
    ticket(hub, desk)  # nobody online: it waits
    saturday = NOW + timedelta(days=5)  # NOW is a Monday
    report = hub.app.sla.forecast_breaches(desk, now=saturday)
    assert (report.waiting, report.closed, report.forecasts) == (1, 1, [])


def test_only_people_who_watch_the_queues_see_it_and_the_threshold_is_a_probability(hub,
                                                                                    desk):
    with pytest.raises(PermissionDenied):
        hub.app.sla.forecast_breaches(factories.staff(hub).agent, now=NOW)
    with pytest.raises(ValidationFailed):
        hub.app.sla.forecast_breaches(desk, threshold=0.0, now=NOW)


def test_an_assigned_ticket_is_forecast_from_its_assignees_own_pile(hub, desk):
    busy = agent(hub, desk, {"billing": 4}, capacity=2, channel_costs={"api": 1})
    served = [ticket(hub, desk, at=later(n)) for n in range(2)]
    assert all(t.ticket.assignee_id == busy.agent.id for t in served)
    ticket(hub, desk, at=later(5))  # waits for a slot: not in anyone's pile
    report = hub.app.sla.forecast_breaches(desk, now=later(600))
    assert (report.waiting, report.assigned, report.assigned_closed) == (1, 2, 0)
    assert [f.ticket_id for f in report.forecasts] == [report.forecasts[0].ticket_id]
    first, second = sorted(report.assigned_forecasts, key=lambda f: f.ahead)
    assert [first.ticket_id, second.ticket_id] == [t.ticket.id for t in served]
    assert {first.assignee_id, second.assignee_id} == {busy.agent.id}
    # the first of the pile can start now; the second waits for it to be done with
    assert (first.ahead, first.probability) == (0, 0.0)
    assert second.ahead == 1 and second.business_seconds_left == pytest.approx(3001)
    assert second.probability == pytest.approx(math.exp(-3001 / DEFAULT_HOLD_S))
    assert second.probability == pytest.approx(
        breach_probability(pile_outlook(3001, 1, DEFAULT_HOLD_S)))
    assert report.assigned_at_risk == []  # about 19 %
    strict = hub.app.sla.forecast_breaches(desk, threshold=0.1, now=later(600))
    assert [f.ticket_id for f in strict.assigned_at_risk] == [served[1].ticket.id]

    # once the first is answered it leaves the pile, and the second is next
    hub.app.tickets.reply(busy.agent, served[0].ticket.id, "We are on it", now=later(700))
    [only] = hub.app.sla.forecast_breaches(desk, now=later(800)).assigned_forecasts
    assert (only.ticket_id, only.ahead, only.probability) == (served[1].ticket.id, 0, 0.0)
    assert only.to_dict()["assignee_id"] == busy.agent.id


def test_an_assignee_away_makes_no_progress_on_their_pile_until_back(hub, desk):
    from hubdesk.domain.routing import Presence
    from hubdesk.domain.sla.prediction import TYPICAL_BREAK
    from hubdesk.services.routing_records import ProfileChange

    busy = agent(hub, desk, {"billing": 4}, capacity=2, channel_costs={"api": 1})
    served = [ticket(hub, desk, at=later(n)) for n in range(2)]
    hub.app.routing.set_presence(desk, busy.agent.id, Presence.ON_BREAK, now=later(590))
    report = hub.app.sla.forecast_breaches(desk, now=later(600))
    first, second = sorted(report.assigned_forecasts, key=lambda f: f.ahead)
    back = later(590) + TYPICAL_BREAK  # no scheduled break: a typical one from its start
    away = (back - later(600)).total_seconds()
    assert (first.assignee_presence, first.assignee_back_at) == ("on_break", back)
    assert (first.probability, first.expected_wait_s) == (0.0, away)  # back in time
    assert second.business_seconds_left == pytest.approx(3001)  # the deadline is the same
    assert second.probability == pytest.approx(math.exp(-(3001 - away) / DEFAULT_HOLD_S))
    assert second.probability > math.exp(-3001 / DEFAULT_HOLD_S)  # worse than online

    # offline with no shift ahead: not known to come back, so neither is answered in time
    hub.app.routing.set_presence(desk, busy.agent.id, Presence.OFFLINE, now=later(600))
    gone = hub.app.sla.forecast_breaches(desk, now=later(610))
    assert [(f.probability, f.assignee_back_at, f.expected_wait_s)
            for f in gone.assigned_forecasts] == [(1.0, None, math.inf)] * 2
    assert {f.ticket_id for f in gone.assigned_at_risk} == {t.ticket.id for t in served}
    assert gone.to_dict()["assigned_forecasts"][0]["assignee_back_at"] is None

    # offline until a shift that starts after the deadlines: the same; before them: a delay
    hub.app.routing.update_profile(desk, busy.agent.id, ProfileChange(
        shift_starts_at=later(1210), shift_ends_at=later(1210 + 8 * 3600)), now=later(605))
    shifted = hub.app.sla.forecast_breaches(desk, now=later(610))
    first, second = sorted(shifted.assigned_forecasts, key=lambda f: f.ahead)
    assert first.assignee_back_at == later(1210) and first.probability == 0.0
    assert second.probability == pytest.approx(math.exp(-(2991 - 600) / DEFAULT_HOLD_S))
    hub.app.routing.update_profile(desk, busy.agent.id, ProfileChange(
        shift_starts_at=later(4000), shift_ends_at=later(4000 + 8 * 3600)), now=later(606))
    late = hub.app.sla.forecast_breaches(desk, now=later(610))
    assert [f.probability for f in late.assigned_forecasts] == [1.0, 1.0]
