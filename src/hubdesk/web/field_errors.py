"""A refusal shown where it belongs: beside each field of the form it names, and once above
the form as a summary a screen reader meets first."""

from __future__ import annotations

from collections.abc import Mapping

from hubdesk.domain.errors import DomainError, ValidationFailed

SUMMARY = ""


def beside(error: DomainError | None, ids: Mapping[str, str]) -> dict[str, str]:
    """The error's message under the page id of each field it names (``ids`` maps the use
    case's field names to the ids of the form's fields), and under ``SUMMARY`` always."""
    if error is None:
        return {}
    message = str(error)
    named = error.fields if isinstance(error, ValidationFailed) else {}
    return {SUMMARY: message, **{ids[name]: message for name in named if name in ids}}
