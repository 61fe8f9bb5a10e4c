"""The transparent score among eligible agents: six parts between 0 and 1, weighted.

* skill fit: half how proficient the agent is in what the ticket needs, half how much of the
  agent's range the ticket uses — a specialist fits better than a generalist, who stays free
  for the work only they can do;
* spare capacity after taking the ticket, as a share of capacity;
* readiness: 1 when, after taking the ticket, the agent can still take every channel they could
  before — small work goes to someone already busy rather than closing the last room an idle
  agent had for a call;
* time since the last assignment, up to the weights' idle horizon;
* customer affinity: 1 for the agent who served the customer last, within the grace period;
* wellbeing: for a difficult ticket, fewer recent and fewer of the day's difficult contacts
  score higher (so they spread across the team), weighted by ``difficult_wellbeing``;
  otherwise a shorter handling streak does.
"""

from __future__ import annotations

from typing import NamedTuple

from hubdesk.domain.routing.policy import RoutingPolicy, ScoreWeights
from hubdesk.domain.routing.profiles import HIGHEST_PROFICIENCY
from hubdesk.domain.routing.requirements import TicketRequirements
from hubdesk.domain.routing.state import AgentState


class ScoreParts(NamedTuple):
    """A named tuple: one is made for each candidate a decision explains, on the hot path."""

    skill_fit: float
    spare_capacity: float
    readiness: float
    idle_time: float
    affinity: float
    wellbeing: float
    total: float

    def to_dict(self) -> dict[str, float]:
        return {"skill_fit": round(self.skill_fit, 4),
                "spare_capacity": round(self.spare_capacity, 4),
                "readiness": round(self.readiness, 4),
                "idle_time": round(self.idle_time, 4), "affinity": round(self.affinity, 4),
                "wellbeing": round(self.wellbeing, 4), "total": round(self.total, 4)}


def parts(state: AgentState, ticket: TicketRequirements, cost: int, now: float,
          policy: RoutingPolicy, weights: ScoreWeights,
          ) -> tuple[float, float, float, float, float, float]:
    profile = state.profile
    skills = profile.skills
    needs = ticket.needs
    if needs:
        level = 0
        for need in needs:
            level += skills[need.skill]
        fit = 0.5 * level / (len(needs) * HIGHEST_PROFICIENCY) + 0.5 * len(needs) / profile.breadth
    else:
        fit = 0.5 / profile.breadth
    capacity = profile.capacity
    before = capacity - state.load
    after = before - cost
    spare = after / capacity if capacity else 0.0
    ready = 1.0 if capacity else 0.0
    for price in profile.cost_levels:
        if after < price <= before:
            ready = 0.0
            break
    last = state.last_assigned_at
    idle = 1.0 if last is None else min(1.0, (now - last) / weights.idle_horizon_s)
    served_at = ticket.previous_served_at
    affinity = 1.0 if (ticket.previous_agent == profile.agent_id and served_at is not None
                       and now - served_at <= policy.affinity_grace_s) else 0.0
    guard = policy.wellbeing
    if ticket.difficult:
        recent = state.recent_difficult(now, guard.window_s)
        wellbeing = 0.5 * max(0.0, 1.0 - recent / guard.difficult_limit) \
            + 0.5 / (1 + state.difficult_count)
    else:
        started = state.streak_started_at
        streak = 0.0 if started is None else now - started
        wellbeing = max(0.0, 1.0 - streak / guard.streak_limit_s) if guard.streak_limit_s else 1.0
    return fit, spare, ready, idle, affinity, wellbeing


def weighted(fit: float, spare: float, ready: float, idle: float, affinity: float,
             wellbeing: float, weights: ScoreWeights, difficult: bool) -> float:
    care = weights.difficult_wellbeing if difficult else weights.wellbeing
    return (weights.skill_fit * fit + weights.spare_capacity * spare + weights.readiness * ready
            + weights.idle_time * idle + weights.affinity * affinity + care * wellbeing)


def score_parts(state: AgentState, ticket: TicketRequirements, cost: int, now: float,
                policy: RoutingPolicy) -> ScoreParts:
    weights = policy.weights_for(ticket.team)
    fit, spare, ready, idle, affinity, wellbeing = parts(state, ticket, cost, now, policy,
                                                         weights)
    return ScoreParts(fit, spare, ready, idle, affinity, wellbeing,
                      weighted(fit, spare, ready, idle, affinity, wellbeing, weights,
                               ticket.difficult))
