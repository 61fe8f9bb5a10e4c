"""Macro replies: a stored public reply with simple placeholders such as
``{{ customer.name }}`` or ``{{ ticket.id }}``, filled in when the rule fires."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hubdesk.domain.errors import ValidationFailed

MAX_TEMPLATE = 10_000
PLACEHOLDERS = ("ticket.id", "ticket.subject", "ticket.status", "ticket.priority",
                "customer.name")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def check_template(body: Any, where: str) -> str:
    """The template, refused when empty, too long, or naming an unknown placeholder."""
    if not isinstance(body, str) or not body.strip() or len(body) > MAX_TEMPLATE:
        raise ValidationFailed(f"{where}: a reply is a text of 1 to {MAX_TEMPLATE} characters",
                               {where: "invalid text"})
    for name in _PLACEHOLDER.findall(body):
        if name not in PLACEHOLDERS:
            message = (f"unknown placeholder {{{{{name}}}}}; use one of "
                       + ", ".join(f"{{{{{p}}}}}" for p in PLACEHOLDERS))
            raise ValidationFailed(f"{where}: {message}", {where: message})
    return body.strip()


def render(template: str, values: Mapping[str, Any]) -> str:
    """Fill the placeholders in (unknown values become empty text)."""

    def fill(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return "" if value is None else str(value)

    return _PLACEHOLDER.sub(fill, template)
