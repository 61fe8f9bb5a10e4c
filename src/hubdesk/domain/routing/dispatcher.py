"""Push and pull together: tickets arrive and are routed or wait; freed capacity pulls work.

The dispatcher owns the waiting queue beside the router. On arrival a ticket goes to the best
eligible agent or waits (flagged when no one in the roster could ever serve it). When an agent
frees capacity or comes online, it pulls the most urgent work it may take until full. At each
`tick` tickets whose wait earned a relaxation are re-filed and offered again. With a
``record`` callback every decision is built with its explanation and handed to it; without
one the same choices are made by the router's lean path.
"""

from __future__ import annotations

from collections.abc import Callable

from hubdesk.domain.routing.decision import Candidate, RoutingDecision
from hubdesk.domain.routing.profiles import Presence
from hubdesk.domain.routing.queue import WaitingQueue
from hubdesk.domain.routing.requirements import TicketRequirements
from hubdesk.domain.routing.router import Router
from hubdesk.domain.routing.scoring import score_parts

Assignment = tuple[int, int]  # (ticket id, agent id)


class Dispatcher:
    def __init__(self, router: Router, queue: WaitingQueue | None = None,
                 record: Callable[[RoutingDecision], None] | None = None) -> None:
        self.router = router
        self.queue = queue or WaitingQueue(router.policy)
        self.record = record
        self.held: dict[int, tuple[int, TicketRequirements]] = {}  # ticket → (agent, ticket)
        self.flagged: dict[int, str] = {}  # waiting tickets no one could ever serve, and why

    def arrive(self, ticket: TicketRequirements, now: float) -> int | None:
        """Push mode: route a new (or returned) ticket; the agent it went to, or None."""
        policy = self.router.policy
        if policy.relaxation:
            ticket = policy.relaxed(ticket, policy.steps_due(now - ticket.arrived_at))
        if self.record is None:
            agent = self.router.choose(ticket, now)
        else:
            decision = self.router.route(ticket, now)
            self.record(decision)
            agent = decision.agent_id
        if agent is None:
            reason = self.router.never_served_because(ticket)
            if reason is not None:
                self.flagged[ticket.ticket_id] = reason
            self.queue.push(ticket, now)
            return None
        self._give(ticket, agent, now)
        return agent

    def _give(self, ticket: TicketRequirements, agent: int, now: float) -> None:
        self.router.roster.take(agent, ticket, now)
        self.held[ticket.ticket_id] = (agent, ticket)
        if self.flagged:
            self.flagged.pop(ticket.ticket_id, None)

    def next_for(self, agent_id: int, now: float) -> TicketRequirements | None:
        """Pull mode: give the agent the most urgent ticket they may take now, if any."""
        state = self.router.roster.state(agent_id)
        if state.presence is not Presence.ONLINE:
            return None
        shift = state.profile.shift
        if shift is not None and not shift.covers(now):
            return None
        ticket = self.queue.best_for(state, now)
        if ticket is None:
            return None
        self.queue.remove(ticket.ticket_id)
        if self.record is not None:
            cost = state.profile.channel_costs[ticket.channel]
            parts = score_parts(state, ticket, cost, now, self.router.policy)
            self.record(RoutingDecision(
                ticket.ticket_id, now, agent_id, "pull", (Candidate(agent_id, parts),),
                relaxations=ticket.relaxations,
                cooldown_suggested=state.cooldown_due(now, self.router.policy.wellbeing)))
        self._give(ticket, agent_id, now)
        return ticket

    def fill(self, agent_id: int, now: float) -> list[TicketRequirements]:
        """Capacity freed or the agent came online: pull until nothing more fits."""
        taken: list[TicketRequirements] = []
        while self.queue and (ticket := self.next_for(agent_id, now)) is not None:
            taken.append(ticket)
        return taken

    def finish(self, ticket_id: int, now: float) -> list[TicketRequirements]:
        """The agent holding the ticket is done with it; they pull the next work."""
        held = self.held.pop(ticket_id, None)
        if held is None:
            return []
        self.router.roster.release(held[0], ticket_id)
        return self.fill(held[0], now)

    def abandon(self, ticket_id: int) -> bool:
        """The customer gave up while waiting; False if the ticket was not waiting."""
        self.flagged.pop(ticket_id, None)
        return self.queue.remove(ticket_id) is not None

    def set_presence(self, agent_id: int, presence: Presence, now: float,
                     ) -> list[TicketRequirements]:
        """Change presence. Online: the agent pulls work. Offline: the tickets they held go
        back to be routed again (returned, re-routed or queued); returns the tickets moved."""
        self.router.roster.set_presence(agent_id, presence)
        if presence is Presence.ONLINE:
            return self.fill(agent_id, now)
        if presence is not Presence.OFFLINE:
            return []
        returned = [ticket for agent, ticket in self.held.values() if agent == agent_id]
        for ticket in returned:
            del self.held[ticket.ticket_id]
            self.router.roster.release(agent_id, ticket.ticket_id)
        for ticket in returned:
            self.arrive(ticket, now)
        return returned

    def tick(self, now: float) -> list[Assignment]:
        """Relaxations that came due: re-file those tickets and try to route them now."""
        assignments = []
        for ticket in self.queue.refresh(now):
            agent = self.router.choose(ticket, now)
            if agent is not None:
                self.queue.remove(ticket.ticket_id)
                if self.record is not None:
                    self.record(self.router.route(ticket, now))
                self._give(ticket, agent, now)
                assignments.append((ticket.ticket_id, agent))
        return assignments
