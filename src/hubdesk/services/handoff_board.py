"""The handoffs board: each department the reader works in (every one for a coordinator) with
how many of its handoffs are open, in progress, answered and overdue, and its handoffs, the
first due on top, in one read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hubdesk.domain.agents import Agent, Department
from hubdesk.domain.errors import NotFound
from hubdesk.domain.handoffs import HandoffStatus
from hubdesk.domain.permissions import handoff_departments
from hubdesk.services.handoff_views import handoff_views
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.views import HandoffView


@dataclass(frozen=True)
class DepartmentTally:
    open: int = 0
    in_progress: int = 0
    answered: int = 0
    overdue: int = 0  # of those still awaited by the department


@dataclass(frozen=True)
class DepartmentHandoffs:
    department: Department
    tally: DepartmentTally
    views: list[HandoffView] = field(default_factory=list)


@dataclass(frozen=True)
class HandoffBoard:
    sections: list[DepartmentHandoffs]
    # The departments the reader may pick from (the sections show one or all of them).
    departments: list[Department]
    as_of: datetime


def handoff_board(uows: UnitOfWorkFactory, actor: Agent, *, department_id: int | None,
                  statuses: tuple[HandoffStatus, ...], limit: int,
                  now: datetime) -> HandoffBoard:
    allowed = handoff_departments(actor)
    if department_id is not None and allowed is not None and department_id not in allowed:
        raise NotFound(f"department {department_id} has no queue you may see")
    with uows(write=False) as uow:
        departments = sorted((d for d in uow.structure.departments()
                              if d.id is not None and (allowed is None or d.id in allowed)),
                             key=lambda d: d.name.casefold())
        if department_id is not None and department_id not in {d.id for d in departments}:
            raise NotFound(f"department {department_id} has no queue you may see")
        shown = [d for d in departments if department_id in (None, d.id)]
        wanted = frozenset(d.id for d in shown if d.id is not None)
        counts = uow.handoffs.department_counts(wanted, now) if wanted else {}
        handoffs = uow.handoffs.queue(wanted, statuses, limit) if wanted else []
        views = handoff_views(uow, actor, handoffs, now)
    sections = [DepartmentHandoffs(
        department=d, tally=_tally(counts.get(d.id or 0, {})),
        views=[v for v in views if v.handoff.department_id == d.id]) for d in shown]
    return HandoffBoard(sections, departments, now)


def _tally(counts: dict[str, int]) -> DepartmentTally:
    return DepartmentTally(open=counts.get(HandoffStatus.OPEN.value, 0),
                           in_progress=counts.get(HandoffStatus.IN_PROGRESS.value, 0),
                           answered=counts.get(HandoffStatus.ANSWERED.value, 0),
                           overdue=counts.get("overdue", 0))
