"""What a new contact's triage changes on its ticket, decided from values alone.

Triage proposes; these rules decide what is applied. What the sender or agent chose
explicitly always wins, and an abstaining classifier changes nothing (the ticket goes to human
triage), so a wrong model can never silently misfile work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from hubdesk.domain.customers import Customer
from hubdesk.domain.tickets import Priority
from hubdesk.domain.triage import (
    UNKNOWN_LANGUAGE,
    PriorityReason,
    PrioritySuggestion,
    TriageResult,
)

MIN_LANGUAGE_CONFIDENCE = 0.5
# How much a customer's tier raises the suggested priority.
DEFAULT_TIER_WEIGHTS: Mapping[str, int] = {"vip": 2, "enterprise": 2, "premium": 1, "gold": 1}
# A score at or above each bound gives that priority; below the last bound is "low".
PRIORITY_BOUNDS: tuple[tuple[int, str], ...] = ((6, "urgent"), (3, "high"), (0, "normal"))


@dataclass(frozen=True)
class Arrival:
    """What intake knows when a customer's contact is handled: who wrote, and how triage read
    their words (``None`` when triage is off or failed)."""

    sender: Customer
    triage: TriageResult | None


def priority_for(score: int) -> str:
    for bound, priority in PRIORITY_BOUNDS:
        if score >= bound:
            return priority
    return "low"


def tier_reasons(customer_tier: str | None,
                 weights: Mapping[str, int] = DEFAULT_TIER_WEIGHTS) -> list[PriorityReason]:
    tier = (customer_tier or "").lower()
    if tier not in weights:
        return []
    return [PriorityReason(f"tier:{tier}", f"{tier} customer", weights[tier])]


def weigh_customer_tier(result: TriageResult, customer_tier: str | None,
                        weights: Mapping[str, int] = DEFAULT_TIER_WEIGHTS) -> TriageResult:
    """``result`` with the sender's tier added to its priority suggestion.

    Triage reads a message once, before the sender is resolved (its CPU time must never hold a
    database lock); the tier is a value known afterwards, so adding it is arithmetic here, not
    a second pass through triage.
    """
    suggestion = result.priority
    added = tier_reasons(customer_tier, weights)
    if not added or any(r.rule.startswith("tier:") for r in suggestion.reasons):
        return result
    score = suggestion.score + sum(reason.weight for reason in added)
    return replace(result, priority=PrioritySuggestion(priority_for(score), score,
                                                       suggestion.reasons + tuple(added)))


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
