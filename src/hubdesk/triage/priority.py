"""A suggested priority, with every reason that raised or lowered it.

The suggestion is a sum of small, named contributions (intent, anger, urgency, customer tier,
keywords such as "outage" or "charged twice"), so the console can show why a ticket arrived as
urgent and a coordinator can disagree with one reason rather than with a black box.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from hubdesk.domain.intake import DEFAULT_TIER_WEIGHTS, priority_for, tier_reasons
from hubdesk.domain.triage import (
    AbuseVerdict,
    IntentPrediction,
    PriorityReason,
    PrioritySuggestion,
    SentimentSignals,
)
from hubdesk.triage.cues import CuedPattern

DEFAULT_KEYWORDS: tuple[tuple[str, str, int], ...] = (
    # (pattern, what the console says, weight)
    (r"\b(outage|is\s+down|are\s+down|not\s+loading|service\s+unavailable)\b", "outage", 3),
    (r"\b(charged\s+twice|double[\s-]charged|duplicate\s+(charge|payment))\b", "charged twice", 2),
    (r"\b(fraud|stolen|hacked|unauthori[sz]ed|compromised|scam)\b", "fraud or theft", 3),
    (r"\b(cancel|close)\s+(my|the|our)\s+(account|subscription|contract)\b", "cancellation", 2),
    (r"\b(data\s+breach|leak(ed)?|security\s+incident)\b", "security incident", 3),
    (r"\b(lawyer|legal\s+action|sue|court|ombudsman|regulator)\b", "legal threat", 2),
    (r"\b(refund|money\s+back|chargeback)\b", "refund", 1),
)


@dataclass(frozen=True)
class PriorityRules:
    keywords: tuple[tuple[str, str, int], ...] = DEFAULT_KEYWORDS
    tier_weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_TIER_WEIGHTS))
    # Categories an organisation treats as pressing, e.g. {"card_compromised": 3}.
    category_weights: Mapping[str, int] = field(default_factory=dict)


class PrioritySuggester:
    def __init__(self, rules: PriorityRules | None = None) -> None:
        self.rules = rules or PriorityRules()
        self._keywords = [
            (CuedPattern(pattern, re.I), label, weight)
            for pattern, label, weight in self.rules.keywords
        ]

    def suggest(
        self,
        text: str,
        signals: SentimentSignals,
        intent: IntentPrediction,
        abuse: AbuseVerdict | None = None,
        customer_tier: str | None = None,
    ) -> PrioritySuggestion:
        reasons = self._keyword_reasons(text)
        reasons += _signal_reasons(signals)
        if intent.category and intent.category in self.rules.category_weights:
            weight = self.rules.category_weights[intent.category]
            reasons.append(
                PriorityReason(
                    f"category:{intent.category}", f"category “{intent.category}”", weight
                )
            )
        reasons += tier_reasons(customer_tier, self.rules.tier_weights)
        if abuse is not None and "threat" in abuse.kinds:
            reasons.append(PriorityReason("abuse:threat", "threat against staff", 3))
        score = sum(reason.weight for reason in reasons)
        return PrioritySuggestion(priority_for(score), score, tuple(reasons))


    def _keyword_reasons(self, text: str) -> list[PriorityReason]:
        return [
            PriorityReason(f"keyword:{label.replace(' ', '_')}", f"mentions {label}", weight)
            for pattern, label, weight in self._keywords
            if pattern.search(text)
        ]


def _signal_reasons(signals: SentimentSignals) -> list[PriorityReason]:
    reasons = []
    if signals.anger >= 0.75:
        reasons.append(PriorityReason("signal:angry", "customer sounds very upset", 2))
    elif signals.anger >= 0.5:
        reasons.append(PriorityReason("signal:upset", "customer sounds upset", 1))
    if signals.urgency >= 0.7:
        reasons.append(PriorityReason("signal:urgent", "urgent wording", 2))
    if "repeated_contact" in signals.features:
        reasons.append(PriorityReason("signal:repeated", "has contacted us before about this", 1))
    if signals.sentiment >= 0.5 and signals.urgency < 0.3 and signals.anger < 0.2:
        reasons.append(PriorityReason("signal:content", "positive, nothing pressing", -1))
    return reasons
