"""Coordinating routing: profiles and capacity, presence and pause, locks, the team board, the
desk's configuration, and why a ticket went where it went. One transaction each; an agent who
comes online or is given room (unpaused, more capacity) is offered waiting work in it."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.permissions import TicketAction, check_admin
from hubdesk.domain.routing import AgentProfile, Presence, Shift, instant
from hubdesk.domain.routing.loads import ChannelLoad, channel_loads
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.routing import offer_waiting
from hubdesk.services.routing_config import channel_costs, parse
from hubdesk.services.routing_records import (
    AgentRoutingRow,
    ProfileChange,
    StoredDecision,
    TicketRoutingState,
)
from hubdesk.services.routing_roster import roster_of, settings_in, wellbeing_since
from hubdesk.services.tickets import load_for

MAX_DECISIONS = 50
BOARD_ROLES = frozenset({Role.TEAM_LEAD, Role.COORDINATOR, Role.MANAGER, Role.ADMIN})


def check_coordinates(actor: Agent, what: str) -> None:
    """Profiles, capacities, pauses and locks are for coordinators, managers and admins."""
    if not actor.oversees_everything:
        raise PermissionDenied(f"{what} is for coordinators, managers and administrators")


@dataclass(frozen=True)
class AgentBoardRow:
    """One line of the coordinator's team board."""

    row: AgentRoutingRow
    difficult_today: int
    difficult_in_window: int
    guarded: bool
    cooldown_due: bool
    # the load by channel, against what the capacity allows of each (`domain/routing/loads.py`)
    channels: tuple[ChannelLoad, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        r = self.row
        return {"agent_id": r.agent_id, "name": r.name, "presence": r.presence,
                "presence_since": r.presence_since, "paused": r.paused, "load": r.load,
                "capacity": r.capacity, "skills": dict(r.skills), "languages": list(r.languages),
                "tier": r.tier, "team_ids": sorted(r.team_ids),
                "channel_costs": dict(r.channel_costs), "shift_starts_at": r.shift_starts_at,
                "shift_ends_at": r.shift_ends_at, "difficult_today": self.difficult_today,
                "difficult_in_window": self.difficult_in_window, "guarded": self.guarded,
                "cooldown_due": self.cooldown_due,
                "channels": [{"channel": c.channel, "tickets": c.tickets, "units": c.units,
                              "cost": c.cost, "most": c.most, "room": c.room}
                             for c in self.channels]}


def _row(uow: UnitOfWork, agent_id: int) -> AgentRoutingRow | None:
    rows = uow.routing.agents(agent_ids=[agent_id])
    return rows[0] if rows else None


def _known_agent(uow: UnitOfWork, agent_id: int) -> Agent:
    agent = uow.agents.get(agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} was not found")
    return agent


def board(uows: UnitOfWorkFactory, actor: Agent, *, now: datetime,
          agent_ids: list[int] | None = None) -> list[AgentBoardRow]:
    """Every agent with a routing profile: presence, load and capacity, skills, tier, and
    wellbeing (difficult contacts today and in the guard's window, guarded, cool-down)."""
    if actor.role not in BOARD_ROLES and agent_ids != [actor.id]:
        raise PermissionDenied("the team board is for team leads, coordinators, managers "
                               "and administrators")
    with uows(write=False) as uow:
        return board_in(uow, now, agent_ids)


def board_in(uow: UnitOfWork, now: datetime,
             agent_ids: list[int] | None = None) -> list[AgentBoardRow]:
    settings = settings_in(uow)
    rows = uow.routing.agents(agent_ids=agent_ids)
    difficult = uow.routing.difficult_since([r.agent_id for r in rows],
                                            wellbeing_since(settings, now))
    roster = roster_of(rows, difficult, settings, now)
    guard, moment = settings.policy.wellbeing, instant(now)
    held = uow.routing.held_by_channel([r.agent_id for r in rows])
    lines = []
    for row in rows:
        state = roster.states.get(row.agent_id)
        if state is None:
            continue
        lines.append(AgentBoardRow(row, state.difficult_count,
                                   state.recent_difficult(moment, guard.window_s),
                                   state.guarded(moment, guard),
                                   state.cooldown_due(moment, guard),
                                   channel_loads(row.capacity, row.load, row.channel_costs,
                                                 held.get(row.agent_id, {}))))
    return lines


def set_presence(uows: UnitOfWorkFactory, actor: Agent, agent_id: int, presence: Presence, *,
                 now: datetime) -> AgentBoardRow:
    """An agent sets their own presence; coordinators set anyone's."""
    if actor.id != agent_id:
        check_coordinates(actor, "setting another agent's presence")
    with uows() as uow:
        _known_agent(uow, agent_id)
        if not uow.routing.set_presence(agent_id, presence.value, now):
            raise NotFound(f"agent {agent_id} has no routing profile yet: a coordinator sets "
                           "their skills and capacity first")
        uow.workforce.record_presence(agent_id, presence.value, now)  # for adherence
        if presence is Presence.ONLINE:  # waiting work is offered at once, not by the sweep
            offer_waiting(uow, agent_id, now)
        line = board_in(uow, now, [agent_id])[0]
        uow.commit()
    return line


def update_profile(uows: UnitOfWorkFactory, actor: Agent, agent_id: int,
                   change: ProfileChange, *, now: datetime) -> AgentBoardRow:
    """Set an agent's skills (known to the desk, levels 1–5), languages, tier, capacity,
    channel costs, shift and pause; every part is validated before anything is written."""
    check_coordinates(actor, "changing routing profiles")
    with uows() as uow:
        agent = _known_agent(uow, agent_id)
        settings = settings_in(uow)
        current = _row(uow, agent_id)
        skills = change.skills if change.skills is not None else (
            dict(current.skills) if current else {})
        settings.skill_map.require_known_all(skills, "skills")
        costs = (channel_costs(change.channel_costs, "channel_costs")
                 if change.channel_costs is not None else
                 dict(current.channel_costs) if current else dict(settings.channel_costs))
        capacity = change.capacity if change.capacity is not None else (
            current.capacity if current else settings.default_capacity)
        shift = _shift(change, current)
        languages = change.languages if change.languages is not None else agent.languages
        tier = change.tier if change.tier is not None else agent.tier
        # The domain's own validation: no skills, levels, tier, negative capacity, costs.
        AgentProfile(agent_id, skills, frozenset(languages), tier, frozenset(), capacity, costs,
                     Shift(instant(shift[0]), instant(shift[1])) if shift else None)
        paused = change.paused if change.paused is not None else (
            current.paused if current else False)
        uow.routing.save_profile(agent_id, skills=skills, channel_costs=costs, tier=tier,
                                 languages=tuple(languages), paused=paused, shift=shift, at=now)
        if not uow.routing.set_capacity(agent_id, capacity):
            held = uow.routing.load(agent_id)
            raise Conflict(f"capacity {capacity} is below the {held[0] if held else 0} units "
                           "in use; lower it once work is finished")
        # Unpaused, more capacity or new skills: what now fits is offered at once.
        offer_waiting(uow, agent_id, now)
        line = board_in(uow, now, [agent_id])[0]
        uow.commit()
    return line


def _shift(change: ProfileChange, current: AgentRoutingRow | None
           ) -> tuple[datetime, datetime] | None:
    if change.clear_shift:
        return None
    starts = change.shift_starts_at or (current.shift_starts_at if current else None)
    ends = change.shift_ends_at or (current.shift_ends_at if current else None)
    if (starts is None) != (ends is None):
        raise ValidationFailed("a shift needs both a start and an end",
                               {"shift": "start or end missing"})
    return (starts, ends) if starts is not None and ends is not None else None


def lock(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int, locked: bool, *,
         now: datetime) -> TicketRoutingState:
    """A locked ticket stays with its assignee: routing never moves it (a person still may)."""
    check_coordinates(actor, "locking an assignment")
    with uows() as uow:
        load_for(uow, actor, ticket_id, TicketAction.ASSIGN)
        state = uow.routing.ticket_state(ticket_id) or TicketRoutingState(ticket_id)
        state.locked = locked
        uow.routing.put_ticket_state(state, now)
        uow.commit()
    return state


def decisions(uows: UnitOfWorkFactory, actor: Agent, ticket_id: int,
              limit: int = MAX_DECISIONS) -> tuple[TicketRoutingState | None,
                                                   list[StoredDecision]]:
    """The ticket's routing state and decisions, newest first, for whoever may see it."""
    with uows(write=False) as uow:
        load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        return uow.routing.ticket_state(ticket_id), uow.routing.decisions(ticket_id, limit)


def config(uows: UnitOfWorkFactory, actor: Agent) -> dict[str, Any]:
    check_coordinates(actor, "reading the routing configuration")
    with uows(write=False) as uow:
        return copy.deepcopy(settings_in(uow).document)  # the remembered one stays as stored


def update_config(uows: UnitOfWorkFactory, actor: Agent, document: dict[str, Any], *,
                  now: datetime) -> dict[str, Any]:
    """Replace the configuration; refused whole, naming the field, if any part is invalid."""
    check_admin(actor, "changing the routing configuration")
    settings = parse(document)
    with uows() as uow:
        uow.routing.save_config(settings.document, now, actor.id)
        uow.commit()
    return settings.document


def unroutable(uows: UnitOfWorkFactory, actor: Agent, limit: int = 200
               ) -> list[TicketRoutingState]:
    """Tickets nobody in the roster could ever serve, with why: for coordinators to act on."""
    if actor.role not in BOARD_ROLES:
        raise PermissionDenied("the unroutable list is for team leads and coordinators")
    with uows(write=False) as uow:
        return uow.routing.unroutable(limit)
