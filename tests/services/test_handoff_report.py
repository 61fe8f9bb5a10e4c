"""The handoff turnaround report on seeded handoffs, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import PermissionDenied
from hubdesk.services.handoffs import NewHandoff, OlaInput
from tests import factories

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
FRIDAY_AFTERNOON = datetime(2026, 2, 27, 15, 0, tzinfo=UTC)  # 16:00 in Berlin
OFFICE = {"timezone": "Europe/Berlin",
          "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}
SINCE, UNTIL = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
AS_OF = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def seeded(hub):
    app = hub.app
    team = factories.team(hub)
    billing, shipping = factories.department(hub, "Billing"), factories.department(hub,
                                                                                   "Shipping")
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent
    admin = factories.staff(hub, Role.ADMIN).agent
    billing_liaison = factories.staff(hub, Role.LIAISON, departments=(billing,)).agent
    shipping_liaison = factories.staff(hub, Role.LIAISON, departments=(shipping,)).agent
    app.handoffs.set_ola(admin, billing.id, OlaInput(target_minutes=120, calendar=OFFICE))
    ticket = factories.ticket(hub, rep, team_id=team.id).ticket

    def hand_off(department, at):
        return app.handoffs.open(rep, ticket.id, NewHandoff(
            department_id=department.id, request="Please check"), now=at).handoff.id

    # Billing (two business hours, Berlin office hours)
    on_time = hand_off(billing, MONDAY)
    app.handoffs.answer(billing_liaison, on_time, "ok", now=MONDAY + timedelta(hours=1))
    late = hand_off(billing, MONDAY)
    app.handoffs.answer(billing_liaison, late, "ok", now=MONDAY + timedelta(hours=3))
    refused = hand_off(billing, MONDAY)
    app.handoffs.reject(billing_liaison, refused, "not ours",
                        now=MONDAY + timedelta(minutes=30))
    # over the weekend: one business hour on Friday, one on Monday, answered at the deadline
    weekend = hand_off(billing, FRIDAY_AFTERNOON)
    app.handoffs.answer(billing_liaison, weekend, "ok", now=MONDAY + timedelta(hours=1))
    # Shipping (no OLA: round the clock, no deadline)
    slow = hand_off(shipping, MONDAY)
    app.handoffs.answer(shipping_liaison, slow, "ok", now=MONDAY + timedelta(days=1))
    hand_off(shipping, MONDAY)  # still awaited
    # opened outside the window: not counted
    hand_off(shipping, UNTIL + timedelta(days=1))
    return {"app": app, "billing": billing, "shipping": shipping, "rep": rep,
            "coordinator": factories.staff(hub, Role.COORDINATOR).agent}


def test_turnaround_per_department_names_the_bottleneck(hub, seeded):
    result = seeded["app"].handoffs.report(seeded["coordinator"], SINCE, UNTIL, now=AS_OF)
    rows = {row.department_id: row for row in result.report.departments}
    billing, shipping = rows[seeded["billing"].id], rows[seeded["shipping"].id]
    assert (billing.handoffs, billing.finished) == (4, 4)
    # business times: 30 min, 1 h, 2 h (over the weekend), 3 h
    assert billing.median == timedelta(hours=1)
    assert billing.p90 == timedelta(hours=3)
    assert billing.overdue_share == 0.25
    assert billing.rejected_share == 0.25
    assert (shipping.handoffs, shipping.finished) == (2, 1)
    assert shipping.median == shipping.p90 == timedelta(days=1)
    assert shipping.overdue_share == 0.0 and shipping.rejected_share == 0.0
    assert result.report.bottleneck == shipping
    assert result.department_names[seeded["shipping"].id] == "Shipping"


def test_the_report_is_for_those_who_oversee_and_an_empty_window_holds_nothing(hub, seeded):
    app = seeded["app"]
    with pytest.raises(PermissionDenied):
        app.handoffs.report(seeded["rep"], SINCE, UNTIL)
    backwards = app.handoffs.report(seeded["coordinator"], UNTIL, SINCE)
    assert backwards.report.departments == [] and backwards.report.bottleneck is None


def test_rework_is_blamed_on_the_team_the_handoff_came_from(hub):
    from hubdesk.domain.handoffs import HandoffStatus, SendBackCause

    app = hub.app
    careful, hasty = factories.team(hub, "Careful"), factories.team(hub, "Hasty")
    billing = factories.department(hub, "Billing")
    admin = factories.staff(hub, Role.ADMIN).agent
    app.handoffs.set_ola(admin, billing.id, OlaInput(target_minutes=120, calendar=OFFICE))
    careful_rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(careful,)).agent
    hasty_rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(hasty,)).agent
    liaison = factories.staff(hub, Role.LIAISON, departments=(billing,)).agent
    hasty_ticket = factories.ticket(hub, hasty_rep, team_id=hasty.id).ticket
    careful_ticket = factories.ticket(hub, careful_rep, team_id=careful.id).ticket

    def hand_off(rep, ticket):
        return app.handoffs.open(rep, ticket.id, NewHandoff(
            department_id=billing.id, request="Please check"), now=MONDAY).handoff.id

    def at(hours):
        return MONDAY + timedelta(hours=hours)

    # Hasty sends a request back for what it forgot to ask, on a ticket with a second
    # handoff whose own moves must not mix with the first one's
    reworked = hand_off(hasty_rep, hasty_ticket)
    app.handoffs.assign(liaison, reworked, liaison.id, now=at(0.25))
    app.handoffs.answer(liaison, reworked, "Refunded", now=at(1))
    app.handoffs.transition(hasty_rep, reworked, HandoffStatus.IN_PROGRESS, now=at(3),
                            cause=SendBackCause.INCOMPLETE_REQUEST)
    app.handoffs.answer(liaison, reworked, "And the fee too", now=at(4.5))
    app.handoffs.done(hasty_rep, reworked, now=at(5))
    refused = hand_off(hasty_rep, hasty_ticket)
    app.handoffs.reject(liaison, refused, "no order number", now=at(0.5))
    # Careful's request is answered once, late, and accepted at once
    answered_late = hand_off(careful_rep, careful_ticket)
    app.handoffs.answer(liaison, answered_late, "Done", now=at(3))
    app.handoffs.done(careful_rep, answered_late, now=at(3))

    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    result = app.handoffs.report(coordinator, SINCE, UNTIL, now=at(8))
    [row] = result.report.departments
    assert (row.handoffs, row.finished) == (3, 3)
    # own times: 30 min (the rejection), 1 h (the first answer), 3 h — not the 4.5 h the
    # send-back stretched the first request to
    assert (row.median, row.p90) == (timedelta(hours=1), timedelta(hours=3))
    assert row.overdue_share == pytest.approx(1 / 3)  # only Careful's, answered after 2 h
    assert row.waiting_on_requester == timedelta(hours=2, minutes=30)
    assert row.rework == timedelta(hours=1, minutes=30)
    assert row.sent_back == 1
    origins = {origin.team_id: origin for origin in result.report.origins}
    assert set(origins) == {careful.id, hasty.id}
    assert (origins[hasty.id].handoffs, origins[hasty.id].rejected,
            origins[hasty.id].sent_back) == (2, 1, 1)
    assert origins[hasty.id].time_caused == timedelta(hours=4)
    assert (origins[careful.id].rejected, origins[careful.id].sent_back,
            origins[careful.id].time_caused) == (0, 0, timedelta(0))
    assert result.team_names[hasty.id] == "Hasty"
