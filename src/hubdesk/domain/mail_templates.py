"""The words of the mail Hubdesk sends: acknowledgement, agent reply, solved notice, and what
was left out of a customer's later message (a part too large), each as plain text and as
HTML.

The first three come from templates a manager may set per team (the team a support address
routes to: a brand's own words), else for the whole desk, else the built-in ones below. A
template is a subject and a plain text with the placeholders macros use
(`domain/rules/templates.py`), filled by substitution and never evaluated, and optionally an
HTML body. The plain text stays required (it is what clients that show no HTML, and previews
and screen readers that prefer text, read; derived from HTML it reads badly). Without an HTML
body the HTML part is made from the filled text, escaped here. An HTML body arrives sanitised
(the use cases pass it through `html.py` `sanitise_template_html`; the domain imports no
sanitiser), may name placeholders only in its text, never inside a tag, and is filled with
every value HTML-escaped: neither a template nor anything a customer wrote becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from html import escape
from typing import Any

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.mail_rules import bare_subject, reply_subject, with_token
from hubdesk.domain.rules.templates import PLACEHOLDERS, check_template, placeholders_in, render

MAX_SUBJECT = 200
MAX_HTML = 50_000


class MailKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    REPLY = "reply"
    SOLVED = "solved"


_AGENT = ("agent.name", "agent.first_name")
REPLY_BODY = "reply.body"
# The link to the ticket's satisfaction survey (`domain/satisfaction.py`): empty when the desk
# offers none; a solved notice whose template names it nowhere gets it after its text.
SURVEY_URL = "survey.url"
SURVEY_INVITATION = "How did we do? Tell us in one click:"
SUBJECT_PLACEHOLDERS: dict[MailKind, tuple[str, ...]] = {
    MailKind.ACKNOWLEDGEMENT: PLACEHOLDERS,
    MailKind.REPLY: (*PLACEHOLDERS, *_AGENT),
    MailKind.SOLVED: PLACEHOLDERS,
}
BODY_PLACEHOLDERS: dict[MailKind, tuple[str, ...]] = {
    **SUBJECT_PLACEHOLDERS, MailKind.REPLY: (*SUBJECT_PLACEHOLDERS[MailKind.REPLY], REPLY_BODY),
    MailKind.SOLVED: (*SUBJECT_PLACEHOLDERS[MailKind.SOLVED], SURVEY_URL)}


@dataclass(frozen=True)
class MailTemplate:
    """The subject and text of one kind of mail, for one team (``team_id`` None: the desk).
    A reply's text is the frame around the agent's words: they stand where it names
    ``{{ reply.body }}``, or before its text when it names them nowhere (a signature).
    ``html``, when set, is the HTML part's body (a fragment, already sanitised), framed the
    same way; None: the HTML part is made from the text."""

    kind: MailKind
    subject: str
    body: str
    team_id: int | None = None
    html: str | None = None

    def __post_init__(self) -> None:
        subject = self.subject if isinstance(self.subject, str) else ""
        if not subject.strip() or len(subject) > MAX_SUBJECT or "\n" in subject \
                or "\r" in subject:
            raise ValidationFailed(f"subject: a subject is one line of 1 to {MAX_SUBJECT} "
                                   "characters", {"subject": "invalid"})
        object.__setattr__(self, "subject", check_template(
            subject, "subject", SUBJECT_PLACEHOLDERS[self.kind]))
        object.__setattr__(self, "body", check_template(
            self.body, "body", BODY_PLACEHOLDERS[self.kind]))
        object.__setattr__(self, "html", _checked_html(self.html, self.kind))


def _checked_html(html: object, kind: MailKind) -> str | None:
    """None for no HTML body; else the HTML, refused when too long, naming an unknown
    placeholder, or naming one inside a tag (an attribute filled from a customer's name could
    become a link or a style no sanitiser saw)."""
    if html is None or (isinstance(html, str) and not html.strip()):
        return None
    if not isinstance(html, str) or len(html) > MAX_HTML:
        raise ValidationFailed(f"html: an HTML body is at most {MAX_HTML} characters",
                               {"html": "invalid"})
    known = BODY_PLACEHOLDERS[kind]
    for name in placeholders_in(html):
        if name not in known:
            message = (f"unknown placeholder {{{{{name}}}}}; use one of "
                       + ", ".join(f"{{{{{p}}}}}" for p in known))
            raise ValidationFailed(f"html: {message}", {"html": message})
    if _placeholder_in_a_tag(html):
        message = "placeholders may stand in the text only, not inside a tag or its attributes"
        raise ValidationFailed(f"html: {message}", {"html": message})
    return html.strip()


def _placeholder_in_a_tag(html: str) -> bool:
    """Whether a placeholder's braces stand inside a start tag of ``html`` (its name or
    attributes, quoted or not), read in one pass. A tag left open to the end counts as a
    tag, and so does a quote left open inside one: stricter than a browser, never looser.
    (Python's HTML parser took time growing with the square of the text on tags left open:
    "<a " 8,000 times took it 18 seconds, before the author's right to a template was
    checked.)"""
    in_tag, quote = False, ""
    index, length = 0, len(html)
    while index < length:
        char = html[index]
        if quote:
            quote = "" if char == quote else quote
        elif in_tag:
            if char in "\"'":
                quote = char
            elif char == ">":
                in_tag = False
        elif char == "<" and html[index + 1:index + 2].isascii() \
                and html[index + 1:index + 2].isalpha():
            in_tag = True
        if (in_tag or quote) and html.startswith(("{{", "}}"), index):
            return True
        index += 1
    return False


BUILT_IN: dict[MailKind, MailTemplate] = {
    MailKind.ACKNOWLEDGEMENT: MailTemplate(
        MailKind.ACKNOWLEDGEMENT, "Re: {{ ticket.subject }}",
        "Hello {{ customer.name }},\n\nwe have received your message \"{{ ticket.subject }}\" "
        "and opened ticket #{{ ticket.number }}. We will answer as soon as we can."),
    MailKind.REPLY: MailTemplate(
        MailKind.REPLY, "Re: {{ ticket.subject }}", "{{ reply.body }}\n\n— {{ agent.name }}"),
    MailKind.SOLVED: MailTemplate(
        MailKind.SOLVED, "Re: {{ ticket.subject }}",
        "Hello {{ customer.name }},\n\nyour request \"{{ ticket.subject }}\" "
        "(ticket #{{ ticket.number }}) is marked as solved. If anything is still open, just "
        "reply and it will be reopened."),
}


def chosen(kind: MailKind, stored: Mapping[tuple[int | None, MailKind], MailTemplate],
           team_id: int | None) -> MailTemplate:
    """The team's own template, else the desk's, else the built-in one."""
    return (stored.get((team_id, kind)) if team_id is not None else None) \
        or stored.get((None, kind)) or BUILT_IN[kind]


# What the settings screen fills a template with to show how it reads.
SAMPLE_TICKET = 1234
SAMPLE_VALUES: dict[str, Any] = {
    "ticket.id": SAMPLE_TICKET, "ticket.number": SAMPLE_TICKET,
    "ticket.subject": "Printer out of toner", "ticket.status": "open",
    "ticket.priority": "normal", "customer.name": "Ann Example", "customer.first_name": "Ann",
    "agent.name": "Sam Agent", "agent.first_name": "Sam",
    REPLY_BODY: "A new cartridge is on its way; it should arrive tomorrow.",
    SURVEY_URL: "https://help.example.com/survey/1234.1767225600.sample"}


def sample(template: MailTemplate, *, survey: bool = True) -> Composed:
    """``template`` filled with the sample values; ``survey``: whether the desk offers the
    satisfaction survey, whose link a solved notice then shows."""
    values = SAMPLE_VALUES if survey else {**SAMPLE_VALUES, SURVEY_URL: None}
    return compose(template, SAMPLE_TICKET, values)


def may_manage(agent: Agent) -> bool:
    return agent.active and agent.role in (Role.ADMIN, Role.MANAGER)


def check_may_manage(agent: Agent) -> None:
    if not may_manage(agent):
        raise PermissionDenied("the desk's e-mail templates are set by managers and "
                               "administrators")


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def compose(template: MailTemplate, ticket_id: int, values: Mapping[str, Any],
            notices: tuple[str, ...] = ()) -> Composed:
    """``template`` filled for one ticket. A paragraph of nothing but punctuation and
    placeholders that came out empty is left out (the signature of a reply no agent signed);
    notices of parts left out of the customer's message follow the text, and the footer
    saying how to answer ends it."""
    body = template.body
    if template.kind is MailKind.REPLY and REPLY_BODY not in placeholders_in(body):
        body = f"{{{{ {REPLY_BODY} }}}}\n\n{body}"  # a reply's frame names no place: first
    paragraphs = [_fill(p, values) for p in _PARAGRAPHS.split(body)]
    lines = [p for p in paragraphs if p]
    if notices:
        lines.append("Please note: " + "; ".join(notices) + ".")
    invitation = _survey_invitation(template, body, values)
    subject_values = {**values, "ticket.subject": bare_subject(str(
        values.get("ticket.subject") or ""))}
    subject = with_token(" ".join(render(template.subject, subject_values).split())
                         or f"Ticket #{ticket_id}", ticket_id)
    if invitation is not None:
        lines.append(f"{SURVEY_INVITATION} {invitation}")
    composed = _composed(subject, lines, _footer(ticket_id))
    if template.html is None:
        if invitation is None:
            return composed
        return Composed(subject, composed.text,
                        _html(lines[:-1], _footer(ticket_id), _survey_html(invitation)))
    html = _filled_html(template, values, notices, _footer(ticket_id),
                        _survey_html(invitation) if invitation is not None
                        and SURVEY_URL not in placeholders_in(template.html) else "")
    return Composed(subject, composed.text, html)


def _survey_invitation(template: MailTemplate, body: str,
                       values: Mapping[str, Any]) -> str | None:
    """The survey link a solved notice adds after its text: when there is one and the
    template does not place it itself."""
    url = values.get(SURVEY_URL)
    if template.kind is not MailKind.SOLVED or not url or SURVEY_URL in placeholders_in(body):
        return None
    return str(url)


def _survey_html(url: str) -> str:
    return (f"<p>{escape(SURVEY_INVITATION)} "
            f"<a href=\"{escape(url, quote=True)}\">{escape(url)}</a></p>")


def _filled_html(template: MailTemplate, values: Mapping[str, Any],
                 notices: tuple[str, ...], footer: str, after: str = "") -> str:
    """The template's HTML body with every value escaped (line breaks kept as ``<br>``), the
    agent's words first when a reply's HTML names no place for them, then the notices and
    the footer."""
    fragment = template.html or ""
    if template.kind is MailKind.REPLY and REPLY_BODY not in placeholders_in(fragment):
        fragment = f"<div>{{{{ {REPLY_BODY} }}}}</div>\n{fragment}"
    escaped = {name: _as_html(value) for name, value in values.items()}
    notice = (f"<p>{escape('Please note: ' + '; '.join(notices) + '.')}</p>" if notices
              else "")
    return _page(render(fragment, escaped) + notice + after, footer)


def _as_html(value: Any) -> str | None:
    return None if value is None else escape(str(value)).replace("\n", "<br>")


def _fill(paragraph: str, values: Mapping[str, Any]) -> str:
    named = placeholders_in(paragraph)
    filled = render(paragraph, values).strip()
    if named and all(values.get(name) in (None, "") for name in named) \
            and not any(c.isalnum() for c in filled):
        return ""
    return filled


def _composed(subject: str, lines: list[str], footer: str) -> Composed:
    return Composed(subject, "\n\n".join([*lines, footer]) + "\n", _html(lines, footer))


def _html(paragraphs: list[str], footer: str, after: str = "") -> str:
    return _page("".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>"
                         for p in paragraphs if p) + after, footer)


def _page(body: str, footer: str) -> str:
    return (f"<!doctype html><html><body>{body}"
            f"<p style=\"color:#666;font-size:small\">{escape(footer)}</p></body></html>")


def _footer(ticket_id: int) -> str:
    return f"Ticket #{ticket_id}. Reply to this message to add to it."


def parts_left_out(ticket_id: int, subject: str, name: str,
                   notices: tuple[str, ...]) -> Composed:
    """Said when a customer's message on an open ticket came with parts the desk could not
    keep: their message reached the ticket, but not all of it."""
    lines = [f"Hello {name},",
             f"your message on \"{subject}\" (ticket #{ticket_id}) has been added to it, but "
             "not all of it could be kept: " + "; ".join(notices) + ".",
             "If it mattered, please send it again in a smaller form or as a link."]
    return _composed(reply_subject(subject, ticket_id), lines, _footer(ticket_id))
