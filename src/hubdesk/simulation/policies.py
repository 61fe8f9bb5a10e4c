"""The policies a run compares. Hubdesk's is the domain `Dispatcher` itself; the two baselines
keep the same hard constraints (the same `Roster` and `Router.eligible`) but choose the agent
by turn or by load and serve the queue first come, first served, with no wellbeing guard."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Protocol

from hubdesk.domain.routing import (
    Dispatcher,
    Presence,
    Roster,
    Router,
    RoutingPolicy,
    TicketRequirements,
    WaitingQueue,
    WellbeingPolicy,
)

POLICIES = ("hubdesk", "round_robin", "least_loaded")


class Policy(Protocol):
    router: Router
    queue: WaitingQueue
    held: dict[int, tuple[int, TicketRequirements]]

    def arrive(self, ticket: TicketRequirements, now: float) -> int | None: ...

    def finish(self, ticket_id: int, now: float) -> list[TicketRequirements]: ...

    def abandon(self, ticket_id: int) -> bool: ...

    def set_presence(self, agent_id: int, presence: Presence,
                     now: float) -> list[TicketRequirements]: ...

    def tick(self, now: float) -> list[tuple[int, int]]: ...


class _Baseline:
    """First come, first served; the agent chosen by `_pick` among the eligible."""

    def __init__(self, roster: Roster) -> None:
        unguarded = RoutingPolicy(wellbeing=WellbeingPolicy(difficult_limit=1 << 30))
        self.router = Router(roster, unguarded)
        self.queue = WaitingQueue(unguarded)
        self.held: dict[int, tuple[int, TicketRequirements]] = {}

    def _pick(self, eligible: list[int]) -> int:
        raise NotImplementedError

    def arrive(self, ticket: TicketRequirements, now: float) -> int | None:
        eligible = self.router.eligible(ticket, now)
        if not eligible:
            # Queued by arrival alone: no deadline, priority or VIP order.
            self.queue.push(replace(ticket, sla_due=math.inf, priority=0, vip=0), now)
            return None
        agent = self._pick(eligible)
        self.router.assign(ticket, agent, now)
        self.held[ticket.ticket_id] = (agent, ticket)
        return agent

    def finish(self, ticket_id: int, now: float) -> list[TicketRequirements]:
        agent, _ = self.held.pop(ticket_id)
        self.router.roster.release(agent, ticket_id)
        return self._fill(agent, now)

    def _fill(self, agent: int, now: float) -> list[TicketRequirements]:
        state = self.router.roster.state(agent)
        taken = []
        while state.presence is Presence.ONLINE:
            ticket = self.queue.best_for(state, now)
            if ticket is None:
                break
            self.queue.remove(ticket.ticket_id)
            self.router.assign(ticket, agent, now)
            self.held[ticket.ticket_id] = (agent, ticket)
            taken.append(ticket)
        return taken

    def abandon(self, ticket_id: int) -> bool:
        return self.queue.remove(ticket_id) is not None

    def set_presence(self, agent_id: int, presence: Presence,
                     now: float) -> list[TicketRequirements]:
        self.router.roster.set_presence(agent_id, presence)
        return self._fill(agent_id, now) if presence is Presence.ONLINE else []

    def tick(self, now: float) -> list[tuple[int, int]]:
        return []


class RoundRobin(_Baseline):
    def __init__(self, roster: Roster) -> None:
        super().__init__(roster)
        self._last = -1

    def _pick(self, eligible: list[int]) -> int:
        after = [agent for agent in eligible if agent > self._last]
        self._last = after[0] if after else eligible[0]
        return self._last


class LeastLoaded(_Baseline):
    def _pick(self, eligible: list[int]) -> int:
        states = self.router.roster.states
        return min(eligible, key=lambda a: (states[a].load / max(1, states[a].profile.capacity),
                                            a))


def build_policy(name: str, roster: Roster, policy: RoutingPolicy) -> Policy:
    if name == "hubdesk":
        return Dispatcher(Router(roster, policy))
    if name == "round_robin":
        return RoundRobin(roster)
    if name == "least_loaded":
        return LeastLoaded(roster)
    raise ValueError(f"unknown policy {name!r}; known: {', '.join(POLICIES)}")
