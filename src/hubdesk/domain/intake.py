"""What a new contact's triage changes on its ticket, decided from values alone.

Triage proposes; these rules decide what is applied. What the sender or agent chose
explicitly always wins, and an abstaining classifier changes nothing (the ticket goes to human
triage), so a wrong model can never silently misfile work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
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
    their words (``None`` when triage is off or failed). ``first_contact``: the sender was
    first seen in this very transaction, so they have no earlier tickets and asked for no
    agent to be kept away (routing need not look)."""

    sender: Customer
    triage: TriageResult | None
    first_contact: bool = False
    body: str | None = None  # the message's text as stored (masked), for rules that read it


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


# --- Card numbers --------------------------------------------------------------------------
# Found here, with the standard library alone, so every stored text can be checked for them
# whether or not the triage tools are loaded (triage's detector finds them the same way).

# Digits with at most one separator between them: a space, a dash, a dot, a non-breaking or
# thin space or a typographic dash, mixed as people type them.
CARD_SEPARATORS = " .\u00a0\u2009\u202f\u2010\u2011\u2012\u2013\u2014-"
_CARD_CANDIDATE = re.compile(rf"(?<![\w.+-])\d(?:[{CARD_SEPARATORS}]?\d){{11,18}}(?!\d)")
_CARD_GROUP = re.compile(r"\d+")
_HAS_DIGIT_RUN = re.compile(r"\d\D?\d\D?\d\D?\d")
MIN_CARD_DIGITS = 12
MAX_CARD_DIGITS = 19


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def card_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where card numbers are in ``text``: Luhn-valid runs of 12 to 19 digits.

    A run may carry more digit groups than the card (a year or a quantity typed after it), so
    when the whole run fails the checksum, its longest valid leading groups are the card.
    """
    for match in _CARD_CANDIDATE.finditer(text):
        groups = [(g.start(), g.end()) for g in _CARD_GROUP.finditer(match.group())]
        for count in range(len(groups), 0, -1):
            end = groups[count - 1][1]
            candidate = match.group()[:end]
            digits = "".join(ch for ch in candidate if ch.isdigit())
            if len(digits) < MIN_CARD_DIGITS:
                break
            if _is_card(candidate, digits, groups[:count]):
                yield match.start(), match.start() + end
                break


def _is_card(candidate: str, digits: str, groups: list[tuple[int, int]]) -> bool:
    # Only a run of one repeated digit is refused: 4111 1111 1111 1111 and its kind pass the
    # checksum and are pasted by real people, so they are masked like any other card.
    if len(digits) > MAX_CARD_DIGITS or len(set(digits)) == 1 or not luhn_valid(digits):
        return False
    sizes = [end - start for start, end in groups]
    # Four dotted groups of at most three digits are an IP address, not a card.
    return not (len(sizes) == 4 and max(sizes) <= 3 and set(candidate) - set("0123456789") == {"."})


def card_placeholder(value: str) -> str:
    """What replaces a card number in stored text: its last four digits only."""
    digits = "".join(ch for ch in value if ch.isdigit())
    return f"[CARD ****{digits[-4:]}]"


def mask_cards(text: str) -> str:
    """``text`` with every card number replaced by its placeholder."""
    if not _HAS_DIGIT_RUN.search(text):
        return text
    pieces: list[str] = []
    cursor = 0
    for start, end in card_spans(text):
        pieces.append(text[cursor:start])
        pieces.append(card_placeholder(text[start:end]))
        cursor = end
    if not pieces:
        return text
    pieces.append(text[cursor:])
    return "".join(pieces)
