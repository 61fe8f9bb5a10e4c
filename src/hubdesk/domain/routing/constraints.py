"""Hard constraints: the first one an agent fails names why they cannot take a ticket."""

from __future__ import annotations

from enum import StrEnum

from hubdesk.domain.routing.profiles import Presence
from hubdesk.domain.routing.requirements import TicketRequirements
from hubdesk.domain.routing.state import AgentState


class Exclusion(StrEnum):
    """Why an agent was not eligible, in the order the constraints are checked."""

    PRESENCE = "presence"  # not online
    OFF_SHIFT = "off_shift"
    EXCLUDED = "excluded"  # the ticket excludes this agent (e.g. the customer asked)
    TEAM = "team"
    LANGUAGE = "language"
    SKILL = "skill"  # a required skill is missing
    PROFICIENCY = "proficiency"  # the skill is there, below the minimum level
    TIER = "tier"
    CHANNEL = "channel"  # does not take this channel at all
    CAPACITY = "capacity"  # no capacity left for this channel's cost
    WELLBEING = "wellbeing"  # guarded after difficult contacts; used only if no one else is


def first_exclusion(state: AgentState, ticket: TicketRequirements,
                    now: float) -> Exclusion | None:
    """The first hard constraint ``state``'s agent fails for ``ticket``, or None if eligible.

    The wellbeing guard is soft and not checked here (see `Router`).
    """
    profile = state.profile
    if state.presence is not Presence.ONLINE:
        return Exclusion.PRESENCE
    if profile.shift is not None and not profile.shift.covers(now):
        return Exclusion.OFF_SHIFT
    if profile.agent_id in ticket.excluded_agents:
        return Exclusion.EXCLUDED
    if ticket.team is not None and ticket.team not in profile.teams:
        return Exclusion.TEAM
    if ticket.language is not None and ticket.language not in profile.languages:
        return Exclusion.LANGUAGE
    for need in ticket.needs:
        level = profile.skills.get(need.skill)
        if level is None:
            return Exclusion.SKILL
        if level < need.min_level:
            return Exclusion.PROFICIENCY
    if profile.tier < ticket.tier:
        return Exclusion.TIER
    cost = profile.cost_of(ticket.channel)
    if cost is None:
        return Exclusion.CHANNEL
    if state.load + cost > profile.capacity:
        return Exclusion.CAPACITY
    return None
