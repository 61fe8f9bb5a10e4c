"""From stored rows to the routing domain: agents' profiles and live states, tickets' needs.

Only what a decision needs is read: the roster of a push decision holds the online, unpaused
agents with units to spare (`RoutingRepository.agents(available_only=True)`), never every
agent with every ticket. Wellbeing is counted from the stored decisions of the day.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing import (
    PRIORITY_RANK,
    AgentProfile,
    Presence,
    Roster,
    Shift,
    TicketRequirements,
    instant,
)
from hubdesk.domain.triage import UNKNOWN_LANGUAGE
from hubdesk.services.ports import UnitOfWork
from hubdesk.services.routing_config import DEFAULT_SETTINGS, RoutingSettings, parse
from hubdesk.services.routing_records import AgentRoutingRow, WaitingTicket

log = logging.getLogger("hubdesk.routing")


def settings_in(uow: UnitOfWork) -> RoutingSettings:
    """The routing configuration as stored, remembered while it is unchanged (it is parsed
    and validated once per change of it, not once per ticket)."""
    def load() -> RoutingSettings:
        document = uow.routing.config()
        return parse(document) if document is not None else DEFAULT_SETTINGS

    return uow.settings.remembered("routing", load)


def desk_routes(uow: UnitOfWork) -> bool:
    """Whether anyone has a routing profile, remembered with the settings: a desk that
    assigns by hand asks nothing of routing for each new ticket."""
    return uow.settings.remembered("routing.profiles", uow.routing.anyone_routes)


def profile_of(row: AgentRoutingRow) -> AgentProfile:
    shift = None
    if row.shift_starts_at is not None and row.shift_ends_at is not None:
        shift = Shift(instant(row.shift_starts_at), instant(row.shift_ends_at))
    return AgentProfile(row.agent_id, dict(row.skills), frozenset(row.languages), row.tier,
                        frozenset(str(team) for team in row.team_ids), row.capacity,
                        dict(row.channel_costs), shift)


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def wellbeing_since(settings: RoutingSettings, now: datetime) -> datetime:
    """From when difficult contacts count: the day, or the guard's window if longer."""
    window = now - timedelta(seconds=settings.policy.wellbeing.window_s)
    return min(day_start(now), window)


def roster_of(rows: Iterable[AgentRoutingRow], difficult: dict[int, list[datetime]],
              settings: RoutingSettings, now: datetime) -> Roster:
    """A roster with each agent's presence, units in use and difficult contacts.

    A paused agent counts as away. A profile the desk's rules no longer accept (say, a tier
    out of range after a manual database edit) is left out and logged, never fatal."""
    roster = Roster()
    today = instant(day_start(now))
    window_start = instant(now) - settings.policy.wellbeing.window_s
    for row in rows:
        try:
            profile = profile_of(row)
        except ValidationFailed:
            log.warning("routing profile not usable", extra={"fields": {"agent": row.agent_id}})
            continue
        state = roster.add(profile, Presence.OFFLINE)
        state.load = row.load
        state.last_assigned_at = (instant(row.last_assigned_at)
                                  if row.last_assigned_at is not None else None)
        times = [instant(at) for at in difficult.get(row.agent_id, ())]
        state.difficult_times = deque(at for at in times if at > window_start)
        state.difficult_count = sum(1 for at in times if at >= today)
        if row.active and not row.paused:
            roster.set_presence(row.agent_id, Presence(row.presence))
    return roster


def available_roster(uow: UnitOfWork, settings: RoutingSettings, now: datetime,
                     agent_ids: Iterable[int] | None = None) -> Roster:
    rows = uow.routing.agents(available_only=True, agent_ids=agent_ids)
    difficult = uow.routing.difficult_since([r.agent_id for r in rows],
                                            wellbeing_since(settings, now))
    return roster_of(rows, difficult, settings, now)


def full_roster(uow: UnitOfWork, settings: RoutingSettings, now: datetime) -> Roster:
    """Everyone with a profile, whatever their presence: who could *ever* serve a ticket."""
    return roster_of(uow.routing.agents(), {}, settings, now)


def requirements_for(uow: UnitOfWork, settings: RoutingSettings, ticket: WaitingTicket,
                     difficult: bool, now: datetime, *, with_previous: bool = True,
                     excluded: frozenset[int] | None = None) -> TicketRequirements:
    """A ticket's needs: its category's skills and tier (at least the tier it was escalated
    to), its language, channel, team, its answer clock's deadline, priority, the customer's
    tier as VIP level, the difficult flag, the agents the customer asked not to be served by
    again (one query, unless read for many tickets at once and given as ``excluded``), the
    previous agent (one query; left out without ``with_previous``, as
    who may serve does not depend on it); and the relaxation steps its wait has earned, each
    one recorded."""
    language = ticket.language if ticket.language not in (None, "", UNKNOWN_LANGUAGE) else None
    previous = uow.routing.previous_agent(ticket.requester_id, ticket.ticket_id) \
        if with_previous else None
    if excluded is None:
        excluded = uow.exclusions.agent_ids([ticket.requester_id]).get(ticket.requester_id,
                                                                       frozenset())
    needs = settings.skill_map.requirements(
        ticket.ticket_id, ticket.category, ticket.channel, instant(ticket.created_at),
        tier=max(settings.skill_map.rule_for(ticket.category).tier, ticket.tier),
        language=language, priority=PRIORITY_RANK.get(ticket.priority, 1),
        vip=settings.vip_levels.get(ticket.customer_tier, 0), difficult=difficult,
        team=str(ticket.team_id) if ticket.team_id is not None else None,
        sla_due=instant(ticket.answer_due) if ticket.answer_due is not None else math.inf,
        excluded_agents=excluded,
        previous_agent=previous[0] if previous else None,
        previous_served_at=instant(previous[1]) if previous else None)
    policy = settings.policy
    return policy.relaxed(needs, policy.steps_due(instant(now) - needs.arrived_at))
