"""What triage concluded about one message, as plain values the rest of the desk can store.

Triage runs models; this module only describes their verdicts, so routing, SLA rules, the
console and the API can read a result without importing any machine-learning library.
Every verdict carries its confidence and, where a trained model made it, the model version.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import StrEnum
from typing import Any

UNKNOWN_LANGUAGE = "und"  # ISO 639-2 "undetermined"


class Verdict(StrEnum):
    """Verdicts an agent can correct on a message; the desk's own models learn from them.
    (Categories are corrected on the ticket itself.)"""

    DIFFICULT = "difficult"
    ABUSIVE = "abusive"


@dataclass(frozen=True)
class LanguageGuess:
    code: str  # ISO 639-1 where one exists, "und" when the text gives too little to tell
    confidence: float
    detector: str  # which detector decided: short texts and long texts use different ones


@dataclass(frozen=True)
class SentimentSignals:
    """How upset or pressed the customer sounds, with the observable features behind it."""

    sentiment: float  # -1 (very negative) .. +1 (very positive)
    anger: float  # 0..1
    urgency: float  # 0..1
    difficult_contact: bool
    difficult_confidence: float
    features: tuple[str, ...] = ()  # e.g. "all_caps", "threat_to_cancel", "legal_words"


@dataclass(frozen=True)
class AbuseVerdict:
    abusive: bool
    confidence: float
    kinds: tuple[str, ...] = ()  # "insult", "profanity", "threat", "slur"
    terms: tuple[str, ...] = ()  # the offending words, masked for display


@dataclass(frozen=True)
class IntentPrediction:
    """The category triage proposes, or an abstention that sends the ticket to a human."""

    category: str | None  # None when the classifier abstained
    confidence: float
    model_version: str
    alternatives: tuple[tuple[str, float], ...] = ()  # next best categories, best first
    abstained: bool = False
    threshold: float = 0.0


@dataclass(frozen=True)
class PiiSpan:
    """Personal data found in a text, by character offsets into the text that was scanned."""

    entity: str  # CREDIT_CARD, IBAN_CODE, EMAIL_ADDRESS, US_SSN, PHONE_NUMBER, ...
    start: int
    end: int
    confidence: float
    recognizer: str  # which check found it (regex, checksum, phone-number parser)

    def overlaps(self, other: PiiSpan) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class PriorityReason:
    rule: str  # machine name, e.g. "keyword:outage"
    explanation: str  # what the console shows
    weight: int


@dataclass(frozen=True)
class PrioritySuggestion:
    priority: str  # one of hubdesk.domain.tickets.Priority values
    score: int
    reasons: tuple[PriorityReason, ...] = ()


@dataclass(frozen=True)
class SimilarTicket:
    ticket_id: int
    score: float  # cosine similarity 0..1
    likely_duplicate: bool = False
    resolution: str | None = None


@dataclass(frozen=True)
class TriageResult:
    """Everything triage said about one message, and what it could not finish in time."""

    language: LanguageGuess
    signals: SentimentSignals
    abuse: AbuseVerdict
    intent: IntentPrediction
    pii: tuple[PiiSpan, ...]
    priority: PrioritySuggestion
    masked_text: str
    elapsed_ms: float
    truncated: bool = False  # the text was longer than triage reads; verdicts cover its start
    skipped: tuple[str, ...] = ()  # stages left out because the time budget ran out
    errors: tuple[str, ...] = ()  # stages that failed; their verdict is the neutral default
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_pii(self) -> bool:
        return bool(self.pii)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for the API, the console and the audit trail: what
        ``dataclasses.asdict`` gives, without its deep copies of values that cannot change
        (every ticket's intake makes one)."""
        plain = _plain(self)
        assert isinstance(plain, dict)
        return plain


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_THEY_ARE:  # most values: checked first, as cheaply as possible
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, tuple | list):
        return type(value)(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
