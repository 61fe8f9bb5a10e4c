"""Average handling time measured from a desk's own tickets, for staffing.

A desk does not record when an agent starts and stops working on a ticket; it records when
each message was written and when the ticket was last assigned. The work behind an agent's
message is taken as the time since the message before it on the ticket (the customer's, or the
agent's own earlier one), or since the assignment when that came later. A span longer than
`LONGEST_WORK` is the ticket waiting (in a queue, or for the agent to get to it), not work, and
is left out. A ticket's handling time is the sum of its spans; the estimate is the mean over
tickets with at least one span, once there are `MIN_TICKETS` of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

LONGEST_WORK = timedelta(minutes=30)
MIN_TICKETS = 20


@dataclass(frozen=True)
class TicketTrail:
    """One ticket's messages as (written by an agent, when), in order, and its last
    assignment."""

    messages: tuple[tuple[bool, datetime], ...]
    assigned_at: datetime | None = None


@dataclass(frozen=True)
class HandlingEstimate:
    seconds: float | None  # None: too little history
    tickets: int  # tickets that gave at least one span
    spans: int

    @property
    def method(self) -> str:
        return (f"measured from {self.tickets} tickets ({self.spans} agent messages): the time "
                "from the message before each agent message (or from the assignment, if "
                f"later), spans over {LONGEST_WORK.seconds // 60} minutes left out as waiting, "
                "summed per ticket and averaged")


def ticket_handling(trail: TicketTrail) -> list[float]:
    """Seconds of work behind each of the ticket's agent messages that has any."""
    spans = []
    previous: datetime | None = None
    for by_agent, written in trail.messages:
        if by_agent and previous is not None:
            start = previous
            if trail.assigned_at is not None and previous < trail.assigned_at < written:
                start = trail.assigned_at
            span = written - start
            if timedelta(0) < span <= LONGEST_WORK:
                spans.append(span.total_seconds())
        previous = written
    return spans


def estimate_handling(trails: Iterable[TicketTrail]) -> HandlingEstimate:
    per_ticket = [spans for spans in map(ticket_handling, trails) if spans]
    count = sum(len(spans) for spans in per_ticket)
    if len(per_ticket) < MIN_TICKETS:
        return HandlingEstimate(None, len(per_ticket), count)
    return HandlingEstimate(sum(map(sum, per_ticket)) / len(per_ticket), len(per_ticket), count)
