"""The HTML part of a mail template as a document of its own, for the settings' preview frame.

A frame written with `srcdoc` lives under the console's Content-Security-Policy, which allows
no inline styles, so the preview hid the `style` attributes the sanitiser keeps and the sent
mail carries. Served from here, the HTML part has its own policy instead: inline styles and
`data:` images, nothing else (no scripts, no forms, no requests anywhere), sandboxed even when
opened on its own, and framed only by the console itself.
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response

from hubdesk.domain.errors import DomainError
from hubdesk.domain.mail_templates import MailKind, chosen
from hubdesk.web.numbers import whole_number
from hubdesk.web.session import AgentDep, FormDep, app_of
from hubdesk.web.settings_mail import typed_template

router = APIRouter(include_in_schema=False)

PREVIEW_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
        "frame-ancestors 'self'; base-uri 'none'; sandbox"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
    "Cache-Control": "no-store",
}


def document(html: str, status_code: int = 200) -> Response:
    return HTMLResponse(html, status_code=status_code, headers=PREVIEW_HEADERS)


def _refusal(error: DomainError) -> Response:
    return document(f"<!doctype html><html><body><p>{escape(str(error))}</p></body></html>",
                    error.status)


@router.get("/settings/mail/{kind}/document")
async def stored_document(request: Request, kind: MailKind, agent: AgentDep) -> Response:
    """The HTML part of the template in use for `?team=` (else the desk), with example
    values: what the settings screen shows until a typed template is previewed."""
    team_id = whole_number(request.query_params.get("team"))
    try:
        screen = await run_in_threadpool(app_of(request).mail_templates.screen, agent)
    except DomainError as error:
        return _refusal(error)
    stored = {(t.team_id, t.kind): t for t in screen.stored}
    template = chosen(kind, stored, team_id)
    return document(app_of(request).mail_templates.sample(template).html)


@router.post("/settings/mail/{kind}/preview/document")
async def previewed_document(request: Request, kind: MailKind, form: FormDep,
                             agent: AgentDep) -> Response:
    """The HTML part of the typed template, nothing saved, filled as the settings screen's
    Preview fills it; refused as saving would refuse it."""
    try:
        template = typed_template(kind, form, whole_number(form.get("team_id")))
        previewed = await run_in_threadpool(app_of(request).mail_templates.preview, agent,
                                            template)
    except DomainError as error:
        return _refusal(error)
    return document(previewed.composed.html)
