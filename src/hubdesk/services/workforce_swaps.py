"""Which shifts an agent may offer to swap one of theirs with: another active agent's shifts
in the same published week as theirs, the ones `services/workforce.py` `request_change`
accepts as a swap. Whether the swap keeps the contract rules is judged when it is approved,
on the week as it is then. The API answers them per shift (`swap_options`); the console's
own schedule lists them for each of the agent's shifts (`options_of`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import NotFound, PermissionDenied
from hubdesk.domain.schedules import PlannedShift, ScheduleStatus, TeamWeek
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True)
class SwapOptions:
    shift: PlannedShift  # the caller's own
    options: list[PlannedShift]  # by start, then agent
    names: dict[int, str]  # of the agents in ``options``


def options_in(week: TeamWeek, own: PlannedShift, active: set[int]) -> list[PlannedShift]:
    """The shifts of ``week`` that ``own`` may be swapped with: those of other agents among
    ``active``, by start, then agent."""
    return sorted((s for s in week.shifts if s.agent_id != own.agent_id and s.agent_id in active),
                  key=lambda s: (s.starts_at, s.agent_id, s.id or 0))


def active_agents(uow: UnitOfWork) -> set[int]:
    return {a.id for a in uow.agents.all() if a.active and a.id is not None}


def swap_options(uows: UnitOfWorkFactory, actor: Agent, shift_id: int) -> SwapOptions:
    """The shifts the caller may ask to swap their published shift ``shift_id`` with; a
    shift that is not theirs, or not published, is not found."""
    if actor.id is None:
        raise PermissionDenied("only a desk member has a schedule")
    with uows(write=False) as uow:
        schedule_id = uow.workforce.shift_schedule(shift_id)
        week = uow.workforce.get(schedule_id) if schedule_id is not None else None
        own = next((s for s in week.shifts if s.id == shift_id), None) if week else None
        if week is None or week.status is not ScheduleStatus.PUBLISHED or own is None \
                or own.agent_id != actor.id:
            raise NotFound(f"shift {shift_id} is not one of your published shifts")
        options = options_in(week, own, active_agents(uow))
        return SwapOptions(own, options, uow.agents.names({s.agent_id for s in options}))


def options_of(uow: UnitOfWork, own: Iterable[PlannedShift], active: set[int]
               ) -> dict[int, list[PlannedShift]]:
    """Each of an agent's published shifts (by id) with its swap options, reading each week
    once."""
    own = [s for s in own if s.id is not None]
    schedules = uow.workforce.shift_schedules([s.id for s in own if s.id is not None])
    weeks = {i: uow.workforce.get(i) for i in sorted(set(schedules.values()))}
    found = {}
    for shift in own:
        week = weeks.get(schedules.get(shift.id or 0, 0))
        if week is not None and week.status is ScheduleStatus.PUBLISHED and shift.id:
            found[shift.id] = options_in(week, shift, active)
    return found
