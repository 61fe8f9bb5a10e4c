"""The handoffs' escalation ladders: the default one and a department's own, each step once,
at its time, however many sweeps run at once. Real commits on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hubdesk.domain.agents import Role
from hubdesk.jobs.handoffs import climb_handoff_ladders
from hubdesk.services.handoffs import NewHandoff, OlaInput
from hubdesk.store.tables import handoff_escalations, outbox
from tests import factories

OPENED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
WARNING = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # 75 % of the OLA's time used
DUE = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # two business hours later
COORDINATOR_STEP = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)  # one business hour past due
OFFICE = {"timezone": "Europe/Berlin",
          "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}}


@pytest.fixture
def desk(hub):
    team = factories.team(hub)
    billing = factories.department(hub, "Billing")
    lead = factories.staff(hub, Role.TEAM_LEAD, departments=(billing,)).agent
    coordinators = [factories.staff(hub, Role.COORDINATOR).agent for _ in range(2)]
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent
    admin = factories.staff(hub, Role.ADMIN).agent
    hub.app.handoffs.set_ola(admin, billing.id, OlaInput(
        target_minutes=120, calendar=OFFICE, lead_id=lead.id, coordinator_after_minutes=60))
    ticket = factories.ticket(hub, rep, team_id=team.id).ticket
    return {"app": hub.app, "billing": billing, "lead": lead, "rep": rep, "admin": admin,
            "coordinators": coordinators, "ticket": ticket,
            "liaison": factories.staff(hub, Role.LIAISON, departments=(billing,)).agent}


def _open(desk):
    return desk["app"].handoffs.open(desk["rep"], desk["ticket"].id, NewHandoff(
        department_id=desk["billing"].id, request="Check the invoice",
        assignee_id=desk["liaison"].id), now=OPENED).handoff


def _escalations(desk):
    return [e.event for e in desk["app"].tickets.history(desk["rep"], desk["ticket"].id)
            if e.event.kind.value == "handoff_escalated"]


def _firings(hub) -> int:
    with hub.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(handoff_escalations))


def test_the_assignee_is_warned_then_the_lead_and_the_coordinators_are_told(hub, desk):
    app = desk["app"]
    handoff = _open(desk)
    assert app.handoffs.climb_ladders(now=WARNING - timedelta(seconds=1)) == 0
    assert app.handoffs.climb_ladders(now=WARNING) == 1
    [warning] = _escalations(desk)
    assert (warning.data["step"], warning.data["level"], warning.data["warning"]) == (
        "75%", 1, True)
    assert warning.data["notify_agent_ids"] == [desk["liaison"].id]
    assert warning.data["handoff_id"] == handoff.id
    assert app.handoffs.climb_ladders(now=DUE - timedelta(seconds=1)) == 0
    assert app.handoffs.climb_ladders(now=DUE) == 1
    lead_step = _escalations(desk)[-1]
    assert (lead_step.data["step"], lead_step.data["notify"]) == ("100%", ["department_lead"])
    assert lead_step.data["notify_agent_ids"] == [desk["lead"].id]
    assert not lead_step.data["warning"]
    assert app.handoffs.climb_ladders(now=DUE + timedelta(minutes=30)) == 0
    assert app.handoffs.climb_ladders(now=COORDINATOR_STEP) == 1
    coordinator_step = _escalations(desk)[-1]
    assert coordinator_step.data["step"] == "deadline+60m"
    assert coordinator_step.data["notify_agent_ids"] == sorted(
        c.id for c in desk["coordinators"])
    # the ladder is finished: later sweeps fire nothing more
    assert app.handoffs.climb_ladders(now=COORDINATOR_STEP + timedelta(days=3)) == 0
    assert len(_escalations(desk)) == 3 and _firings(hub) == 3
    with hub.engine.connect() as connection:
        topics = list(connection.scalars(select(outbox.c.topic).where(
            outbox.c.topic == "ticket.handoff_escalated")))
    assert len(topics) == 3
    while app.relay_outbox():
        pass
    [told] = app.notifications.list(desk["liaison"])
    assert told.text == (f"75 % of the time of handoff #{handoff.id} on ticket "
                         f"#{desk['ticket'].id} is used")
    [overdue] = app.notifications.list(desk["lead"])
    assert overdue.text.endswith("is overdue and was escalated to you")


def test_a_late_sweep_fires_every_step_due_once(hub, desk):
    _open(desk)
    assert desk["app"].handoffs.climb_ladders(now=COORDINATOR_STEP + timedelta(hours=1)) == 3
    assert [e.data["level"] for e in _escalations(desk)] == [1, 2, 3]


def test_a_departments_own_ladder_is_climbed_by_the_handoffs_opened_under_it(hub, desk):
    app = desk["app"]
    earlier = _open(desk)
    app.handoffs.set_ola(desk["admin"], desk["billing"].id, OlaInput(
        target_minutes=120, calendar=OFFICE, lead_id=desk["lead"].id, ladder=[
            {"at_percent": 50, "notify": ["assignee", "department_lead"]},
            {"at_percent": 200, "notify": ["coordinators"]}]))
    later = _open(desk)
    # 50 % of two business hours, then twice the OLA's time: two hours past the deadline
    assert app.handoffs.climb_ladders(now=OPENED + timedelta(hours=1)) == 1
    [half] = _escalations(desk)
    assert (half.data["handoff_id"], half.data["step"]) == (later.id, "50%")
    assert half.data["notify_agent_ids"] == [desk["liaison"].id, desk["lead"].id]
    assert app.handoffs.climb_ladders(now=DUE + timedelta(hours=2)) == 4
    fired = [(e.data["handoff_id"], e.data["step"]) for e in _escalations(desk)]
    # the handoff opened before keeps the ladder it was opened with
    assert fired[1:] == [(earlier.id, "75%"), (earlier.id, "100%"),
                         (earlier.id, "deadline+60m"), (later.id, "200%")]


def test_an_answered_handoff_climbs_no_further(hub, desk):
    app = desk["app"]
    handoff = _open(desk)
    app.handoffs.climb_ladders(now=DUE)
    app.handoffs.answer(desk["liaison"], handoff.id, "Invoice corrected",
                        now=DUE + timedelta(minutes=5))
    assert app.handoffs.climb_ladders(now=COORDINATOR_STEP + timedelta(days=1)) == 0
    assert len(_escalations(desk)) == 2


def test_racing_sweeps_fire_each_step_exactly_once(hub, desk):
    handoffs = [_open(desk) for _ in range(3)]
    start = threading.Barrier(4)
    fired: list[int] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait(timeout=10)
            fired.append(desk["app"].handoffs.climb_ladders(now=COORDINATOR_STEP))
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(fired) == 3 * len(handoffs)
    assert _firings(hub) == 3 * len(handoffs)
    levels = sorted((e.data["handoff_id"], e.data["level"]) for e in _escalations(desk))
    assert levels == sorted((h.id, level) for h in handoffs for level in (1, 2, 3))


def test_the_periodic_job_is_idempotent(hub, desk):
    _open(desk)
    tick = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    climb_handoff_ladders(hub, tick)
    climb_handoff_ladders(hub, tick)
    assert _firings(hub) == 3 and len(_escalations(desk)) == 3
