"""Which shifts an agent may offer to swap one of theirs with: another active agent's shifts
in the same published week as theirs, the ones `services/workforce.py` `request_change`
accepts as a swap. Whether the swap keeps the contract rules is judged when it is approved,
on the week as it is then."""

from __future__ import annotations

from dataclasses import dataclass

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import NotFound, PermissionDenied
from hubdesk.domain.schedules import PlannedShift, ScheduleStatus
from hubdesk.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class SwapOptions:
    shift: PlannedShift  # the caller's own
    options: list[PlannedShift]  # by start, then agent
    names: dict[int, str]  # of the agents in ``options``


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
        others = {s.agent_id for s in week.shifts} - {actor.id}
        active = {a.id for a in uow.agents.all() if a.active and a.id in others}
        options = sorted((s for s in week.shifts if s.agent_id in active),
                         key=lambda s: (s.starts_at, s.agent_id, s.id or 0))
        return SwapOptions(own, options, uow.agents.names(active))

