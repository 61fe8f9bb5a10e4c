"""What the ticket page shows of routing, read inside the workspace's unit of work: why the
ticket went where it is (the latest decision), and every agent for the assignee picker —
the eligible ones best first with load, presence, skill fit and language, the others with the
constraint that rules them out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hubdesk.domain.routing import Exclusion, first_exclusion, instant, score_parts
from hubdesk.domain.tickets import Ticket
from hubdesk.services.ports import UnitOfWork
from hubdesk.services.routing import waiting_of
from hubdesk.services.routing_flags import BOOKKEEPING
from hubdesk.services.routing_records import StoredDecision, TicketRoutingState
from hubdesk.services.routing_roster import (
    requirements_for,
    roster_of,
    settings_in,
    wellbeing_since,
)


@dataclass(frozen=True)
class PickerEntry:
    agent_id: int
    eligible: bool
    reason: str | None  # the first constraint an ineligible agent fails
    score: float
    skill_fit: float
    load: int
    capacity: int
    presence: str
    languages: tuple[str, ...]


# How the picker names an agent left out at the customer's request.
CUSTOMERS_WISH = "excluded: the customer asked not to be served by them"


@dataclass(frozen=True)
class RoutingView:
    state: TicketRoutingState | None
    latest: StoredDecision | None
    picker: list[PickerEntry] = field(default_factory=list)

    @property
    def excluded_on_request(self) -> list[int]:
        """Agents the latest decision left out because the customer asked not to be served
        by them again."""
        if self.latest is None:
            return []
        excluded = dict(self.latest.decision.get("excluded", {}))
        return [int(agent) for agent in excluded.get(str(Exclusion.EXCLUDED), [])]

    @property
    def excluded_counts(self) -> dict[str, int]:
        """Agents left out by each constraint in the latest decision."""
        if self.latest is None:
            return {}
        decision = self.latest.decision
        counts = {reason: count for reason, count in
                  dict(decision.get("screened_out", {})).items() if count}
        for reason, agents in dict(decision.get("excluded", {})).items():
            counts[reason] = counts.get(reason, 0) + len(agents)
        return counts


def routing_view(uow: UnitOfWork, ticket: Ticket, customer_tier: str,
                 now: datetime) -> RoutingView:
    assert ticket.id is not None
    state = uow.routing.ticket_state(ticket.id)
    latest = uow.routing.decisions(ticket.id, 1, without_modes=BOOKKEEPING)  # who decided
    settings = settings_in(uow)
    rows = uow.routing.agents()
    difficult = uow.routing.difficult_since([r.agent_id for r in rows],
                                            wellbeing_since(settings, now))
    roster = roster_of(rows, difficult, settings, now)
    needs = requirements_for(uow, settings, waiting_of(ticket, customer_tier),
                             state.difficult if state else False, now)
    moment, guard = instant(now), settings.policy.wellbeing
    entries = []
    for row in rows:
        agent_state = roster.states.get(row.agent_id)
        if agent_state is None:
            continue
        reason = first_exclusion(agent_state, needs, moment)
        cost = agent_state.profile.channel_costs.get(needs.channel)
        parts = score_parts(agent_state, needs, cost, moment, settings.policy) \
            if reason is None and cost is not None else None
        if reason is None and needs.difficult and agent_state.guarded(moment, guard):
            reason = Exclusion.WELLBEING
        entries.append(PickerEntry(
            agent_id=row.agent_id, eligible=reason is None,
            reason=_why_not(row.paused, reason),
            score=parts.total if parts else 0.0, skill_fit=parts.skill_fit if parts else 0.0,
            load=row.load, capacity=row.capacity,
            presence="paused" if row.paused else row.presence, languages=row.languages))
    entries.sort(key=lambda e: (not e.eligible, -e.score, e.agent_id))
    return RoutingView(state=state, latest=latest[0] if latest else None, picker=entries)


def _why_not(paused: bool, reason: Exclusion | None) -> str | None:
    if reason is None:
        return None
    if paused:
        return "paused"
    return CUSTOMERS_WISH if reason is Exclusion.EXCLUDED else str(reason)
