"""Handoffs, their ladder, tiers and the turnaround figures: pure domain, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import IllegalTransition, NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.escalation import SlaCause, TierStep, current_tier, deescalate, escalate
from hubdesk.domain.events import ActorKind
from hubdesk.domain.handoff_ladders import Notify, OlaStep
from hubdesk.domain.handoff_report import percentile, turnaround_report
from hubdesk.domain.handoffs import (
    HANDOFF_TRANSITIONS,
    MAX_OLA_MINUTES,
    SEND_BACK,
    Charge,
    Handoff,
    HandoffStatus,
    Ola,
    SendBackCause,
    Side,
    charge_of,
    check_may_solve,
)
from hubdesk.domain.permissions import check_handoff, handoff_sides
from hubdesk.domain.tickets import Ticket

FRIDAY_4PM_BERLIN = datetime(2026, 2, 27, 15, 0, tzinfo=UTC)
OFFICE = BusinessCalendar.from_dict({
    "timezone": "Europe/Berlin",
    "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}})
OLA = Ola(target=timedelta(hours=2), calendar=OFFICE, lead_id=7,
          coordinator_after=timedelta(hours=1))


def _ticket(**values) -> Ticket:
    return Ticket(id=1, subject="Refund", requester_id=1, created_at=FRIDAY_4PM_BERLIN,
                  updated_at=FRIDAY_4PM_BERLIN, **values)


def _handoff(ola: Ola | None = OLA, blocking: bool = False) -> Handoff:
    handoff = Handoff.open(_ticket(team_id=3), department_id=5, requested_by_id=2,
                           request=" Was the refund sent? ", blocking=blocking, ola=ola,
                           at=FRIDAY_4PM_BERLIN)
    handoff.id = 11
    return handoff


def test_the_deadline_is_counted_in_the_departments_business_hours():
    handoff = _handoff()
    assert handoff.request == "Was the refund sent?"
    # one hour on Friday until 17:00, one on Monday from 09:00 (Berlin): Monday 09:00 UTC
    assert handoff.due_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    saturday = datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    assert handoff.time_left(saturday) == timedelta(hours=1)
    assert handoff.time_left(datetime(2026, 3, 2, 10, 30, tzinfo=UTC)) == -timedelta(
        hours=1, minutes=30)
    assert not handoff.is_overdue(saturday)
    assert handoff.is_overdue(datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC))


def test_an_ola_from_minutes_takes_up_to_a_year_and_names_the_field_it_refuses():
    longest = Ola.of_minutes(MAX_OLA_MINUTES, 366 * 24 * 60)
    assert longest.target == timedelta(days=366)
    assert longest.coordinator_after == timedelta(days=366)
    assert Ola.of_minutes(1, 0, lead_id=7).lead_id == 7
    # Past a year, as beyond what a duration can hold, and what is not a whole number.
    for target, after, field in ((MAX_OLA_MINUTES + 1, 240, "target_minutes"),
                                 (2**70, 240, "target_minutes"),
                                 (0, 240, "target_minutes"),
                                 (True, 240, "target_minutes"),
                                 (60, 366 * 24 * 60 + 1, "coordinator_after_minutes"),
                                 (60, 2**70, "coordinator_after_minutes"),
                                 (60, -1, "coordinator_after_minutes")):
        with pytest.raises(ValidationFailed) as refused:
            Ola.of_minutes(target, after)
        assert list(refused.value.fields) == [field], (target, after)


def test_an_olas_longest_wait_reaches_its_last_step():
    ola = Ola.of_minutes(120, 60)  # the default ladder: coordinators an hour past the deadline
    assert ola.longest_wait() == timedelta(hours=3)
    early = Ola(target=timedelta(hours=2), ladder=(
        OlaStep((Notify.ASSIGNEE,), at_percent=50),))
    assert early.longest_wait() == timedelta(hours=2)  # the deadline itself
    late = Ola(target=timedelta(hours=2), ladder=(
        OlaStep((Notify.COORDINATORS,), at_percent=300),))
    assert late.longest_wait() == timedelta(hours=6)


@pytest.mark.parametrize("start", list(HandoffStatus))
@pytest.mark.parametrize("target", list(HandoffStatus))
def test_only_the_listed_transitions_are_allowed(start, target):
    handoff = _handoff()
    handoff.status = start
    if (start, target) in HANDOFF_TRANSITIONS:
        cause = SendBackCause.INCOMPLETE_REQUEST if (start, target) == SEND_BACK else None
        handoff.transition(target, FRIDAY_4PM_BERLIN, "because", cause)
        assert handoff.status is target
    else:
        with pytest.raises(IllegalTransition):
            handoff.transition(target, FRIDAY_4PM_BERLIN, "because")


def test_the_default_ladder_warns_the_assignee_then_reaches_the_lead_and_the_coordinators():
    handoff = _handoff()
    due = handoff.due_at
    assert due is not None
    # 75 % of two business hours: Friday's last hour, then half an hour on Monday (Berlin)
    warning = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
    assert handoff.next_escalation_at == warning
    assert handoff.due_steps(warning - timedelta(microseconds=1)) == []
    [(level, step)] = handoff.due_steps(warning)
    assert (level, step.at_percent, step.notify) == (1, 75, (Notify.ASSIGNEE,))
    handoff.climb([1], warning)
    assert handoff.next_escalation_at == due
    assert handoff.due_steps(due - timedelta(microseconds=1)) == []
    [(level, step)] = handoff.due_steps(due)
    assert (level, step.at_percent, step.notify) == (2, 100, (Notify.DEPARTMENT_LEAD,))
    handoff.climb([2], due)
    assert handoff.next_escalation_at == due + timedelta(hours=1)
    assert handoff.due_steps(due + timedelta(minutes=59)) == []
    [(level, step)] = handoff.due_steps(due + timedelta(hours=1))
    assert (level, step.after_deadline, step.notify) == (3, timedelta(hours=1),
                                                         (Notify.COORDINATORS,))
    handoff.climb([3], due + timedelta(hours=1))
    assert handoff.fired_step() == step
    assert handoff.next_escalation_at is None
    assert handoff.due_steps(due + timedelta(days=30)) == []


def test_a_late_look_finds_every_step_due_in_order():
    handoff = _handoff()
    assert [level for level, _ in handoff.due_steps(datetime(2026, 3, 3, tzinfo=UTC))] == [
        1, 2, 3]


def test_an_answer_stops_the_ladder_and_sending_it_back_restarts_it():
    handoff = _handoff()
    handoff.transition(HandoffStatus.ANSWERED, FRIDAY_4PM_BERLIN, "Yes, on Thursday")
    assert handoff.next_escalation_at is None and handoff.due_steps(
        datetime(2026, 4, 1, tzinfo=UTC)) == []
    with pytest.raises(ValidationFailed) as missing:
        handoff.transition(HandoffStatus.IN_PROGRESS, FRIDAY_4PM_BERLIN)
    assert missing.value.fields == {"cause": "required"} and handoff.status is \
        HandoffStatus.ANSWERED
    handoff.transition(HandoffStatus.IN_PROGRESS, FRIDAY_4PM_BERLIN,
                       cause=SendBackCause.DEPARTMENT_ERROR)
    # back to the department: the ladder goes on from its first step not fired yet
    assert handoff.next_escalation_at == handoff.step_at(OLA.steps[0])
    assert handoff.send_back_cause is SendBackCause.DEPARTMENT_ERROR


def test_a_cause_is_only_for_a_send_back_and_each_cause_charges_someone():
    with pytest.raises(ValidationFailed) as wrong:
        _handoff().transition(HandoffStatus.IN_PROGRESS, FRIDAY_4PM_BERLIN,
                              cause=SendBackCause.INCOMPLETE_REQUEST)
    assert wrong.value.fields == {"cause": "only for a send-back"}
    assert {c: charge_of(c) for c in SendBackCause} == {
        SendBackCause.INCOMPLETE_REQUEST: Charge.ORIGIN,
        SendBackCause.DEPARTMENT_ERROR: Charge.DEPARTMENT,
        SendBackCause.WAITING_ON_CUSTOMER: Charge.CUSTOMER}
    assert charge_of(None) is Charge.ORIGIN  # recorded before causes were asked for


def test_only_blocking_handoffs_awaiting_the_department_hold_the_ticket():
    blocking, relaxed = _handoff(blocking=True), _handoff(blocking=False)
    check_may_solve([relaxed])
    with pytest.raises(IllegalTransition, match="#11"):
        check_may_solve([relaxed, blocking])
    blocking.transition(HandoffStatus.REJECTED, FRIDAY_4PM_BERLIN, "not ours")
    check_may_solve([blocking])


def _agent(role: Role, **values) -> Agent:
    return Agent(id=values.pop("id", 9), email="a@example.com", name="A", role=role, **values)


def test_a_liaison_acts_for_its_department_only_even_on_a_ticket_it_reads():
    handoff = _handoff()
    ticket = _ticket(team_id=3, department_id=6)
    own = _agent(Role.LIAISON, department_ids=frozenset({5}))
    other = _agent(Role.LIAISON, department_ids=frozenset({6}))
    assert handoff_sides(own, handoff, ticket) == {Side.DEPARTMENT}
    assert handoff_sides(other, handoff, ticket) == frozenset()
    with pytest.raises(NotFound):
        check_handoff(other, handoff, ticket)
    rep = _agent(Role.REPRESENTATIVE, team_ids=frozenset({3}))
    assert handoff_sides(rep, handoff, ticket) == {Side.REQUESTER}
    with pytest.raises(PermissionDenied):
        check_handoff(rep, handoff, ticket, Side.DEPARTMENT)
    assert handoff_sides(_agent(Role.COORDINATOR), handoff, ticket) == {
        Side.DEPARTMENT, Side.REQUESTER}
    assert handoff_sides(_agent(Role.COORDINATOR, active=False), handoff, ticket) == frozenset()


def test_escalating_and_de_escalating_keep_the_ownership_stack():
    ticket = _ticket(team_id=3, assignee_id=4)
    at = FRIDAY_4PM_BERLIN
    first = escalate(ticket, [], staffed_tiers=frozenset({1, 2, 3}), reason="hard",
                     actor_id=4, at=at, team_id=8)
    assert (ticket.assignee_id, ticket.team_id, first.tier) == (None, 8, 2)
    ticket.assignee_id = 12
    second = escalate(ticket, [first], staffed_tiers=frozenset({1, 2, 3}), reason="harder",
                      actor_id=12, at=at)
    assert current_tier([first, second]) == 3 and ticket.team_id == 8
    deescalate(ticket, [first, second], reason="back", actor_id=13, at=at,
               still_active=frozenset({12}))
    assert (ticket.assignee_id, ticket.team_id) == (12, 8)
    deescalate(ticket, [first], reason="back", actor_id=12, at=at, still_active=frozenset())
    assert (ticket.assignee_id, ticket.team_id) == (None, 3)  # owner 4 left the desk
    kinds = [e.kind.value for e in ticket.pending_events]
    assert kinds == ["escalated", "escalated", "deescalated", "deescalated"]
    assert ticket.pending_events[-1].changes["tier"] == (2, 1)


def test_an_sla_ladder_escalates_as_the_system_and_names_its_policy_and_step():
    ticket = _ticket(team_id=3, assignee_id=4)
    cause = SlaCause(policy_id=9, policy_name="Gold", target="first_response", step=3,
                     at_percent=100)
    step = escalate(ticket, [], staffed_tiers=frozenset({1, 2}), reason="breached",
                    actor_id=None, at=FRIDAY_4PM_BERLIN, cause=cause)
    assert (step.escalated_by_id, step.sla_cause) == (None, cause)
    assert step.escalated_by == "the SLA policy 'Gold' (step 3: first response breached)"
    [event] = ticket.pending_events
    assert event.actor.kind is ActorKind.SYSTEM
    assert event.data["sla_cause"] == cause.to_dict()
    assert SlaCause.from_dict(cause.to_dict()) == cause
    assert SlaCause(1, "Gold", "resolution", 1, 75).describe() == (
        "the SLA policy 'Gold' (step 1: resolution at 75 %)")
    person = escalate(_ticket(assignee_id=4), [], staffed_tiers=frozenset({1, 2}),
                      reason="hard", actor_id=4, at=FRIDAY_4PM_BERLIN)
    assert person.escalated_by is None and person.escalated_by_id == 4


def test_an_escalation_is_made_by_a_person_or_a_ladder_never_neither_or_both():
    cause = SlaCause(9, "Gold", "first_response", 1, 100)
    with pytest.raises(ValueError, match="exactly one"):
        TierStep(1, 2, "x", None, None, None, FRIDAY_4PM_BERLIN)
    with pytest.raises(ValueError, match="exactly one"):
        TierStep(1, 2, "x", None, None, 4, FRIDAY_4PM_BERLIN, cause)


def test_percentiles_are_nearest_rank():
    values = [timedelta(minutes=m) for m in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)]
    assert percentile(values, 0.5) == timedelta(minutes=5)
    assert percentile(values, 0.9) == timedelta(minutes=9)
    assert percentile(values[:1], 0.9) == timedelta(minutes=1)


def test_an_empty_report_has_no_bottleneck():
    assert turnaround_report([], FRIDAY_4PM_BERLIN).bottleneck is None


def test_an_ola_its_calendar_never_reaches_opens_the_handoff_without_a_deadline():
    """An OLA saved before OLAs were checked against their calendar: the handoff is opened
    (the ticket's work goes on) with no deadline and no ladder, rather than refused."""
    minute_a_week = BusinessCalendar.from_dict({"timezone": "UTC",
                                                "hours": {"mon": [["09:00", "09:01"]]}})
    ola = Ola(target=timedelta(days=366), calendar=minute_a_week, lead_id=7)
    handoff = _handoff(ola)
    assert handoff.status is HandoffStatus.OPEN
    assert (handoff.due_at, handoff.next_escalation_at) == (None, None)
    assert handoff.due_steps(FRIDAY_4PM_BERLIN + timedelta(days=36500)) == []
    # Reached, with a step after the deadline the calendar does not reach: the deadline and
    # the steps before it stand, the late one is never due.
    near = Ola(target=timedelta(minutes=400_000), calendar=minute_a_week, ladder=(
        OlaStep((Notify.ASSIGNEE,), at_percent=50),
        OlaStep((Notify.COORDINATORS,), after_deadline=timedelta(minutes=400_000))))
    reached = _handoff(near)
    assert reached.due_at is not None and 9600 < reached.due_at.year < 9800
    halfway = reached.next_escalation_at
    assert halfway is not None and halfway < reached.due_at
    assert [level for level, _ in reached.due_steps(datetime(9999, 1, 1, tzinfo=UTC))] == [1]
