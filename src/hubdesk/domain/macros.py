"""Macros: canned replies an agent inserts into the reply box and edits before sending.

A macro has a name, a reply with placeholders (`domain/rules/templates.py`: the ticket, the
customer and the agent replying), and what sending it may also do: set the status the reply
leaves the ticket in (pending on the customer, or solved) and add tags. A macro belongs to the
whole desk or to one team; an agent sees the desk's and their teams' macros.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.rules.templates import AGENT_PLACEHOLDERS, check_template, render
from hubdesk.domain.tickets import Status, normalise_tags

MAX_NAME = 200
THEN_STATUSES = (Status.PENDING, Status.SOLVED)


@dataclass(frozen=True)
class Macro:
    id: int | None
    name: str
    body: str
    team_id: int | None = None  # None: the whole desk
    then_status: Status | None = None
    add_tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip() \
                or len(self.name) > MAX_NAME:
            raise ValidationFailed(f"a macro's name is 1 to {MAX_NAME} characters",
                                   {"name": "invalid"})
        object.__setattr__(self, "name", self.name.strip())
        object.__setattr__(self, "body", check_template(self.body, "body", AGENT_PLACEHOLDERS))
        if self.then_status is not None and self.then_status not in THEN_STATUSES:
            raise ValidationFailed("a macro may leave the ticket pending or solved",
                                   {"then_status": "not pending or solved"})
        # As on tickets, a tag holds no spaces: the words of one given with them are joined.
        object.__setattr__(self, "add_tags", normalise_tags(
            ["-".join(tag.split()) for tag in self.add_tags]))

    def fill(self, values: dict[str, Any]) -> str:
        return render(self.body, values)


def visible_to(agent: Agent, macro: Macro) -> bool:
    return macro.team_id is None or agent.oversees_everything or macro.team_id in agent.team_ids


def may_manage(agent: Agent, team_id: int | None) -> bool:
    """Administrators and managers manage every macro; a team lead their teams' macros."""
    if agent.role in (Role.ADMIN, Role.MANAGER):
        return True
    return agent.role is Role.TEAM_LEAD and team_id is not None and team_id in agent.team_ids


def check_may_manage(agent: Agent, team_id: int | None) -> None:
    if may_manage(agent, team_id):
        return
    raise PermissionDenied("macros are managed by administrators and managers, and by team "
                           "leads for their own teams")
