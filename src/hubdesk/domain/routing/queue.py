"""Work waiting for an agent, most urgent first, in buckets of tickets alike.

Tickets with the same needs (skills and levels, language, tier, channel, team) share a bucket,
a heap ordered by urgency (`TicketRequirements.urgency`). An agent asking for work looks only
at the buckets it could serve (cached per agent until a new bucket appears), so a pull costs
the number of such buckets, not the backlog. A ticket whose wait reaches a relaxation step is
re-filed under its relaxed needs.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from hubdesk.domain.routing.policy import RoutingPolicy
from hubdesk.domain.routing.profiles import AgentProfile
from hubdesk.domain.routing.requirements import TicketRequirements
from hubdesk.domain.routing.state import AgentState

Urgency = tuple[float, int, int, float, int]
Signature = tuple[object, ...]


@dataclass(slots=True)
class _Bucket:
    signature: Signature
    cost_channel: str
    heap: list[tuple[Urgency, int, TicketRequirements]] = field(default_factory=list)


def serves(profile: AgentProfile, ticket: TicketRequirements) -> bool:
    """Whether the agent's profile meets the ticket's needs, leaving presence and load aside."""
    if ticket.language is not None and ticket.language not in profile.languages:
        return False
    if ticket.team is not None and ticket.team not in profile.teams:
        return False
    skills = profile.skills
    for need in ticket.needs:
        if skills.get(need.skill, 0) < need.min_level:
            return False
    return profile.tier >= ticket.tier and profile.cost_of(ticket.channel) is not None


class WaitingQueue:
    def __init__(self, policy: RoutingPolicy | None = None) -> None:
        self.policy = policy or RoutingPolicy()
        self._waiting: dict[int, TicketRequirements] = {}
        self._buckets: dict[Signature, _Bucket] = {}
        self._in_order: list[_Bucket] = []
        self._relax_due: list[tuple[float, int, int]] = []
        self._compatible: dict[int, tuple[int, AgentProfile, list[_Bucket]]] = {}
        self._sequence = itertools.count()

    def __len__(self) -> int:
        return len(self._waiting)

    def __contains__(self, ticket_id: object) -> bool:
        return ticket_id in self._waiting

    def get(self, ticket_id: int) -> TicketRequirements | None:
        return self._waiting.get(ticket_id)

    def push(self, ticket: TicketRequirements, now: float,
             at_least: int = 0) -> TicketRequirements:
        """Queue ``ticket`` with the relaxations its wait has earned (and at least
        ``at_least`` of them); returns it as filed."""
        steps = max(at_least, self.policy.steps_due(now - ticket.arrived_at))
        ticket = self.policy.relaxed(ticket, steps)
        self._file(ticket)
        due = self.policy.next_relaxation_at(ticket, len(ticket.relaxations))
        if due < math.inf:
            heapq.heappush(self._relax_due, (due, ticket.ticket_id, len(ticket.relaxations)))
        return ticket

    def _file(self, ticket: TicketRequirements) -> None:
        self._waiting[ticket.ticket_id] = ticket
        signature = ticket.signature()
        bucket = self._buckets.get(signature)
        if bucket is None:
            bucket = self._buckets[signature] = _Bucket(signature, ticket.channel)
            self._in_order.append(bucket)
        heapq.heappush(bucket.heap, (ticket.urgency(), next(self._sequence), ticket))

    def remove(self, ticket_id: int) -> TicketRequirements | None:
        """Take a ticket out (assigned, abandoned, closed); its bucket forgets it lazily."""
        return self._waiting.pop(ticket_id, None)

    def refresh(self, now: float) -> list[TicketRequirements]:
        """Re-file tickets whose next relaxation step is due; returns them as re-filed."""
        moved = []
        due = self._relax_due
        while due and due[0][0] <= now:
            _, ticket_id, applied = heapq.heappop(due)
            ticket = self._waiting.get(ticket_id)
            if ticket is None or len(ticket.relaxations) != applied:
                continue
            del self._waiting[ticket_id]
            # The step that came due applies even if rounding puts ``now`` a hair before it.
            moved.append(self.push(ticket, now, applied + 1))
        return moved

    def next_relaxation_at(self) -> float:
        return self._relax_due[0][0] if self._relax_due else math.inf

    def _live_top(self, bucket: _Bucket) -> tuple[Urgency, int, TicketRequirements] | None:
        heap = bucket.heap
        waiting = self._waiting
        while heap:
            top = heap[0]
            if waiting.get(top[2].ticket_id) is top[2]:
                return top
            heapq.heappop(heap)
        return None

    def _buckets_for(self, profile: AgentProfile) -> list[_Bucket]:
        """The buckets this profile may serve; buckets are never dropped, so a cached list
        only needs the buckets created since (all of them again if the profile changed)."""
        cached = self._compatible.get(profile.agent_id)
        seen, buckets = 0, []
        if cached is not None and cached[1] is profile:
            seen, buckets = cached[0], cached[2]
            if seen == len(self._in_order):
                return buckets
        buckets = buckets + [bucket for bucket in self._in_order[seen:]
                             if serves(profile, _probe(bucket))]
        self._compatible[profile.agent_id] = (len(self._in_order), profile, buckets)
        return buckets

    def best_for(self, state: AgentState, now: float) -> TicketRequirements | None:
        """The most urgent waiting ticket this agent may take now (pull mode).

        Capacity, the ticket's excluded agents and the wellbeing guard are checked here: a
        guarded agent leaves a difficult ticket to others until it has waited the guard's hold.
        """
        profile = state.profile
        spare = profile.capacity - state.load
        costs = profile.channel_costs
        guard = self.policy.wellbeing
        guarded = state.guarded(now, guard)
        best: tuple[Urgency, int, TicketRequirements] | None = None
        for bucket in self._buckets_for(profile):
            if costs[bucket.cost_channel] > spare:
                continue
            top = self._live_top(bucket)
            if top is None or (best is not None and top[0] >= best[0]):
                continue
            ticket = top[2]
            if profile.agent_id in ticket.excluded_agents or (
                    guarded and ticket.difficult and now - ticket.arrived_at < guard.hold_s):
                top = self._first_acceptable(bucket, profile.agent_id, guarded, now)
                if top is None or (best is not None and top[0] >= best[0]):
                    continue
            best = top
        return None if best is None else best[2]

    def _first_acceptable(self, bucket: _Bucket, agent_id: int, guarded: bool,
                          now: float) -> tuple[Urgency, int, TicketRequirements] | None:
        hold = self.policy.wellbeing.hold_s
        for entry in sorted(bucket.heap):
            ticket = entry[2]
            if self._waiting.get(ticket.ticket_id) is not ticket \
                    or agent_id in ticket.excluded_agents:
                continue
            if guarded and ticket.difficult and now - ticket.arrived_at < hold:
                continue
            return entry
        return None

    def ordered(self) -> Iterator[TicketRequirements]:
        """Every waiting ticket, most urgent first (for a coordinator's view)."""
        return iter(sorted(self._waiting.values(), key=TicketRequirements.urgency))


def _probe(bucket: _Bucket) -> TicketRequirements:
    needs, language, tier, channel, team = bucket.signature
    return TicketRequirements(0, str(channel), 0.0, needs, language, tier,  # type: ignore[arg-type]
                              team=team)  # type: ignore[arg-type]
