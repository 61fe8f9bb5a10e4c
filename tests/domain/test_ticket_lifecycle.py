from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.errors import IllegalTransition, ValidationFailed
from hubdesk.domain.events import Actor
from hubdesk.domain.tickets import ALLOWED_TRANSITIONS, Priority, Status, Ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AGENT = Actor.agent(7)


def new_ticket(**values) -> Ticket:
    return Ticket(id=1, subject="Refund", requester_id=3, created_at=T0, updated_at=T0, **values)


@pytest.mark.parametrize(("start", "target"), [
    (s, t) for s in Status for t in Status if t is not s and t in ALLOWED_TRANSITIONS[s]])
def test_allowed_transitions_record_an_event(start, target):
    ticket = new_ticket(status=start)
    assert ticket.change_status(target, AGENT, T0 + timedelta(minutes=5))
    assert ticket.status is target
    event = ticket.pending_events[-1]
    assert (event.kind, event.changes["status"]) == ("status_changed", (start.value, target.value))
    assert ticket.updated_at == T0 + timedelta(minutes=5)


@pytest.mark.parametrize(("start", "target"), [
    (s, t) for s in Status for t in Status if t is not s and t not in ALLOWED_TRANSITIONS[s]])
def test_illegal_transitions_raise_and_change_nothing(start, target):
    ticket = new_ticket(status=start)
    with pytest.raises(IllegalTransition):
        ticket.change_status(target, AGENT, T0)
    assert ticket.status is start
    assert ticket.pending_events == []


def test_closed_is_final_and_says_what_to_do():
    ticket = new_ticket(status=Status.CLOSED)
    with pytest.raises(IllegalTransition, match="follow-up"):
        ticket.change_status(Status.OPEN, AGENT, T0)
    with pytest.raises(IllegalTransition):
        ticket.update(AGENT, T0, priority=Priority.HIGH)


def test_same_status_is_a_no_op():
    ticket = new_ticket(status=Status.OPEN)
    assert ticket.change_status(Status.OPEN, AGENT, T0) is False
    assert ticket.pending_events == []


def test_solving_stamps_and_reopening_clears_solved_at():
    ticket = new_ticket(status=Status.OPEN)
    ticket.change_status(Status.SOLVED, AGENT, T0)
    assert ticket.solved_at == T0
    ticket.change_status(Status.OPEN, AGENT, T0 + timedelta(hours=1))
    assert ticket.solved_at is None


def test_customer_reply_wakes_pending_and_solved_tickets():
    for status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
        ticket = new_ticket(status=status)
        ticket.on_customer_message(Actor.customer(3), T0)
        assert ticket.status is Status.OPEN
    fresh = new_ticket()
    fresh.on_customer_message(Actor.customer(3), T0)
    assert fresh.status is Status.NEW


def test_agent_reply_opens_a_new_ticket():
    ticket = new_ticket()
    ticket.on_public_reply_by_agent(AGENT, T0)
    assert ticket.status is Status.OPEN


def test_assigning_a_new_ticket_opens_it_and_records_before_and_after():
    ticket = new_ticket()
    changes = ticket.update(AGENT, T0, assignee_id=7)
    assert changes == {"assignee_id": (None, 7)}
    assert ticket.status is Status.OPEN
    assert [e.kind for e in ticket.pending_events] == ["assigned", "status_changed"]


def test_update_records_only_real_changes():
    ticket = new_ticket(priority=Priority.HIGH)
    assert ticket.update(AGENT, T0, priority="high") == {}
    assert ticket.pending_events == []


def test_tags_are_normalised_and_validated():
    ticket = new_ticket()
    ticket.update(AGENT, T0, tags=["  VIP", "vip", "refund", ""])
    assert ticket.tags == ("vip", "refund")
    with pytest.raises(ValidationFailed):
        ticket.update(AGENT, T0, tags=["two words"])


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationFailed):
        new_ticket().update(AGENT, T0, requester_id=9)


def test_unassigning_with_a_reason_records_it_and_an_unassigned_ticket_records_nothing():
    ticket = new_ticket(status=Status.OPEN, assignee_id=5)
    assert ticket.unassign(AGENT, T0, "the customer asked for someone else")
    [event] = ticket.pending_events
    assert (event.kind, event.changes, event.data) == (
        "assigned", {"assignee_id": (5, None)}, {"reason": "the customer asked for someone else"})
    assert ticket.assignee_id is None and ticket.status is Status.OPEN
    assert not ticket.unassign(AGENT, T0, "again")
    assert len(ticket.pending_events) == 1
    with pytest.raises(IllegalTransition):
        new_ticket(status=Status.CLOSED, assignee_id=5).unassign(AGENT, T0, "late")


def test_a_priority_is_raised_one_step_at_a_time_up_to_urgent():
    assert [p.raised for p in Priority] == [Priority.NORMAL, Priority.HIGH, Priority.URGENT,
                                            None]
