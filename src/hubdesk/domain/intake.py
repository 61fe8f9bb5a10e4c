"""What a new contact's triage changes on its ticket, decided from values alone.

Triage proposes; these rules decide what is applied. What the sender or agent chose
explicitly always wins, and an abstaining classifier changes nothing (the ticket goes to human
triage), so a wrong model can never silently misfile work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hubdesk.domain.tickets import Priority
from hubdesk.domain.triage import UNKNOWN_LANGUAGE, TriageResult

MIN_LANGUAGE_CONFIDENCE = 0.5


def ticket_fields_from_triage(result: TriageResult, *, priority_given: bool,
                              category_given: bool) -> dict[str, Any]:
    """The ticket fields to set from ``result``: language, category, priority."""
    fields: dict[str, Any] = {}
    language = result.language
    if language.code != UNKNOWN_LANGUAGE and language.confidence >= MIN_LANGUAGE_CONFIDENCE:
        fields["language"] = language.code
    if not category_given and not result.intent.abstained and result.intent.category:
        fields["category"] = result.intent.category[:120]
    if not priority_given:
        try:
            fields["priority"] = Priority(result.priority.priority)
        except ValueError:
            fields["priority"] = Priority.NORMAL
    return fields


def triage_summary(result: TriageResult) -> dict[str, Any]:
    """What is stored with the message and shown to agents: every verdict with its confidence
    and model version, the personal data found by kind and position, never the text itself."""
    summary = result.to_dict()
    summary.pop("masked_text", None)
    return summary


def event_data(result: TriageResult, applied: dict[str, Any]) -> dict[str, Any]:
    """The audit trail's account of why the ticket was filed as it was."""
    return {
        "applied": {k: (v.value if isinstance(v, Priority) else v) for k, v in applied.items()},
        "model_version": result.intent.model_version,
        "intent_confidence": result.intent.confidence,
        "abstained": result.intent.abstained,
        "priority_reasons": [r.explanation for r in result.priority.reasons],
        "difficult_contact": result.signals.difficult_contact,
        "abusive": result.abuse.abusive,
        "personal_data": sorted({span.entity for span in result.pii}),
    }


def proposed_categories(current: str | None,
                        summaries: Iterable[dict[str, Any] | None]) -> list[str]:
    """The ticket's category, then what triage proposed for its messages, best first: the
    choices an agent confirms or corrects (and the next intent model learns from)."""
    choices: dict[str, None] = {}
    if current:
        choices[current] = None
    for summary in summaries:
        intent = (summary or {}).get("intent") or {}
        for alternative in intent.get("alternatives") or ():
            if alternative and isinstance(alternative[0], str):
                choices.setdefault(alternative[0], None)
    return list(choices)
