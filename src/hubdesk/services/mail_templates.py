"""The desk's mail templates: set per team or for the whole desk by managers and
administrators; what is not set falls back to the desk's, then to the built-in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.mail_templates import (
    BUILT_IN,
    MailKind,
    MailTemplate,
    check_may_manage,
)
from hubdesk.html import sanitise_template_html
from hubdesk.services.ports import UnitOfWorkFactory


@dataclass(frozen=True)
class TemplatesScreen:
    """What the settings screen shows: every stored template, the built-in ones they
    replace, and the teams a template may be set for."""

    stored: list[MailTemplate]
    built_in: dict[MailKind, MailTemplate]
    teams: list[Team]


def templates_screen(uows: UnitOfWorkFactory, actor: Agent) -> TemplatesScreen:
    check_may_manage(actor)
    with uows(write=False) as uow:
        return TemplatesScreen(uow.mail_templates.all(), dict(BUILT_IN),
                               uow.structure.teams())


def set_template(uows: UnitOfWorkFactory, actor: Agent, template: MailTemplate, *,
                 now: datetime) -> MailTemplate:
    """Store ``template`` for its team (or the desk), replacing the one set before."""
    check_may_manage(actor)
    template = sanitised(template)
    with uows() as uow:
        if template.team_id is not None and not uow.structure.team_exists(template.team_id):
            raise ValidationFailed(f"team {template.team_id} does not exist",
                                   {"team_id": "unknown"})
        uow.mail_templates.save(template, now)
        uow.commit()
    return template


def sanitised(template: MailTemplate) -> MailTemplate:
    """``template`` with its HTML body sanitised (`html.py`), checked again as the domain
    checks every template; refused when sanitising leaves nothing of it."""
    if template.html is None:
        return template
    clean = sanitise_template_html(template.html)
    if not clean.strip():
        raise ValidationFailed("html: nothing is left of the HTML once scripts, images and "
                               "other unsafe parts are removed", {"html": "nothing left"})
    return replace(template, html=clean)


def reset_template(uows: UnitOfWorkFactory, actor: Agent, kind: MailKind,
                   team_id: int | None) -> None:
    """Forget the team's (or the desk's) own template of ``kind``: the fallback applies."""
    check_may_manage(actor)
    with uows() as uow:
        if not uow.mail_templates.delete(kind, team_id):
            whose = f"team {team_id}" if team_id is not None else "the desk"
            raise NotFound(f"{whose} has no {kind.value} template of its own")
        uow.commit()


class MailTemplateUseCases:
    """``app.mail_templates``: the words of the mail sent to customers."""

    def __init__(self, uows: UnitOfWorkFactory, clock: Callable[[], datetime]) -> None:
        self._uows, self._clock = uows, clock

    def screen(self, actor: Agent) -> TemplatesScreen:
        return templates_screen(self._uows, actor)

    def set(self, actor: Agent, template: MailTemplate, *,
            now: datetime | None = None) -> MailTemplate:
        return set_template(self._uows, actor, template, now=now or self._clock())

    def reset(self, actor: Agent, kind: MailKind, team_id: int | None) -> None:
        reset_template(self._uows, actor, kind, team_id)
