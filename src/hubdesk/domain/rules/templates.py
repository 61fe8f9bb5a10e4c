"""Replies with placeholders such as ``{{ customer.first_name }}`` or ``{{ ticket.number }}``:
the replies automation rules post, and the macros agents insert (`domain/macros.py`), which
may also name the agent replying."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hubdesk.domain.errors import ValidationFailed

MAX_TEMPLATE = 10_000
PLACEHOLDERS = ("ticket.id", "ticket.number", "ticket.subject", "ticket.status",
                "ticket.priority", "customer.name", "customer.first_name")
AGENT_PLACEHOLDERS = (*PLACEHOLDERS, "agent.name", "agent.first_name")
# What stands between the braces is read whole and stripped afterwards: spaces matched on
# both sides of a lazy name inside the pattern let the engine try every split of a run of
# spaces, time growing with its cube ("{{" and 2,000 spaces took half a minute, holding the
# whole server process, before a macro's author was even found not to be allowed one).
_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")


def check_template(body: Any, where: str, known: tuple[str, ...] = PLACEHOLDERS) -> str:
    """The template, refused when empty, too long, or naming a placeholder not in ``known``."""
    if not isinstance(body, str) or not body.strip() or len(body) > MAX_TEMPLATE:
        raise ValidationFailed(f"{where}: a reply is a text of 1 to {MAX_TEMPLATE} characters",
                               {where: "invalid text"})
    for name in placeholders_in(body):
        if name not in known:
            message = (f"unknown placeholder {{{{{name}}}}}; use one of "
                       + ", ".join(f"{{{{{p}}}}}" for p in known))
            raise ValidationFailed(f"{where}: {message}", {where: message})
    return body.strip()


def placeholders_in(template: str) -> tuple[str, ...]:
    """The placeholders ``template`` names, in order."""
    return tuple(name.strip() for name in _PLACEHOLDER.findall(template))


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill the placeholders in (unknown values become empty text)."""

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1).strip())
        return "" if value is None else str(value)

    return _PLACEHOLDER.sub(fill, template)


def ticket_values(ticket_id: int, subject: str, status: str, priority: str,
                  customer_name: str | None, agent_name: str | None = None) -> dict[str, Any]:
    """What the placeholders stand for on one ticket."""
    return {"ticket.id": ticket_id, "ticket.number": ticket_id, "ticket.subject": subject,
            "ticket.status": status, "ticket.priority": priority,
            "customer.name": customer_name, "customer.first_name": _first(customer_name),
            "agent.name": agent_name, "agent.first_name": _first(agent_name)}


def _first(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None
