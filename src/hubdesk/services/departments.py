"""Departments with their OLAs, as the console's departments screen manages them
(administrators): a department and its OLA are saved in one transaction, through the same
steps the API's department and OLA use cases take, so a refused OLA leaves the department
as it was, and a refused name leaves the OLA as it was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import (
    Agent,
    Department,
    DepartmentReferences,
    check_may_delete_department,
)
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import IdentityKind, normalise_identity
from hubdesk.domain.errors import NotFound
from hubdesk.domain.handoffs import Ola
from hubdesk.domain.permissions import (
    DirectoryKind,
    check_directory_read,
    check_directory_write,
    check_may_configure_olas,
)
from hubdesk.domain.sla import NamedCalendar
from hubdesk.services.directory import group_name, unique_name
from hubdesk.services.handoffs import OlaInput, ola_of, set_ola_on
from hubdesk.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class DepartmentsScreen:
    """Every department with its OLA (if any), the stored calendars an OLA may run on, and
    the agents who may lead a department."""

    departments: list[Department]
    olas: dict[int, Ola]
    calendars: list[NamedCalendar]
    agents: list[Agent]

    def agent_names(self) -> dict[int, str]:
        return {a.id: a.name for a in self.agents if a.id is not None}


def departments_screen(uows: UnitOfWorkFactory, actor: Agent) -> DepartmentsScreen:
    check_directory_read(actor, DirectoryKind.DEPARTMENTS)
    check_may_configure_olas(actor)
    with uows(write=False) as uow:
        return DepartmentsScreen(uow.structure.departments(), uow.handoffs.olas(),
                                 uow.sla.calendars(), uow.agents.all())


def save_department(uows: UnitOfWorkFactory, actor: Agent, department: Department,
                    ola: OlaInput | None, *, now: datetime | None = None) -> Department:
    """Add ``department`` (no id) or replace the stored one's name, description and e-mail,
    and set its OLA (None: no OLA, so its handoffs have no deadline); open handoffs keep
    the deadlines they were given."""
    check_directory_write(actor, DirectoryKind.DEPARTMENTS)
    check_may_configure_olas(actor)
    built = ola_of(ola)
    name = group_name("department", department.name)
    saved = Department(id=department.id, name=name, description=department.description,
                       email=normalise_identity(IdentityKind.EMAIL, department.email)
                       if department.email else None)
    with unique_name("department", name), uows() as uow:
        if saved.id is None:
            uow.structure.add_department(saved)
        elif uow.structure.get_department(saved.id) is None:
            raise NotFound(f"department {saved.id} was not found")
        else:
            uow.structure.save_department(saved)
        assert saved.id is not None
        set_ola_on(uow, saved.id, built, now or utcnow())
        uow.commit()
    return saved


def delete_department(uows: UnitOfWorkFactory, actor: Agent, department_id: int) -> None:
    """Delete a department (administrators) with its OLA, when nothing else refers to it:
    no member, ticket, handoff or rule. Otherwise a `Conflict` says what still does, and
    nothing changes."""
    check_directory_write(actor, DirectoryKind.DEPARTMENTS)
    with uows() as uow:
        department = uow.structure.get_department(department_id)
        if department is None:
            raise NotFound(f"department {department_id} was not found")
        members, tickets, handoffs = uow.structure.department_references(department_id)
        rules = tuple(rule.name for rule in uow.rules.all()
                      if rule.names_department(department_id))
        check_may_delete_department(department, DepartmentReferences(
            members=members, tickets=tickets, handoffs=handoffs, rules=rules))
        uow.structure.delete_department(department_id)
        uow.commit()
