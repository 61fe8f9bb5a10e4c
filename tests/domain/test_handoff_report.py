"""Who the handoff report blames: the department for its own first pass, the originating team
for the time it held an answer, the rework its send-backs caused, and its rejected requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.handoff_report import (
    HandoffHistory,
    StatusMove,
    attribute,
    moves_of,
    turnaround_report,
)
from hubdesk.domain.handoffs import Charge, Handoff, HandoffStatus, Ola, SendBackCause
from hubdesk.domain.tickets import Ticket

MONDAY_9AM_BERLIN = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
OFFICE = BusinessCalendar.from_dict({
    "timezone": "Europe/Berlin",
    "hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}})
OLA = Ola(target=timedelta(hours=2), calendar=OFFICE)
OPEN, WORKING, ANSWERED, DONE, REJECTED = (
    HandoffStatus.OPEN, HandoffStatus.IN_PROGRESS, HandoffStatus.ANSWERED, HandoffStatus.DONE,
    HandoffStatus.REJECTED)


def _at(hours: float) -> datetime:
    return MONDAY_9AM_BERLIN + timedelta(hours=hours)


def _handoff(handoff_id: int, department_id: int = 5, *, moves=(),
             ola: Ola | None = OLA) -> Handoff:
    """A handoff opened on Monday at 09:00 in Berlin that went through ``moves``
    (status, hours after opening, text), as the use cases move it."""
    ticket = Ticket(id=1, subject="Refund", requester_id=1, created_at=_at(0),
                    updated_at=_at(0))
    handoff = Handoff.open(ticket, department_id=department_id, requested_by_id=2,
                           request="Was the refund sent?", blocking=False, ola=ola, at=_at(0))
    handoff.id = handoff_id
    for status, hours, *cause in moves:
        back = handoff.status is ANSWERED and status is WORKING
        handoff.transition(status, _at(hours), "text",
                           (cause or [SendBackCause.INCOMPLETE_REQUEST])[0] if back else None)
    return handoff


def _history(moves, team_id: int | None = 3) -> HandoffHistory:
    """The moves as the parent ticket's events record them; a send-back without a cause
    is one recorded before causes were asked for."""
    return HandoffHistory(tuple(StatusMove(_at(hours), status, *cause)
                                for status, hours, *cause in moves), team_id)


SENT_BACK = ((WORKING, 0.5), (ANSWERED, 1), (WORKING, 3), (ANSWERED, 4.5), (DONE, 5))


def test_after_a_send_back_the_department_is_timed_on_its_first_answer_only():
    handoff = _handoff(1, moves=SENT_BACK)
    split = attribute(handoff, _history(SENT_BACK).moves, _at(8))
    assert split.own == timedelta(hours=1)
    assert split.waiting_on_requester == timedelta(hours=2, minutes=30)  # 1→3 and 4.5→5
    assert split.rework == timedelta(hours=1, minutes=30)
    assert (split.sent_back, split.rejected) == (1, False)
    # the row alone shows only the latest answer: five hours all booked to the department
    assert attribute(handoff, moves_of(handoff), _at(8)).own == timedelta(hours=4, minutes=30)


def test_time_held_by_either_side_is_business_time_on_the_olas_calendar():
    moves = ((ANSWERED, 7), (DONE, 25))  # answered at 16:00, accepted on Tuesday at 10:00
    split = attribute(_handoff(1, moves=moves), _history(moves).moves, _at(48))
    assert split.own == timedelta(hours=7)
    assert split.waiting_on_requester == timedelta(hours=2)  # 16:00→17:00, 09:00→10:00


def test_a_handoff_still_held_counts_up_to_now_for_whoever_holds_it():
    answered = ((ANSWERED, 1),)
    split = attribute(_handoff(1, moves=answered), _history(answered).moves, _at(3))
    assert (split.own, split.waiting_on_requester) == (timedelta(hours=1), timedelta(hours=2))
    reworked = ((ANSWERED, 1), (WORKING, 2))
    split = attribute(_handoff(2, moves=reworked), _history(reworked).moves, _at(6))
    assert (split.waiting_on_requester, split.rework) == (timedelta(hours=1),
                                                          timedelta(hours=4))
    # moves after ``now`` have not happened yet
    split = attribute(_handoff(3, moves=answered), _history(answered).moves, _at(0.5))
    assert split.own is None and split.decided_at is None
    assert split.waiting_on_requester == timedelta(0)


def test_a_send_back_that_misses_the_deadline_does_not_make_the_department_late():
    report = turnaround_report([_handoff(1, moves=SENT_BACK)], _at(8),
                               {1: _history(SENT_BACK)})
    assert report.departments[0].overdue_share == 0.0  # first answered after 1 h of 2
    assert turnaround_report([_handoff(1, moves=SENT_BACK)], _at(8)).departments[
        0].overdue_share == 1.0  # read from the row alone, the re-answer is what counts


def test_rework_is_booked_to_the_originating_team_and_shown_beside_the_departments_time():
    rejected = ((REJECTED, 0.5),)
    quick = ((ANSWERED, 2), (DONE, 2.5))
    handoffs = [_handoff(1, 5, moves=SENT_BACK), _handoff(2, 5, moves=rejected),
                _handoff(3, 6, moves=quick), _handoff(4, 6)]
    histories = {1: _history(SENT_BACK, team_id=3), 2: _history(rejected, team_id=4),
                 3: _history(quick, team_id=3), 4: _history((), team_id=None)}
    report = turnaround_report(handoffs, _at(8), histories)

    five, six = report.departments
    assert (five.median, five.p90) == (timedelta(minutes=30), timedelta(hours=1))
    assert five.waiting_on_requester == timedelta(hours=2, minutes=30)
    assert five.rework == timedelta(hours=1, minutes=30)
    assert five.caused_by_others == timedelta(hours=4)
    assert (five.sent_back, five.rejected_share) == (1, 0.5)
    assert (six.handoffs, six.finished, six.median) == (2, 1, timedelta(hours=2))
    assert six.caused_by_others == timedelta(minutes=30)
    assert six.overdue_share == 0.5  # the one still awaited is past its two hours
    assert report.bottleneck == six

    three, four, no_team = report.origins
    assert (three.team_id, three.handoffs, three.rejected, three.sent_back) == (3, 2, 0, 1)
    assert three.waiting_on_team == timedelta(hours=3)
    assert three.rework == timedelta(hours=1, minutes=30)
    assert three.time_caused == timedelta(hours=4, minutes=30)
    assert (four.team_id, four.handoffs, four.rejected, four.time_caused) == (
        4, 1, 1, timedelta(0))
    assert (no_team.team_id, no_team.handoffs, no_team.time_caused) == (None, 1, timedelta(0))


def _sent_back_for(cause: SendBackCause):
    return ((WORKING, 0.5), (ANSWERED, 1), (WORKING, 3, cause), (ANSWERED, 4.5), (DONE, 5))


def test_a_send_back_for_the_departments_error_is_charged_to_the_department():
    moves = _sent_back_for(SendBackCause.DEPARTMENT_ERROR)
    split = attribute(_handoff(1, moves=moves), _history(moves).moves, _at(8))
    assert (split.rework, split.rework_by_department) == (timedelta(0),
                                                          timedelta(hours=1, minutes=30))
    assert split.sent_back_to(Charge.DEPARTMENT) == 1 and split.sent_back == 1
    report = turnaround_report([_handoff(1, moves=moves)], _at(8), {1: _history(moves)})
    [department] = report.departments
    assert department.own_rework == timedelta(hours=1, minutes=30)
    assert department.sent_back_for_errors == 1
    # only the time answers waited on the ticket's side is caused by others
    assert department.caused_by_others == timedelta(hours=2, minutes=30)
    [origin] = report.origins
    assert (origin.sent_back, origin.rework) == (0, timedelta(0))
    assert origin.time_caused == timedelta(hours=2, minutes=30)


def test_a_send_back_awaiting_the_customer_is_charged_to_neither_side():
    moves = _sent_back_for(SendBackCause.WAITING_ON_CUSTOMER)
    report = turnaround_report([_handoff(1, moves=moves)], _at(8), {1: _history(moves)})
    [department], [origin] = report.departments, report.origins
    assert department.waiting_on_customer == timedelta(hours=1, minutes=30)
    assert (department.rework, department.own_rework) == (timedelta(0), timedelta(0))
    assert department.caused_by_others == timedelta(hours=4)
    assert (origin.sent_back, origin.rework) == (0, timedelta(0))


def test_an_incomplete_request_and_an_old_send_back_are_charged_to_the_originating_team():
    for moves in (_sent_back_for(SendBackCause.INCOMPLETE_REQUEST), SENT_BACK):
        report = turnaround_report([_handoff(1, moves=moves)], _at(8), {1: _history(moves)})
        [department], [origin] = report.departments, report.origins
        assert department.rework == timedelta(hours=1, minutes=30)
        assert department.own_rework == timedelta(0)
        assert (origin.sent_back, origin.rework) == (1, timedelta(hours=1, minutes=30))


def test_each_send_back_charges_the_work_after_it_by_its_own_cause():
    moves = ((ANSWERED, 1), (WORKING, 2, SendBackCause.DEPARTMENT_ERROR), (ANSWERED, 3),
             (WORKING, 4, SendBackCause.INCOMPLETE_REQUEST), (ANSWERED, 6.5))
    split = attribute(_handoff(1, moves=moves), _history(moves).moves, _at(7))
    assert split.rework_by_department == timedelta(hours=1)
    assert split.rework == timedelta(hours=2, minutes=30)
    assert split.sent_back_charged == {Charge.DEPARTMENT: 1, Charge.ORIGIN: 1}


def test_handoffs_without_a_history_have_no_known_origin():
    report = turnaround_report([_handoff(1, moves=((ANSWERED, 1),), ola=None)], _at(3))
    assert report.origins == ()
    assert report.departments[0].waiting_on_requester == timedelta(hours=2)
