from datetime import UTC, datetime

import pytest

from hubdesk.domain.errors import Conflict, IllegalTransition
from hubdesk.domain.events import Actor
from hubdesk.domain.merging import merge
from hubdesk.domain.tickets import Priority, Status, Ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEAD = Actor.agent(1)


def ticket(ticket_id: int, requester: int = 5, **values) -> Ticket:
    return Ticket(id=ticket_id, subject=f"#{ticket_id}", requester_id=requester,
                  created_at=T0, updated_at=T0, **values)


def test_merge_closes_the_source_and_keeps_what_it_carried():
    source = ticket(2, tags=("refund",), priority=Priority.URGENT, status=Status.OPEN)
    target = ticket(1, tags=("billing",))
    merge(source, target, LEAD, T0)
    assert source.status is Status.CLOSED and source.merged_into_id == 1
    assert target.tags == ("billing", "refund")
    assert target.priority is Priority.URGENT
    assert "merged_in" in [e.kind for e in target.pending_events]
    assert "merged_into" in [e.kind for e in source.pending_events]


def test_merge_needs_the_same_requester():
    with pytest.raises(Conflict, match="same requester"):
        merge(ticket(2, requester=5), ticket(1, requester=6), LEAD, T0)


def test_merge_refuses_itself_closed_and_already_merged_tickets():
    with pytest.raises(Conflict):
        merge(ticket(1), ticket(1), LEAD, T0)
    with pytest.raises(Conflict):
        merge(ticket(2, status=Status.CLOSED), ticket(1), LEAD, T0)
    with pytest.raises(Conflict):
        merge(ticket(2, merged_into_id=9), ticket(1), LEAD, T0)


def test_a_merged_ticket_cannot_be_edited():
    source, target = ticket(2), ticket(1)
    merge(source, target, LEAD, T0)
    with pytest.raises(IllegalTransition):
        source.update(LEAD, T0, priority=Priority.LOW)
