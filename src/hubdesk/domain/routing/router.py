"""Push routing: the best eligible agent for one ticket, by the policy, explained.

Hard constraints come first (the roster's indexes, then shift, exclusion and tier per
candidate); among eligible agents the highest score wins, ties to the lower agent id. A
difficult ticket skips agents the wellbeing guard protects, unless no one else is eligible.
"""

from __future__ import annotations

import heapq

from hubdesk.domain.routing.constraints import Exclusion, first_exclusion
from hubdesk.domain.routing.decision import Candidate, RoutingDecision
from hubdesk.domain.routing.policy import RoutingPolicy
from hubdesk.domain.routing.profiles import HIGHEST_PROFICIENCY
from hubdesk.domain.routing.requirements import TicketRequirements
from hubdesk.domain.routing.roster import Roster
from hubdesk.domain.routing.scoring import score_parts
from hubdesk.domain.routing.state import AgentState


def _candidate_exclusion(state: AgentState, ticket: TicketRequirements,
                         now: float) -> Exclusion | None:
    """The constraints the indexes do not cover, for an agent the indexes offered."""
    profile = state.profile
    if profile.shift is not None and not profile.shift.covers(now):
        return Exclusion.OFF_SHIFT
    if profile.agent_id in ticket.excluded_agents:
        return Exclusion.EXCLUDED
    if profile.tier < ticket.tier:
        return Exclusion.TIER
    return None


class Router:
    def __init__(self, roster: Roster, policy: RoutingPolicy | None = None) -> None:
        self.roster = roster
        self.policy = policy or RoutingPolicy()

    # One flat loop on the hot path: splitting it into calls would cost more than it reads.
    def _rank(self, ticket: TicketRequirements, now: float,  # noqa: C901
              excluded: dict[Exclusion, list[int]] | None,
              ) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
        """Eligible agents as (negated score, id), unguarded and guarded apart; agents the
        indexes offered but a constraint excluded go to ``excluded`` when given.

        The score is `scoring.parts` weighted, computed inline with everything that depends on
        the ticket alone worked out once: this loop runs for every candidate of every decision
        (a test holds it equal to `score_parts`).
        """
        pool = self.roster.pool(ticket)
        scored: list[tuple[float, int]] = []
        spared: list[tuple[float, int]] = []
        if not pool:
            return scored, spared
        states = self.roster.states
        policy = self.policy
        weights = policy.weights_for(ticket.team)
        w_fit, w_spare, w_idle = weights.skill_fit, weights.spare_capacity, weights.idle_time
        w_affinity, w_ready = weights.affinity, weights.readiness
        w_wellbeing = weights.difficult_wellbeing if ticket.difficult else weights.wellbeing
        horizon = weights.idle_horizon_s
        guard = policy.wellbeing
        window, limit, streak_limit = guard.window_s, guard.difficult_limit, guard.streak_limit_s
        difficult = ticket.difficult
        channel = ticket.channel
        shunned = ticket.excluded_agents
        tier = ticket.tier
        needs = [need.skill for need in ticket.needs]
        per_level = 0.5 / (len(needs) * HIGHEST_PROFICIENCY) if needs else 0.0
        breadth = 0.5 * len(needs) if needs else 0.5
        served_at = ticket.previous_served_at
        loyal = ticket.previous_agent if served_at is not None \
            and now - served_at <= policy.affinity_grace_s else None
        for agent_id in pool:
            state = states[agent_id]
            profile = state.profile
            shift = profile.shift
            reason = None
            if shift is not None and not shift.starts_at <= now < shift.ends_at:
                reason = Exclusion.OFF_SHIFT
            elif agent_id in shunned:
                reason = Exclusion.EXCLUDED
            elif profile.tier < tier:
                reason = Exclusion.TIER
            if reason is not None:
                if excluded is not None:
                    excluded.setdefault(reason, []).append(agent_id)
                continue
            skills = profile.skills
            level = 0
            for skill in needs:
                level += skills[skill]
            total = w_fit * (per_level * level + breadth / profile.breadth)
            capacity = profile.capacity
            if capacity:
                before = capacity - state.load
                after = before - profile.channel_costs[channel]
                total += w_spare * after / capacity
                for cost in profile.cost_levels:
                    if after < cost <= before:
                        break
                else:
                    total += w_ready
            last = state.last_assigned_at
            if last is None or now - last >= horizon:
                total += w_idle
            else:
                total += w_idle * (now - last) / horizon
            if agent_id == loyal:
                total += w_affinity
            guarded = False
            if difficult:
                recent = state.recent_difficult(now, window)
                guarded = recent >= limit
                total += w_wellbeing * (0.5 * max(0.0, 1.0 - recent / limit)
                                        + 0.5 / (1 + state.difficult_count))
            else:
                started = state.streak_started_at
                if started is None or not streak_limit:
                    total += w_wellbeing
                elif now - started < streak_limit:
                    total += w_wellbeing * (1.0 - (now - started) / streak_limit)
            if guarded:
                spared.append((-total, agent_id))
            else:
                scored.append((-total, agent_id))
        return scored, spared

    def ranked(self, ticket: TicketRequirements, now: float) -> list[tuple[int, float]]:
        """Every eligible agent with their score, best first (guarded ones included)."""
        scored, spared = self._rank(ticket, now, None)
        return [(agent, -negated) for negated, agent in sorted(scored + spared)]

    def choose(self, ticket: TicketRequirements, now: float) -> int | None:
        """The agent the policy gives ``ticket`` to now, or None; `route` without the why."""
        scored, spared = self._rank(ticket, now, None)
        if scored:
            return min(scored)[1]
        return min(spared)[1] if spared else None

    def route(self, ticket: TicketRequirements, now: float, mode: str = "push") -> RoutingDecision:
        """Decide for ``ticket`` and say why; the roster is not changed (see `assign`)."""
        roster = self.roster
        excluded: dict[Exclusion, list[int]] = {}
        scored, spared = self._rank(ticket, now, excluded)
        guarded: tuple[int, ...] = ()
        if scored:
            guarded = tuple(sorted(agent for _, agent in spared))
            if guarded:
                excluded[Exclusion.WELLBEING] = list(guarded)
        else:
            scored = spared
        wanted = self.policy.top_candidates
        # Most pools are a few dozen agents: sorting them beats a heap's bookkeeping.
        top = sorted(scored)[:wanted] if len(scored) <= 64 else heapq.nsmallest(wanted, scored)
        chosen = top[0][1] if top else None
        states = roster.states
        candidates = tuple(
            Candidate(agent, score_parts(states[agent], ticket,
                                         states[agent].profile.channel_costs[ticket.channel],
                                         now, self.policy))
            for _, agent in top)
        unroutable = None if chosen is not None else self.never_served_because(ticket)
        cooldown = chosen is not None and states[chosen].cooldown_due(now, self.policy.wellbeing)
        return RoutingDecision(
            ticket.ticket_id, now, chosen, mode, candidates,
            {reason: tuple(sorted(agents)) for reason, agents in excluded.items()},
            roster.screened_out(ticket), ticket.relaxations, guarded, cooldown, unroutable)

    def assign(self, ticket: TicketRequirements, agent_id: int, now: float) -> int:
        """Record that ``agent_id`` took ``ticket``; refuses going over capacity."""
        return self.roster.take(agent_id, ticket, now)

    def explain(self, ticket: TicketRequirements, now: float) -> dict[Exclusion | None,
                                                                      tuple[int, ...]]:
        """Every agent of the roster grouped by the first constraint they fail (None: eligible).

        A full scan, for a coordinator's picker; the wellbeing guard shows under WELLBEING.
        """
        groups: dict[Exclusion | None, list[int]] = {}
        guard = self.policy.wellbeing
        for agent_id, state in self.roster.states.items():
            reason = first_exclusion(state, ticket, now)
            if reason is None and ticket.difficult and state.guarded(now, guard):
                reason = Exclusion.WELLBEING
            groups.setdefault(reason, []).append(agent_id)
        return {reason: tuple(sorted(agents)) for reason, agents in groups.items()}

    def eligible(self, ticket: TicketRequirements, now: float) -> list[int]:
        """Agents meeting every hard constraint now (the guard aside), by the indexes."""
        states = self.roster.states
        return sorted(agent for agent in self.roster.pool(ticket)
                      if _candidate_exclusion(states[agent], ticket, now) is None)

    def never_served_because(self, ticket: TicketRequirements) -> str | None:
        """Why no one in the roster could ever serve the ticket as finally relaxed, or None."""
        steps = len(self.policy.relaxation)
        return self.roster.never_served_because(self.policy.relaxed(ticket, steps))
