"""The words of the mail Hubdesk sends: acknowledgement, agent reply, solved notice, and what
was left out of a customer's later message (a part too large), each as plain text and as
HTML (escaped here, so nothing a customer wrote becomes markup)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Composed:
    text: str
    html: str


def _html(paragraphs: list[str], footer: str) -> str:
    body = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p)
    return (f"<!doctype html><html><body>{body}"
            f"<p style=\"color:#666;font-size:small\">{escape(footer)}</p></body></html>")


def _footer(ticket_id: int) -> str:
    return f"Ticket #{ticket_id}. Reply to this message to add to it."


def acknowledgement(ticket_id: int, subject: str, name: str,
                    notices: tuple[str, ...] = ()) -> Composed:
    lines = [f"Hello {name},",
             f"we have received your message \"{subject}\" and opened ticket #{ticket_id}. "
             "We will answer as soon as we can."]
    if notices:
        lines.append("Please note: " + "; ".join(notices) + ".")
    footer = _footer(ticket_id)
    return Composed("\n\n".join([*lines, footer]) + "\n", _html(lines, footer))


def reply(ticket_id: int, body: str, agent_name: str | None) -> Composed:
    lines = [body, f"— {agent_name}" if agent_name else ""]
    footer = _footer(ticket_id)
    return Composed("\n\n".join([p for p in lines if p] + [footer]) + "\n",
                    _html(lines, footer))


def solved(ticket_id: int, subject: str, name: str) -> Composed:
    lines = [f"Hello {name},",
             f"your request \"{subject}\" (ticket #{ticket_id}) is marked as solved. If "
             "anything is still open, just reply and it will be reopened."]
    footer = _footer(ticket_id)
    return Composed("\n\n".join([*lines, footer]) + "\n", _html(lines, footer))


def parts_left_out(ticket_id: int, subject: str, name: str,
                   notices: tuple[str, ...]) -> Composed:
    """Said when a customer's message on an open ticket came with parts the desk could not
    keep: their message reached the ticket, but not all of it."""
    lines = [f"Hello {name},",
             f"your message on \"{subject}\" (ticket #{ticket_id}) has been added to it, but "
             "not all of it could be kept: " + "; ".join(notices) + ".",
             "If it mattered, please send it again in a smaller form or as a link."]
    footer = _footer(ticket_id)
    return Composed("\n\n".join([*lines, footer]) + "\n", _html(lines, footer))
