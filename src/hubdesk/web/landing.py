"""Where each role starts its day, and which of the console's sections it may use.

A coordinator's first question is how the whole desk is doing (the control room); a
department liaison works only what was handed to their department (its handoff queue); a
representative works their own tickets ("Mine"). What a section allows is decided by the
domain's permission checks, so the header never offers a door the page behind it refuses.
"""

from __future__ import annotations

from hubdesk.domain.agents import OVERSEEING_ROLES, Agent, Role
from hubdesk.domain.errors import PermissionDenied
from hubdesk.domain.permissions import (
    DirectoryKind,
    check_directory_write,
    check_may_open_ticket,
)


def landing(agent: Agent) -> str:
    """The page ``agent`` sees after signing in without asking for a page, and on ``/``."""
    if agent.role in OVERSEEING_ROLES:
        return "/control"
    if agent.role is Role.LIAISON:
        departments = sorted(agent.department_ids)
        return f"/handoffs?department={departments[0]}" if len(departments) == 1 \
            else "/handoffs"
    return "/tickets"  # its first view is "Mine"


def may_open_tickets(agent: Agent) -> bool:
    """Whether the console offers "New ticket" (the use case refuses liaisons)."""
    try:
        check_may_open_ticket(agent)
    except PermissionDenied:
        return False
    return True


def may_manage_agents(agent: Agent) -> bool:
    """Whether the console offers the agents screen (administrators and managers)."""
    try:
        check_directory_write(agent, DirectoryKind.AGENTS)
    except PermissionDenied:
        return False
    return True
