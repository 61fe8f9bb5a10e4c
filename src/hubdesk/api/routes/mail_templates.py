"""/api/v1/mail/templates: the words of the mail sent to customers (acknowledgement, agent
reply, solved notice), per team or for the whole desk; set by managers and administrators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from starlette.convertors import Convertor, register_url_convertor

from hubdesk.api.deps import AgentDep, AppDep, QueryId
from hubdesk.api.routes.macros import SHOWS_SOMETHING
from hubdesk.api.schemas import Id, Strict, problem_responses
from hubdesk.domain.mail_templates import (
    BODY_PLACEHOLDERS,
    MAX_HTML,
    MAX_SUBJECT,
    MailKind,
    MailTemplate,
)
from hubdesk.domain.rules.templates import MAX_TEMPLATE

router = APIRouter(prefix="/api/v1", tags=["mail"],
                   responses=problem_responses(400, 401, 403, 404, 422))

# One line with something visible on it.
ONE_LINE = "^[^\\r\\n\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\r\\n\\u0000]*$"
_PLACEHOLDERS = "; ".join(f"{kind.value}: " + ", ".join(f"{{{{{p}}}}}" for p in names)
                          for kind, names in BODY_PLACEHOLDERS.items())


class MailTemplateIn(Strict):
    team_id: Id | None = Field(default=None, description="null: the whole desk")
    subject: Annotated[str, Field(min_length=1, max_length=MAX_SUBJECT, pattern=ONE_LINE,
                                  description="the ticket's token [#id] is added when missing")]
    body: Annotated[str, Field(
        min_length=1, max_length=MAX_TEMPLATE, pattern=SHOWS_SOMETHING,
        description=f"plain text, the text part. Placeholders {_PLACEHOLDERS}"
                    " (reply.body not named in a reply's text: the agent's words come first)")]
    html: Annotated[str | None, Field(
        default=None, max_length=MAX_HTML,
        description="the HTML part's body, optional (null or blank: the HTML part is made "
                    "from the text). Sanitised when saved: formatting, absolute links and a "
                    "few inline styles are kept; scripts, event handlers, forms, images and "
                    "javascript: links are removed. Placeholders as in body, in the text "
                    "only (not inside a tag); their values are HTML-escaped")] = None


class MailTemplateOut(BaseModel):
    kind: str
    team_id: int | None
    subject: str
    body: str
    html: str | None = Field(description="the sanitised HTML body; null: made from the text")

    @classmethod
    def of(cls, template: MailTemplate) -> MailTemplateOut:
        return cls(kind=template.kind.value, team_id=template.team_id,
                   subject=template.subject, body=template.body, html=template.html)


class MailTemplatesOut(BaseModel):
    templates: list[MailTemplateOut] = Field(
        description="the desk's and the teams' own templates; a team without one of a kind "
                    "uses the desk's, and the desk without one the built-in template")
    built_in: list[MailTemplateOut]


@router.get("/mail/templates", response_model=MailTemplatesOut)
def list_templates(app: AppDep, agent: AgentDep) -> MailTemplatesOut:
    screen = app.mail_templates.screen(agent)
    return MailTemplatesOut(templates=[MailTemplateOut.of(t) for t in screen.stored],
                            built_in=[MailTemplateOut.of(t) for t in screen.built_in.values()])


class _KindConvertor(Convertor[str]):
    """Any path segment but ``preview``, which is no template to set or reset: PUT or DELETE
    there is a wrong method (405, ``Allow: POST``), not a bad kind; another word is a kind
    the handler refuses naming the kinds there are (422)."""

    regex = "(?!preview$)[^/]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("mail_kind", _KindConvertor())


@router.put("/mail/templates/{kind:mail_kind}", response_model=MailTemplateOut)
def set_template(kind: MailKind, body: MailTemplateIn, app: AppDep,
                 agent: AgentDep) -> MailTemplateOut:
    """Set the team's (or the desk's) template of this kind, replacing the one before."""
    template = MailTemplate(kind, body.subject, body.body, body.team_id, body.html)
    return MailTemplateOut.of(app.mail_templates.set(agent, template))


class PreviewIn(MailTemplateIn):
    kind: MailKind


class PreviewOut(BaseModel):
    subject: str
    text: str
    html: str = Field(description="the whole HTML part, as sent: show it only sandboxed")
    ticket_id: int | None = Field(description="the ticket it was filled from: the team's "
                                              "latest (the desk's, for the desk); null: the "
                                              "built-in sample values")
    template: MailTemplateOut = Field(description="the template as saving would store it "
                                                  "(its HTML sanitised)")


@router.post("/mail/templates/preview", response_model=PreviewOut)
def preview_template(body: PreviewIn, app: AppDep, agent: AgentDep) -> PreviewOut:
    """How the unsaved template reads: checked as saving would check it (422 naming the
    field), nothing stored."""
    preview = app.mail_templates.preview(agent, MailTemplate(
        body.kind, body.subject, body.body, body.team_id, body.html))
    mail = preview.composed
    return PreviewOut(subject=mail.subject, text=mail.text, html=mail.html,
                      ticket_id=preview.ticket_id, template=MailTemplateOut.of(preview.template))


@router.delete("/mail/templates/{kind:mail_kind}", status_code=204, response_class=Response)
def reset_template(kind: MailKind, app: AppDep, agent: AgentDep,
                   team_id: QueryId = None) -> Response:
    """Remove the team's (without ``team_id``: the desk's) own template of this kind: the
    fallback applies again."""
    app.mail_templates.reset(agent, kind, team_id)
    return Response(status_code=204)
