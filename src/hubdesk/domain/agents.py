"""The people who work tickets, and the teams and departments they belong to."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


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


@dataclass
class Team:
    id: int | None
    name: str
    description: str = ""


@dataclass
class Department:
    """A back-office group work is handed to (Billing, Shipping, Tech Support...)."""

    id: int | None
    name: str
    description: str = ""
    email: str | None = None
