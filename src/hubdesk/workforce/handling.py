"""Average handling time measured from a desk's own tickets, for staffing.

A desk does not record when an agent starts and stops working on a ticket; it records when
each message was written and when the ticket was last assigned. The work behind an agent's
message is taken as the time since the message before it on the ticket (the customer's, or the
agent's own earlier one), or since the assignment when that came later. A span longer than
`LONGEST_WORK` is the ticket waiting (in a queue, or for the agent to get to it), not work, and
is left out. A ticket's handling time is the sum of its spans; the estimate is the mean over
tickets with at least one span, once there are `MIN_TICKETS` of them.

An agent may work several tickets at once (chats, above all). Where the spans of one agent
overlap, each moment is shared evenly between the tickets the agent was working then
(`shared_handling`): two chats answered side by side for ten minutes count five minutes each,
so the tickets' times add up to the time the agent was busy, never to more. Messages whose
writer is not known are counted in full, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

LONGEST_WORK = timedelta(minutes=30)
MIN_TICKETS = 20


@dataclass(frozen=True)
class TicketTrail:
    """One ticket's messages as (written by an agent, when), in order, its last assignment,
    and who wrote each message (the agent's id, None for a customer or when not known; empty:
    nobody known)."""

    messages: tuple[tuple[bool, datetime], ...]
    assigned_at: datetime | None = None
    authors: tuple[int | None, ...] = ()


@dataclass(frozen=True)
class WorkSpan:
    agent_id: int | None
    start: datetime
    end: datetime


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
                "time an agent worked several tickets at once shared evenly between them, "
                "summed per ticket and averaged")


def work_spans(trail: TicketTrail) -> list[WorkSpan]:
    """The work behind each of the ticket's agent messages that has any, with its writer."""
    spans = []
    previous: datetime | None = None
    for n, (by_agent, written) in enumerate(trail.messages):
        if by_agent and previous is not None:
            start = previous
            if trail.assigned_at is not None and previous < trail.assigned_at < written:
                start = trail.assigned_at
            if timedelta(0) < written - start <= LONGEST_WORK:
                spans.append(WorkSpan(trail.authors[n] if n < len(trail.authors) else None,
                                      start, written))
        previous = written
    return spans


def ticket_handling(trail: TicketTrail) -> list[float]:
    """Seconds of work behind each of the ticket's agent messages that has any, each
    counted in full (as if the agent worked nothing else meanwhile)."""
    return [(s.end - s.start).total_seconds() for s in work_spans(trail)]


def _shared(spans: list[WorkSpan]) -> list[float]:
    """Seconds credited to each of one agent's spans: every moment divided evenly among the
    spans open then (a sweep over the spans' starts and ends)."""
    edges = sorted([(s.start, 1, n) for n, s in enumerate(spans)]
                   + [(s.end, 0, n) for n, s in enumerate(spans)])  # ends before starts
    credit = [0.0] * len(spans)
    open_now: set[int] = set()
    last: datetime | None = None
    for moment, starts, n in edges:
        if open_now and last is not None and moment > last:
            share = (moment - last).total_seconds() / len(open_now)
            for m in open_now:
                credit[m] += share
        last = moment
        if starts:
            open_now.add(n)
        else:
            open_now.discard(n)
    return credit


def shared_handling(trails: Iterable[TicketTrail]) -> list[list[float]]:
    """Per ticket, the seconds of work behind each of its agent messages that has any, where
    time one agent spent on several tickets at once is shared evenly between them."""
    spans = [work_spans(trail) for trail in trails]
    credit = [[(s.end - s.start).total_seconds() for s in own] for own in spans]
    by_agent: dict[int, list[tuple[int, int]]] = {}
    for t, own in enumerate(spans):
        for n, span in enumerate(own):
            if span.agent_id is not None:
                by_agent.setdefault(span.agent_id, []).append((t, n))
    for places in by_agent.values():
        for (t, n), seconds in zip(places, _shared([spans[t][n] for t, n in places]),
                                   strict=True):
            credit[t][n] = seconds
    return credit


def estimate_handling(trails: Iterable[TicketTrail]) -> HandlingEstimate:
    per_ticket = [spans for spans in shared_handling(trails) if spans]
    count = sum(len(spans) for spans in per_ticket)
    if len(per_ticket) < MIN_TICKETS:
        return HandlingEstimate(None, len(per_ticket), count)
    return HandlingEstimate(sum(map(sum, per_ticket)) / len(per_ticket), len(per_ticket), count)
