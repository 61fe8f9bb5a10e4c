"""The settings screen for the words of the mail sent to customers (managers and
administrators): the desk's templates and each team's, through the use cases the API calls,
each shown as a customer would read it, the refusal beside its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, PermissionDenied
from hubdesk.domain.mail_templates import (
    BODY_PLACEHOLDERS,
    Composed,
    MailKind,
    MailTemplate,
    chosen,
)
from hubdesk.services.mail_templates import Preview, TemplatesScreen
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash
from hubdesk.web.settings import place_errors, refused

router = APIRouter(include_in_schema=False)

TITLES = {MailKind.ACKNOWLEDGEMENT: "Acknowledgement of a new ticket",
          MailKind.REPLY: "An agent's reply", MailKind.SOLVED: "Solved notice"}


def typed_template(kind: MailKind, form: FormData, team_id: int | None) -> MailTemplate:
    return MailTemplate(kind, str(form.get("subject") or ""), str(form.get("body") or ""),
                        team_id, str(form.get("html") or "") or None)


def _forms(screen: TemplatesScreen, team_id: int | None, failed: MailKind | None,
           form: FormData | None, previewed: Preview | None,
           samples: Callable[[MailTemplate], Composed]) -> list[dict[str, Any]]:
    """Each kind's form: what is typed (after a refusal or a preview), else the scope's own
    template, else the one in effect; and which applies, as a customer would read it (filled
    by ``samples``), or the typed one when it was previewed."""
    stored = {(t.team_id, t.kind): t for t in screen.stored}
    forms = []
    for kind in MailKind:
        own = stored.get((team_id, kind))
        effective = chosen(kind, stored, team_id)
        source = ("set here" if own else "the desk's" if (None, kind) in stored
                  else "built in")
        shown = own or effective
        values = {"subject": shown.subject, "body": shown.body, "html": shown.html or ""}
        typed = previewed.template.kind if previewed is not None else failed
        if kind is typed and form is not None:
            values = {name: str(form.get(name) or "") for name in ("subject", "body", "html")}
        mine = previewed if previewed is not None and previewed.template.kind is kind else None
        forms.append({"kind": kind, "title": TITLES[kind], "own": own is not None,
                      "source": source, "values": values,
                      "preview": mine.composed if mine else samples(effective),
                      "previewed": mine, "placeholders": BODY_PLACEHOLDERS[kind]})
    return forms


async def _page(request: Request, agent: Agent, team_id: int | None, *,
                failed: MailKind | None = None, error: DomainError | None = None,
                form: FormData | None = None, previewed: Preview | None = None) -> Response:
    try:
        screen = await run_in_threadpool(app_of(request).mail_templates.screen, agent)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    teams = {t.id: t.name for t in screen.teams}
    if team_id is not None and team_id not in teams:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"There is no team {team_id}; it may have been removed.")
    return render(request, "settings_mail.html", error.status if error else 200, agent=agent,
                  teams=sorted(screen.teams, key=lambda t: t.name), team_id=team_id,
                  team_name=teams.get(team_id) if team_id else None, failed=failed,
                  forms=_forms(screen, team_id, failed, form, previewed,
                               app_of(request).mail_templates.sample),
                  errors=place_errors(error, ["subject", "body", "html"]) if error else {})


def _back(team_id: int | None) -> Response:
    where = f"?team={team_id}" if team_id is not None else ""
    return RedirectResponse(f"/settings/mail{where}", status_code=303)


@router.get("/settings/mail")
async def templates_page(request: Request, agent: AgentDep) -> Response:
    return await _page(request, agent, whole_number(request.query_params.get("team")))


@router.post("/settings/mail/{kind}")
async def save_template(request: Request, kind: MailKind, form: FormDep,
                        agent: AgentDep) -> Response:
    team_id = whole_number(form.get("team_id"))
    try:
        template = typed_template(kind, form, team_id)
        await run_in_threadpool(app_of(request).mail_templates.set, agent, template)
    except DomainError as error:
        return await _page(request, agent, team_id, failed=kind, error=error, form=form)
    flash(request, "ok", f"{TITLES[kind]} saved.")
    return _back(team_id)


@router.post("/settings/mail/{kind}/preview")
async def preview_template(request: Request, kind: MailKind, form: FormDep,
                           agent: AgentDep) -> Response:
    """The typed template as a customer would read it, nothing saved; refused as saving
    would refuse it."""
    team_id = whole_number(form.get("team_id"))
    try:
        previewed = await run_in_threadpool(app_of(request).mail_templates.preview, agent,
                                            typed_template(kind, form, team_id))
    except DomainError as error:
        return await _page(request, agent, team_id, failed=kind, error=error, form=form)
    return await _page(request, agent, team_id, form=form, previewed=previewed)


@router.post("/settings/mail/{kind}/reset")
async def reset_template(request: Request, kind: MailKind, form: FormDep,
                         agent: AgentDep) -> Response:
    team_id = whole_number(form.get("team_id"))
    try:
        await run_in_threadpool(app_of(request).mail_templates.reset, agent, kind, team_id)
        flash(request, "ok", f"{TITLES[kind]}: the fallback applies again.")
    except DomainError as error:
        flash(request, "error", str(error))
    return _back(team_id)
