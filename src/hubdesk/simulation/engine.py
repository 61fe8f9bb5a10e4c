"""The discrete-event loop: arrivals from the drawn lists, everything else from one heap.

Each contact becomes a `TicketRequirements` and is handed to the policy, the very object the
desk routes with (`Dispatcher`), which assigns it or queues it. Finishing work lets the agent
pull the next ticket; a queued contact whose patience runs out abandons; shifts switch agents
online and, at their end, away (they finish what they hold and take nothing new).
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from hubdesk.domain.routing import Presence, Roster, TicketRequirements
from hubdesk.simulation.arrivals import Contacts
from hubdesk.simulation.forecasts import BreachWatch
from hubdesk.simulation.policies import build_policy
from hubdesk.simulation.scenario import Scenario

FINISH, ABANDON, SHIFT_ON, SHIFT_OFF, RELAX, FORECAST = range(6)


@dataclass
class Outcome:
    """What happened to every contact and agent; `report.summarise` turns it into measures."""

    policy: str
    wait_s: list[float]  # -1: never answered
    abandoned: bytearray
    agent_work: dict[int, float]  # capacity-weighted busy seconds
    agent_handled: dict[int, int]
    agent_difficult: dict[int, int]
    agent_staffed_s: dict[int, float]
    end_s: float


def _shift_events(scenario: Scenario, days: int) -> list[tuple[float, int, int]]:
    events = []
    for group in scenario.groups:
        if group.shift is None:
            continue
        start, end = group.shift
        for day in range(days):
            offset = day * scenario.day_s
            for profile in group.profiles:
                events.append((offset + start, SHIFT_ON, profile.agent_id))
                events.append((offset + end, SHIFT_OFF, profile.agent_id))
    return events


# The event loop, kept flat: it runs a million times in the benchmark.
def run(scenario: Scenario, policy_name: str, contacts: Contacts,  # noqa: C901
        watch: BreachWatch | None = None) -> Outcome:
    """One policy on the drawn contacts; with a ``watch``, waiting contacts are forecast at its
    share of their SLA (the forecasts go to the watch)."""
    roster = Roster(scenario.agents)
    policy = build_policy(policy_name, roster, scenario.policy)
    events = _shift_events(scenario, contacts.days)
    heapq.heapify(events)
    on_since: dict[int, float] = {}
    staffed = dict.fromkeys(roster.states, 0.0)
    for group in scenario.groups:
        if group.shift is None:
            for profile in group.profiles:
                roster.set_presence(profile.agent_id, Presence.ONLINE)
                on_since[profile.agent_id] = 0.0
    types = [(t.channel, t.needs, t.language, t.tier, t.priority, t.sla_s)
             for t in scenario.contact_types]
    relax_after = [step.after_s for step in scenario.policy.relaxation] \
        if policy_name == "hubdesk" else []
    arrival, kinds, handle = contacts.arrival, contacts.kind, contacts.handle_s
    patience, difficult, vip = contacts.patience_s, contacts.difficult, contacts.vip
    size = len(arrival)
    wait = [-1.0] * size
    abandoned = bytearray(size)
    share = {a: {c: cost / max(1, s.profile.capacity) for c, cost in
                 s.profile.channel_costs.items()} for a, s in roster.states.items()}
    work = dict.fromkeys(roster.states, 0.0)
    handled = dict.fromkeys(roster.states, 0)
    hard = dict.fromkeys(roster.states, 0)
    held = policy.held
    push, pop = heapq.heappush, heapq.heappop
    inf = math.inf
    now = 0.0
    index = 0

    def start(contact: int, agent: int, now: float) -> None:
        wait[contact] = now - arrival[contact]
        length = handle[contact]
        push(events, (now + length, FINISH, contact))
        work[agent] += share[agent][types[kinds[contact]][0]] * length
        handled[agent] += 1
        if difficult[contact]:
            hard[agent] += 1

    while index < size or events:
        if index < size and (not events or arrival[index] <= events[0][0]):
            now = arrival[index]
            channel, needs, language, tier, priority, sla = types[kinds[index]]
            agent = policy.arrive(TicketRequirements(
                index, channel, now, needs, language, tier, priority, vip[index], now + sla,
                difficult[index]), now)
            if agent is None:
                if watch is not None:
                    push(events, (now + watch.share * sla, FORECAST, index))
                if patience[index] != inf:
                    push(events, (now + patience[index], ABANDON, index))
                for after in relax_after:
                    push(events, (now + after, RELAX, index))
            else:
                start(index, agent, now)
            index += 1
            continue
        now, what, ident = pop(events)
        if what == FINISH:
            if watch is not None:
                watch.finished(types[kinds[ident]][0], handle[ident])
            for ticket in policy.finish(ident, now):
                start(ticket.ticket_id, held[ticket.ticket_id][0], now)
        elif what == ABANDON:
            if policy.abandon(ident):
                abandoned[ident] = 1
        elif what == RELAX:
            for contact, agent in policy.tick(now):
                start(contact, agent, now)
        elif what == FORECAST:
            if watch is not None and wait[ident] < 0 and not abandoned[ident]:
                watch.forecast(policy, ident, now, arrival[ident] + types[kinds[ident]][5])
        elif what == SHIFT_ON:
            on_since[ident] = now
            for ticket in policy.set_presence(ident, Presence.ONLINE, now):
                start(ticket.ticket_id, ident, now)
        else:
            staffed[ident] += now - on_since.pop(ident, now)
            policy.set_presence(ident, Presence.AWAY, now)
    for agent, since in on_since.items():
        staffed[agent] += now - since
    return Outcome(policy_name, wait, abandoned, work, handled, hard, staffed, now)
