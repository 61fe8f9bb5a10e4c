"""A handoff's escalation ladder: steps at a share of the OLA's time or past the deadline,
validated field by field, the default one, and the two steps of a handoff opened before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.handoff_ladders import (
    MAX_STEPS,
    Notify,
    OlaStep,
    default_ladder,
    ladder_from_form,
)
from hubdesk.domain.handoffs import Handoff, Ola
from hubdesk.domain.tickets import Ticket

MONDAY_8 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TWO_HOURS = timedelta(hours=2)


def _fields(form) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        ladder_from_form(form, TWO_HOURS)
    return refused.value.fields


def test_steps_are_put_in_the_order_they_come():
    ladder = ladder_from_form([
        {"after_deadline_minutes": 30, "notify": ["coordinators"]},
        {"at_percent": 150, "notify": ["coordinators", "department_lead"]},
        {"at_percent": 50, "notify": ["assignee", "assignee"]}], TWO_HOURS)
    # 30 minutes past a two-hour deadline comes before 150 % (an hour past it)
    assert [step.name for step in ladder] == ["50%", "deadline+30m", "150%"]
    assert ladder[0].notify == (Notify.ASSIGNEE,) and ladder[0].is_warning
    assert not ladder[2].is_warning
    assert ladder[2].said == ("the coordinators and the department lead told at 150 % of "
                              "its time")
    assert [step.to_dict() for step in ladder] == [
        {"at_percent": 50, "notify": ["assignee"]},
        {"after_deadline_minutes": 30, "notify": ["coordinators"]},
        {"at_percent": 150, "notify": ["coordinators", "department_lead"]}]


def test_a_refused_step_names_its_field():
    assert _fields({"at_percent": 75}) == {"ladder": "not a list"}
    assert _fields(["75"]) == {"ladder.0": "not a step"}
    assert _fields([{"at_percent": 75, "notify": ["assignee"], "when": 1}]) == {
        "ladder.0": "not a step"}
    assert _fields([{"notify": ["assignee"]}]) == {
        "ladder.0.at_percent": "give this or after_deadline_minutes"}
    assert _fields([{"at_percent": 75, "after_deadline_minutes": 5, "notify": ["assignee"]}]
                   ) == {"ladder.0.at_percent": "give this or after_deadline_minutes"}
    assert _fields([{"at_percent": 75, "notify": ["assignee"]},
                    {"at_percent": 0, "notify": ["assignee"]}]) == {
        "ladder.1.at_percent": "out of range"}
    assert _fields([{"at_percent": "75", "notify": ["assignee"]}]) == {
        "ladder.0.at_percent": "out of range"}
    assert _fields([{"at_percent": True, "notify": ["assignee"]}]) == {
        "ladder.0.at_percent": "out of range"}
    assert _fields([{"after_deadline_minutes": -5, "notify": ["assignee"]}]) == {
        "ladder.0.after_deadline_minutes": "out of range"}
    assert _fields([{"at_percent": 75, "notify": []}]) == {"ladder.0.notify": "required"}
    assert _fields([{"at_percent": 75, "notify": ["boss"]}]) == {"ladder.0.notify": "unknown"}
    assert _fields([{"at_percent": 75, "notify": ["assignee"]}] * (MAX_STEPS + 1)) == {
        "ladder": "too many steps"}


def test_two_steps_at_the_same_moment_are_refused():
    # 150 % of two hours is an hour past the deadline
    assert _fields([{"at_percent": 150, "notify": ["assignee"]},
                    {"after_deadline_minutes": 60, "notify": ["coordinators"]}]) == {
        "ladder.1": "same time as another step"}


def test_the_default_ladder_adds_a_warning_to_the_steps_of_before():
    ola = Ola(target=TWO_HOURS, coordinator_after=timedelta(minutes=90))
    assert ola.ladder is None and ola.steps == default_ladder(timedelta(minutes=90)) == (
        OlaStep((Notify.ASSIGNEE,), at_percent=75),
        OlaStep((Notify.DEPARTMENT_LEAD,), at_percent=100),
        OlaStep((Notify.COORDINATORS,), after_deadline=timedelta(minutes=90)))
    # a handoff keeps it spelt out; the department's own form keeps "none chosen"
    copied = Ola.from_dict(ola.to_dict())
    assert copied.steps == ola.steps and copied.ladder == ola.steps
    assert Ola.from_dict({**ola.to_dict(), "ladder": None}).ladder is None


def test_a_handoff_opened_before_ladders_keeps_its_two_steps():
    before = {"target_minutes": 120, "calendar": None, "lead_id": 4,
              "coordinator_after_minutes": 60}
    ola = Ola.from_dict(before)
    assert [step.name for step in ola.steps] == ["100%", "deadline+60m"]
    ticket = Ticket(id=1, subject="Refund", requester_id=1, created_at=MONDAY_8,
                    updated_at=MONDAY_8)
    handoff = Handoff.open(ticket, department_id=5, requested_by_id=2, request="Refund?",
                           blocking=False, ola=ola, at=MONDAY_8)
    handoff.escalation_level = 1  # the lead was told before the upgrade
    handoff.climb([], MONDAY_8)
    assert handoff.next_escalation_at == MONDAY_8 + timedelta(hours=3)
    assert [level for level, _ in handoff.due_steps(MONDAY_8 + timedelta(days=1))] == [2]


def test_a_custom_ladder_sets_when_a_handoff_warns_and_escalates():
    ola = Ola(target=TWO_HOURS, ladder=ladder_from_form([
        {"at_percent": 50, "notify": ["assignee"]},
        {"at_percent": 200, "notify": ["coordinators"]}], TWO_HOURS))
    ticket = Ticket(id=1, subject="Refund", requester_id=1, created_at=MONDAY_8,
                    updated_at=MONDAY_8)
    handoff = Handoff.open(ticket, department_id=5, requested_by_id=2, request="Refund?",
                           blocking=False, ola=ola, at=MONDAY_8)
    assert handoff.next_escalation_at == MONDAY_8 + timedelta(hours=1)
    assert handoff.step_at(ola.steps[1]) == MONDAY_8 + timedelta(hours=4)
    assert handoff.due_steps(MONDAY_8 + timedelta(hours=3)) == [(1, ola.steps[0])]
    empty = Ola(target=TWO_HOURS, ladder=())
    quiet = Handoff.open(ticket, department_id=5, requested_by_id=2, request="Refund?",
                         blocking=False, ola=empty, at=MONDAY_8)
    assert quiet.next_escalation_at is None and quiet.due_at is not None
