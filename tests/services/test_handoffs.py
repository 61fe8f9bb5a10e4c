"""Department handoffs through the application, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import (
    IllegalTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from hubdesk.domain.handoffs import HandoffStatus, Side
from hubdesk.domain.tickets import Status
from hubdesk.services.handoffs import NewHandoff, OlaInput
from tests import factories

# Monday 2026-03-02 09:00 in Berlin (08:00 UTC).
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
BERLIN_OFFICE = {"timezone": "Europe/Berlin",
                 "hours": {day: [["09:00", "17:00"]] for day in ("mon", "tue", "wed", "thu",
                                                                 "fri")}}


@pytest.fixture
def desk(hub):
    team = factories.team(hub)
    billing = factories.department(hub, "Billing")
    shipping = factories.department(hub, "Shipping")
    desk = {
        "app": hub.app,
        "team": team, "billing": billing, "shipping": shipping,
        "rep": factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent,
        "other_rep": factories.staff(hub, Role.REPRESENTATIVE).agent,
        "coordinator": factories.staff(hub, Role.COORDINATOR).agent,
        "admin": factories.staff(hub, Role.ADMIN).agent,
        "billing_liaison": factories.staff(hub, Role.LIAISON, departments=(billing,)).agent,
        "shipping_liaison": factories.staff(hub, Role.LIAISON, departments=(shipping,)).agent,
        "billing_lead": factories.staff(hub, Role.TEAM_LEAD, departments=(billing,)).agent,
    }
    hub.app.handoffs.set_ola(desk["admin"], billing.id, OlaInput(
        target_minutes=120, calendar=BERLIN_OFFICE, lead_id=desk["billing_lead"].id,
        coordinator_after_minutes=60))
    desk["ticket"] = factories.ticket(hub, desk["rep"], team_id=team.id).ticket
    return desk


def _hand_off(desk, *, department="billing", blocking=False, at=MONDAY_MORNING):
    return desk["app"].handoffs.open(
        desk["rep"], desk["ticket"].id,
        NewHandoff(department_id=desk[department].id, request="Was the refund sent?",
                   blocking=blocking), now=at)


def test_a_handoff_runs_its_lifecycle_and_the_answer_reaches_the_ticket(hub, desk):
    app, liaison = desk["app"], desk["billing_liaison"]
    opened = _hand_off(desk)
    handoff = opened.handoff
    assert handoff.status is HandoffStatus.OPEN
    # two business hours from Monday 09:00 Berlin: 11:00 Berlin, 10:00 UTC
    assert handoff.due_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert opened.time_left == timedelta(hours=2)
    assert opened.department_name == "Billing"

    later = MONDAY_MORNING + timedelta(minutes=30)
    assert app.handoffs.start(liaison, handoff.id, now=later).handoff.status \
        is HandoffStatus.IN_PROGRESS
    note = app.handoffs.note(liaison, handoff.id, "Checking with the bank", now=later)
    assert note.id is not None
    answered = app.handoffs.answer(liaison, handoff.id, "Refunded on 1 March",
                                   now=later + timedelta(minutes=10))
    assert answered.handoff.status is HandoffStatus.ANSWERED
    assert answered.handoff.answer == "Refunded on 1 March"
    assert [n.body for n in answered.notes] == ["Checking with the bank"]

    done = app.handoffs.done(desk["rep"], handoff.id, now=later + timedelta(minutes=20))
    assert done.handoff.status is HandoffStatus.DONE
    assert done.handoff.closed_at == later + timedelta(minutes=20)

    detail = app.tickets.get(desk["rep"], desk["ticket"].id)
    [note_on_ticket] = [m for m in detail.messages if not m.public]
    assert "Billing answered handoff" in note_on_ticket.body
    assert "Refunded on 1 March" in note_on_ticket.body
    events = [e.event for e in app.tickets.history(desk["rep"], desk["ticket"].id)]
    kinds = [e.kind.value for e in events]
    assert kinds[-4:] == ["handoff_opened", "handoff_updated", "handoff_answered",
                          "handoff_done"]
    answered_event = events[-2]
    assert answered_event.data["notify_agent_ids"] == [desk["rep"].id]
    assert answered_event.data["message_id"] == note_on_ticket.id


def test_illegal_moves_and_wrong_sides_are_refused(hub, desk):
    app = desk["app"]
    handoff = _hand_off(desk).handoff
    with pytest.raises(IllegalTransition):
        app.handoffs.done(desk["rep"], handoff.id)  # nothing answered yet
    with pytest.raises(PermissionDenied):
        app.handoffs.answer(desk["rep"], handoff.id, "I answer myself")  # not the department
    with pytest.raises(ValidationFailed) as refused:
        app.handoffs.reject(desk["billing_liaison"], handoff.id, "   ")
    assert refused.value.fields == {"text": "required"}
    rejected = app.handoffs.reject(desk["billing_liaison"], handoff.id, "Not a billing matter")
    assert rejected.handoff.status is HandoffStatus.REJECTED
    assert rejected.handoff.rejection_reason == "Not a billing matter"
    with pytest.raises(IllegalTransition):
        app.handoffs.start(desk["billing_liaison"], handoff.id)
    with pytest.raises(ValidationFailed):
        app.handoffs.note(desk["rep"], handoff.id, "one more thing")


def test_a_blocking_handoff_prevents_solving_the_ticket(hub, desk):
    app, rep = desk["app"], desk["rep"]
    ticket_id = desk["ticket"].id
    handoff = _hand_off(desk, blocking=True).handoff
    with pytest.raises(IllegalTransition) as refused:
        app.tickets.change_status(rep, ticket_id, Status.SOLVED)
    assert f"#{handoff.id}" in str(refused.value)
    assert app.tickets.get(rep, ticket_id).ticket.status is not Status.SOLVED
    # the coordinator, overseeing everything, is held by the same rule
    with pytest.raises(IllegalTransition):
        app.tickets.change_status(desk["coordinator"], ticket_id, Status.SOLVED)

    app.handoffs.answer(desk["billing_liaison"], handoff.id, "Done on our side")
    solved = app.tickets.change_status(rep, ticket_id, Status.SOLVED)
    assert solved.ticket.status is Status.SOLVED


def test_a_non_blocking_handoff_does_not_hold_the_ticket(hub, desk):
    _hand_off(desk, blocking=False)
    solved = desk["app"].tickets.change_status(desk["rep"], desk["ticket"].id, Status.SOLVED)
    assert solved.ticket.status is Status.SOLVED


def test_liaisons_see_and_work_only_their_departments_handoffs(hub, desk):
    app = desk["app"]
    billing = _hand_off(desk, department="billing").handoff
    shipping = _hand_off(desk, department="shipping").handoff
    billing_liaison, shipping_liaison = desk["billing_liaison"], desk["shipping_liaison"]

    with pytest.raises(NotFound):
        app.handoffs.get(shipping_liaison, billing.id)
    with pytest.raises(NotFound):
        app.handoffs.answer(shipping_liaison, billing.id, "not ours")
    with pytest.raises(NotFound):
        app.handoffs.note(shipping_liaison, billing.id, "peeking")
    assert [v.handoff.id for v in app.handoffs.queue(billing_liaison)] == [billing.id]
    assert [v.handoff.id for v in app.handoffs.queue(shipping_liaison)] == [shipping.id]
    with pytest.raises(NotFound):
        app.handoffs.queue(shipping_liaison, department_id=desk["billing"].id)
    # on the ticket itself a liaison still sees its own department's handoff only
    assert [v.handoff.id for v in app.handoffs.of_ticket(billing_liaison, desk["ticket"].id)
            ] == [billing.id]
    assert app.handoffs.get(billing_liaison, billing.id).sides == frozenset({Side.DEPARTMENT})
    # liaisons receive handoffs; they do not send them
    with pytest.raises((PermissionDenied, NotFound)):
        app.handoffs.open(billing_liaison, desk["ticket"].id,
                          NewHandoff(department_id=desk["shipping"].id, request="Please"))

    # the ticket's owner and the coordinators see every handoff of the ticket
    for viewer in (desk["rep"], desk["coordinator"]):
        seen = app.handoffs.of_ticket(viewer, desk["ticket"].id)
        assert [v.handoff.id for v in seen] == [billing.id, shipping.id]
    # an agent who cannot see the ticket learns nothing of it
    with pytest.raises(NotFound):
        app.handoffs.of_ticket(desk["other_rep"], desk["ticket"].id)
    with pytest.raises(NotFound):
        app.handoffs.get(desk["other_rep"], billing.id)


def test_the_ticket_detail_lists_its_handoffs_with_time_left(hub, desk):
    handoff = _hand_off(desk).handoff
    detail = desk["app"].tickets.get(desk["rep"], desk["ticket"].id)
    assert [v.handoff.id for v in detail.handoffs] == [handoff.id]
    assert detail.handoffs[0].handoff.due_at == handoff.due_at
    assert detail.handoffs[0].time_left is not None


def test_the_department_queue_is_ordered_by_deadline(hub, desk):
    app = desk["app"]
    late = _hand_off(desk, at=MONDAY_MORNING + timedelta(hours=1)).handoff
    early = _hand_off(desk, at=MONDAY_MORNING).handoff
    queue = app.handoffs.queue(desk["billing_liaison"], statuses=(HandoffStatus.OPEN,))
    assert [v.handoff.id for v in queue] == [early.id, late.id]
    app.handoffs.start(desk["billing_liaison"], early.id)
    queue = app.handoffs.queue(desk["billing_liaison"], statuses=(HandoffStatus.OPEN,))
    assert [v.handoff.id for v in queue] == [late.id]


def test_a_handoff_is_assigned_within_its_department(hub, desk):
    app = desk["app"]
    handoff = _hand_off(desk).handoff
    with pytest.raises(ValidationFailed) as refused:
        app.handoffs.assign(desk["billing_liaison"], handoff.id, desk["shipping_liaison"].id)
    assert refused.value.fields == {"assignee_id": "not a member"}
    assigned = app.handoffs.assign(desk["billing_liaison"], handoff.id,
                                   desk["billing_lead"].id)
    assert assigned.handoff.assignee_id == desk["billing_lead"].id
    assert assigned.assignee_name == desk["billing_lead"].name
    with pytest.raises(PermissionDenied):
        app.handoffs.assign(desk["rep"], handoff.id, None)


def test_opening_a_handoff_validates_its_department_and_request(hub, desk):
    app = desk["app"]
    with pytest.raises(ValidationFailed) as unknown:
        app.handoffs.open(desk["rep"], desk["ticket"].id,
                          NewHandoff(department_id=999_999, request="Please"))
    assert unknown.value.fields == {"department_id": "unknown"}
    with pytest.raises(ValidationFailed) as empty:
        app.handoffs.open(desk["rep"], desk["ticket"].id,
                          NewHandoff(department_id=desk["billing"].id, request="  "))
    assert empty.value.fields == {"request": "required"}
    assert app.handoffs.of_ticket(desk["rep"], desk["ticket"].id) == []


def test_a_department_without_an_ola_gives_no_deadline(hub, desk):
    view = _hand_off(desk, department="shipping")
    assert view.handoff.due_at is None and view.time_left is None and not view.overdue


def test_only_administrators_set_olas_and_bad_calendars_are_refused(hub, desk):
    app = desk["app"]
    with pytest.raises(PermissionDenied):
        app.handoffs.set_ola(desk["coordinator"], desk["shipping"].id,
                             OlaInput(target_minutes=60))
    with pytest.raises(ValidationFailed) as bad:
        app.handoffs.set_ola(desk["admin"], desk["shipping"].id, OlaInput(
            target_minutes=60, calendar={"timezone": "Mars/Olympus", "always_open": True}))
    assert "calendar.timezone" in bad.value.fields
    assert app.handoffs.ola(desk["admin"], desk["shipping"].id) is None
    with pytest.raises(ValidationFailed):
        app.handoffs.set_ola(desk["admin"], desk["shipping"].id, OlaInput(target_minutes=0))
