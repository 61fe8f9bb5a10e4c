"""A handoff's OLA clock takes the colours of an SLA clock: half the department's time used,
three quarters, past the deadline; in business time on the OLA's calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.handoff_clock import read_ola
from hubdesk.domain.handoffs import Handoff, HandoffStatus, Ola
from hubdesk.domain.sla.clocks import Risk
from hubdesk.domain.tickets import Ticket

OPENED = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)  # a Monday


def _handoff(ola: Ola | None) -> Handoff:
    ticket = Ticket(id=7, subject="Refund", requester_id=1, created_at=OPENED,
                    updated_at=OPENED)
    return Handoff.open(ticket, department_id=2, requested_by_id=3, request="Refund it",
                        blocking=False, ola=ola, at=OPENED)


def test_the_risk_rises_at_half_three_quarters_and_the_deadline():
    handoff = _handoff(Ola(timedelta(hours=4)))
    first = read_ola(handoff, OPENED + timedelta(minutes=30))
    assert first is not None and first.risk is Risk.LOW
    assert first.left == timedelta(hours=3, minutes=30)
    assert [(c.at - OPENED, c.risk, c.left) for c in first.changes] == [
        (timedelta(hours=2), Risk.MEDIUM, timedelta(hours=2)),
        (timedelta(hours=3), Risk.HIGH, timedelta(hours=1)),
        (timedelta(hours=4), Risk.BREACHED, timedelta(0))]
    later = read_ola(handoff, OPENED + timedelta(hours=3, minutes=10))
    assert later is not None and later.risk is Risk.HIGH
    assert [c.risk for c in later.changes] == [Risk.BREACHED]
    late = read_ola(handoff, OPENED + timedelta(hours=5))
    assert late is not None and late.risk is Risk.BREACHED and late.changes == ()
    assert late.left == -timedelta(hours=1)


def test_the_instants_follow_the_calendar_of_the_ola():
    office = BusinessCalendar.from_dict({"timezone": "UTC", "hours": {
        d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}})
    handoff = _handoff(Ola(timedelta(hours=16), calendar=office))  # two working days
    reading = read_ola(handoff, OPENED + timedelta(hours=1))
    assert reading is not None and reading.risk is Risk.LOW
    assert [c.at for c in reading.changes] == [
        OPENED.replace(hour=17), OPENED.replace(day=4, hour=13), OPENED.replace(day=4, hour=17)]


def test_no_clock_runs_without_an_ola_or_once_the_department_answered():
    assert read_ola(_handoff(None), OPENED) is None
    answered = _handoff(Ola(timedelta(hours=4)))
    answered.transition(HandoffStatus.ANSWERED, OPENED + timedelta(hours=1), "Refunded")
    assert read_ola(answered, OPENED + timedelta(hours=2)) is None
