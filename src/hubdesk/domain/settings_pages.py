"""The settings pages an agent may open, asked of the rules each page's use cases enforce,
so the console's tabs never offer a page that would refuse."""

from __future__ import annotations

from collections.abc import Callable

from hubdesk.domain import mail_templates
from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.permissions import may_manage_sla


def _anyone(agent: Agent) -> bool:
    return True


def _administrator(agent: Agent) -> bool:
    return agent.role is Role.ADMIN


_PAGES: tuple[tuple[str, str, Callable[[Agent], bool]], ...] = (
    ("/settings/teams", "Teams", _anyone),
    ("/settings/agents", "Agents", _anyone),
    ("/settings/departments", "Departments", _administrator),
    ("/settings/calendars", "Calendars", may_manage_sla),
    ("/settings/sla", "SLA policies", may_manage_sla),
    ("/settings/routing", "Routing", _anyone),
    ("/settings/mail", "E-mail", mail_templates.may_manage),
)


def settings_pages(agent: Agent) -> list[tuple[str, str]]:
    """(path, title) of each settings page ``agent`` may open, in the tabs' order."""
    return [(path, title) for path, title, may_open in _PAGES if may_open(agent)]
