"""The desk's mail templates: set per team or for the whole desk by managers and
administrators; what is not set falls back to the desk's, then to the built-in words."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.events import ActorKind
from hubdesk.domain.mail_templates import (
    BUILT_IN,
    REPLY_BODY,
    SAMPLE_VALUES,
    SURVEY_URL,
    Composed,
    MailKind,
    MailTemplate,
    check_may_manage,
    compose,
    sample,
)
from hubdesk.domain.rules.templates import ticket_values
from hubdesk.html import sanitise_template_html
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory


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
        _check_team(uow, template)
        uow.mail_templates.save(template, now)
        uow.commit()
    return template


def _check_team(uow: UnitOfWork, template: MailTemplate) -> None:
    if template.team_id is not None and not uow.structure.team_exists(template.team_id):
        raise ValidationFailed(f"team {template.team_id} does not exist",
                               {"team_id": "unknown"})


@dataclass(frozen=True)
class Preview:
    """An unsaved template as a customer would read it, filled from ``ticket_id`` (the team's
    latest ticket, or the desk's) or, with none, from the built-in sample values."""

    template: MailTemplate
    composed: Composed
    ticket_id: int | None


def preview_template(uows: UnitOfWorkFactory, actor: Agent, template: MailTemplate, *,
                     survey: bool = True) -> Preview:
    """``template`` checked and sanitised as saving would, then filled without storing it:
    from the team's latest ticket (its customer, and for a reply the latest public answer on
    it and who wrote it) when there is one, else from the sample values; a sample survey
    link when the desk offers the survey (``survey``)."""
    check_may_manage(actor)
    template = sanitised(template)
    with uows(write=False) as uow:
        _check_team(uow, template)
        ticket_id = uow.mail_templates.recent_ticket(template.team_id)
        ticket = uow.tickets.get(ticket_id) if ticket_id is not None else None
        requester = uow.customers.get(ticket.requester_id) if ticket is not None else None
        if ticket is None or ticket.id is None or requester is None:
            return Preview(template, sample(template, survey=survey), None)
        agent_name, words = _latest_answer(uow, ticket.id) \
            if template.kind is MailKind.REPLY else (None, None)
    values = {**ticket_values(ticket.id, ticket.subject, ticket.status.value,
                              ticket.priority.value, requester.name, agent_name or actor.name),
              REPLY_BODY: words or SAMPLE_VALUES[REPLY_BODY],
              SURVEY_URL: SAMPLE_VALUES[SURVEY_URL] if survey else None}
    return Preview(template, compose(template, ticket.id, values), ticket.id)


def _latest_answer(uow: UnitOfWork, ticket_id: int) -> tuple[str | None, str | None]:
    """Who wrote the ticket's latest public answer, and its words."""
    answers = [m for m in uow.tickets.messages(ticket_id)
               if m.public and m.author.kind is ActorKind.AGENT and m.author.id is not None]
    if not answers:
        return None, None
    author = answers[-1].author.id
    assert author is not None
    return uow.agents.names([author]).get(author), answers[-1].body


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

    def __init__(self, uows: UnitOfWorkFactory, clock: Callable[[], datetime], *,
                 survey: bool = False) -> None:
        self._uows, self._clock = uows, clock
        self._survey = survey  # the desk offers the satisfaction survey: notices link to it

    def screen(self, actor: Agent) -> TemplatesScreen:
        return templates_screen(self._uows, actor)

    def set(self, actor: Agent, template: MailTemplate, *,
            now: datetime | None = None) -> MailTemplate:
        return set_template(self._uows, actor, template, now=now or self._clock())

    def preview(self, actor: Agent, template: MailTemplate) -> Preview:
        return preview_template(self._uows, actor, template, survey=self._survey)

    def sample(self, template: MailTemplate) -> Composed:
        """``template`` filled with the sample values, as this desk would send it."""
        return sample(template, survey=self._survey)

    def reset(self, actor: Agent, kind: MailKind, team_id: int | None) -> None:
        reset_template(self._uows, actor, kind, team_id)
