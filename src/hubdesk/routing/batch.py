"""Many tickets to many free agents at once, optimally: an assignment problem.

When a shift starts or an outage ends, routing tickets one by one gives each the best agent
left at its turn, and early tickets can take the only agent a later ticket could have had.
Here every pair is scored at once by the routing policy (`Router.ranked`: the same hard
constraints and score) and `scipy.optimize.linear_sum_assignment` maximises the total.

Capacity: an agent with room for k more tickets of a channel becomes k columns; the j-th
column scores the ticket as the agent's spare capacity would be after j earlier ones (the
score's spare-capacity part falls by the ticket's cost each time). Channels cost different
units, so channels are solved one after another, most urgent first, each with the capacity the
earlier ones left — exact capacity, optimal within each channel; tickets still unplaced then
go one by one to whatever room the later channels left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hubdesk.domain.routing import Router, TicketRequirements

INFEASIBLE = -1e9


@dataclass(frozen=True)
class BatchResult:
    assignments: tuple[tuple[int, int], ...]  # (ticket id, agent id)
    total_score: float
    unassigned: tuple[int, ...]


@dataclass
class _Channel:
    tickets: list[TicketRequirements]
    scores: list[dict[int, float]]  # per ticket: eligible agent → score with nothing taken yet


def _by_channel(router: Router, tickets: Sequence[TicketRequirements],
                now: float) -> list[_Channel]:
    groups: dict[str, _Channel] = {}
    for ticket in sorted(tickets, key=TicketRequirements.urgency):
        group = groups.setdefault(ticket.channel, _Channel([], []))
        group.tickets.append(ticket)
        group.scores.append(dict(router.ranked(ticket, now)))
    return list(groups.values())  # in the order of each channel's most urgent ticket


def _slot_score(router: Router, ticket: TicketRequirements, agent: int, base: float,
                taken: int) -> float:
    """The score of the ``taken``-th further ticket of this channel for the agent."""
    profile = router.roster.states[agent].profile
    weight = router.policy.weights_for(ticket.team).spare_capacity
    cost = profile.channel_costs[ticket.channel]
    return base - weight * taken * cost / profile.capacity if profile.capacity else base


def _matrix(router: Router, group: _Channel, spare: dict[int, int],
            ) -> tuple[np.ndarray[tuple[int, int], np.dtype[np.float64]], list[tuple[int, int]]]:
    """Scores of every ticket (rows) in every agent's slot (columns), built with numpy: the
    j-th slot of an agent scores the base score less j times the ticket's spare-capacity
    step (weight × cost / capacity)."""
    channel = group.tickets[0].channel
    states = router.roster.states
    agents = sorted({agent for scores in group.scores for agent in scores})
    position = {agent: n for n, agent in enumerate(agents)}
    wanted = np.zeros(len(agents), dtype=np.int64)
    rows: list[int] = []
    owners: list[int] = []
    bases: list[float] = []
    for row, scores in enumerate(group.scores):
        for agent, base in scores.items():
            rows.append(row)
            owners.append(position[agent])
            bases.append(base)
            wanted[position[agent]] += 1
    costs = np.array([states[a].profile.channel_costs[channel] for a in agents])
    capacity = np.array([states[a].profile.capacity for a in agents])
    slots = np.minimum(np.array([spare[a] for a in agents]) // costs, wanted)
    first = np.cumsum(slots) - slots
    columns = [(agent, slot) for agent, count in zip(agents, slots.tolist(), strict=True)
               for slot in range(count)]
    matrix = np.full((len(group.tickets), len(columns)), INFEASIBLE)
    if not columns:
        return matrix, columns
    step_weight = np.array([router.policy.weights_for(t.team).spare_capacity
                            for t in group.tickets])
    row_of, owner = np.array(rows), np.array(owners)
    repeats = slots[owner]
    slot = np.arange(int(repeats.sum())) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    step = step_weight[row_of] * np.where(capacity[owner] > 0,
                                          costs[owner] / np.maximum(capacity[owner], 1), 0.0)
    matrix[np.repeat(row_of, repeats), np.repeat(first[owner], repeats) + slot] = \
        np.repeat(np.array(bases), repeats) - np.repeat(step, repeats) * slot
    return matrix, columns


def assign_optimal(router: Router, tickets: Sequence[TicketRequirements],
                   now: float) -> BatchResult:
    """The assignment of ``tickets`` to agents' spare capacity with the highest total score.

    The roster is not changed; `apply` gives the tickets to the agents.
    """
    # Imported here: a server that never batches need not hold SciPy in memory.
    from scipy.optimize import linear_sum_assignment

    spare = {agent: state.spare() for agent, state in router.roster.states.items()}
    chosen: list[tuple[int, int]] = []
    total = 0.0
    groups = _by_channel(router, tickets, now)
    for group in groups:
        matrix, columns = _matrix(router, group, spare)
        if not columns:
            continue
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
            if matrix[row, col] <= INFEASIBLE / 2:
                continue
            agent = columns[col][0]
            ticket = group.tickets[row]
            spare[agent] -= router.roster.states[agent].profile.channel_costs[ticket.channel]
            chosen.append((ticket.ticket_id, agent))
            total += float(matrix[row, col])
    # A later channel may leave room an earlier one's leftovers fit in.
    placed = {ticket_id for ticket_id, _ in chosen}
    leftovers = [(ticket, scores) for group in groups
                 for ticket, scores in zip(group.tickets, group.scores, strict=True)
                 if ticket.ticket_id not in placed]
    channel_of = {ticket.ticket_id: ticket.channel for ticket in tickets}
    taken: dict[tuple[int, str], int] = defaultdict(int)
    for ticket_id, agent in chosen:
        taken[agent, channel_of[ticket_id]] += 1
    late, late_total = _greedy(router, leftovers, spare, taken)
    return _result(tickets, chosen + late, total + late_total)


def assign_greedy(router: Router, tickets: Sequence[TicketRequirements],
                  now: float) -> BatchResult:
    """One by one, most urgent first: each ticket to its best agent still with room, scored
    like `assign_optimal` so the totals compare."""
    spare = {agent: state.spare() for agent, state in router.roster.states.items()}
    pairs = [(ticket, scores) for group in _by_channel(router, tickets, now)
             for ticket, scores in zip(group.tickets, group.scores, strict=True)]
    chosen, total = _greedy(router, pairs, spare, defaultdict(int))
    return _result(tickets, chosen, total)


def _greedy(router: Router, pairs: list[tuple[TicketRequirements, dict[int, float]]],
            spare: dict[int, int], taken: dict[tuple[int, str], int],
            ) -> tuple[list[tuple[int, int]], float]:
    chosen: list[tuple[int, int]] = []
    total = 0.0
    states = router.roster.states
    for ticket, scores in pairs:
        best, best_score = None, INFEASIBLE
        for agent, base in scores.items():
            cost = states[agent].profile.channel_costs[ticket.channel]
            if cost > spare[agent]:
                continue
            score = _slot_score(router, ticket, agent, base, taken[agent, ticket.channel])
            if score > best_score or (score == best_score and best is not None
                                      and agent < best):
                best, best_score = agent, score
        if best is None:
            continue
        spare[best] -= states[best].profile.channel_costs[ticket.channel]
        taken[best, ticket.channel] += 1
        chosen.append((ticket.ticket_id, best))
        total += best_score
    return chosen, total


def _result(tickets: Sequence[TicketRequirements], chosen: list[tuple[int, int]],
            total: float) -> BatchResult:
    placed = {ticket for ticket, _ in chosen}
    return BatchResult(tuple(sorted(chosen)), total,
                       tuple(sorted(t.ticket_id for t in tickets if t.ticket_id not in placed)))


def apply(router: Router, tickets: Sequence[TicketRequirements], result: BatchResult,
          now: float) -> None:
    """Give each ticket of ``result`` to its agent (capacity is checked again by the roster)."""
    by_id = {ticket.ticket_id: ticket for ticket in tickets}
    for ticket_id, agent in result.assignments:
        router.assign(by_id[ticket_id], agent, now)
