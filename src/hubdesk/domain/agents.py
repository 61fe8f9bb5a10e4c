"""The people who work tickets, and the teams and departments they belong to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from hubdesk.domain.errors import Conflict, ValidationFailed


class Role(StrEnum):
    REPRESENTATIVE = "representative"
    TEAM_LEAD = "team_lead"
    COORDINATOR = "coordinator"
    MANAGER = "manager"
    ADMIN = "admin"
    LIAISON = "liaison"  # a department's contact: sees only what was handed to it


# Roles that oversee the whole operation rather than a team's queue.
OVERSEEING_ROLES = frozenset({Role.COORDINATOR, Role.MANAGER, Role.ADMIN})


@dataclass
class Agent:
    id: int | None
    email: str
    name: str
    role: Role = Role.REPRESENTATIVE
    tier: int = 1
    active: bool = True
    team_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)
    languages: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    sensitive_access: bool = False  # may read masked personal data in its original form

    @property
    def oversees_everything(self) -> bool:
        return self.role in OVERSEEING_ROLES


def active_coordinator_ids(agents: Iterable[Agent]) -> list[int]:
    """Whom a step or rule that tells "the coordinators" reaches: the active coordinators
    among ``agents``, in their order."""
    return [a.id for a in agents
            if a.id is not None and a.active and a.role is Role.COORDINATOR]


@dataclass
class Team:
    id: int | None
    name: str
    description: str = ""
    # The IANA zone its workforce planning follows (forecast days, shift templates, the
    # schedule grid, adherence); None: the desk's (HUBDESK_WFM_TIMEZONE).
    time_zone: str | None = None


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def team_time_zone(value: str | None) -> str | None:
    """A team's time zone as given: an IANA name such as Europe/Paris, checked against the
    zone database; blank or None means the desk's."""
    name = (value or "").strip()
    if not name:
        return None
    known = _zone_names()
    try:
        if (known and name not in known) or len(name) > 64:
            raise ZoneInfoNotFoundError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationFailed(f"{name!r} is not a time zone: use an IANA name such as "
                               "Europe/Paris, or leave it empty for the desk's",
                               {"time_zone": "unknown"}) from None
    return name


@dataclass
class Department:
    """A back-office group work is handed to (Billing, Shipping, Tech Support...)."""

    id: int | None
    name: str
    description: str = ""
    email: str | None = None


@dataclass(frozen=True)
class DepartmentReferences:
    """What still refers to a department: while anything does, it cannot be deleted (its
    tickets, handoffs and members would be left pointing at nothing, its rules acting on it)."""

    members: int = 0
    tickets: int = 0
    handoffs: int = 0
    rules: tuple[str, ...] = ()  # the names of the rules that name it

    def described(self) -> list[str]:
        parts = [f"{count} {what}{'' if count == 1 else 's'}" for count, what in (
            (self.members, "member"), (self.tickets, "ticket"), (self.handoffs, "handoff"))
            if count]
        parts += [f"the rule {name!r}" for name in self.rules]
        return parts


def check_may_delete_department(department: Department,
                                references: DepartmentReferences) -> None:
    """Refuse deleting ``department`` while anything refers to it, saying what does."""
    what = references.described()
    if what:
        raise Conflict(f"the department {department.name!r} cannot be deleted: "
                       f"{', '.join(what)} still refer to it. Move or remove them first")
