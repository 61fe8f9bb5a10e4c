"""How upset and how pressed a customer sounds, from features a coordinator would point at.

VADER gives the sentiment score, for English only: its lexicon is English, and on other
languages it scores their words that are spelt like English ones (German "die" and "war",
Spanish "no" and "sin"), so that four in ten calm German sentences read as negative. Those
messages get a neutral 0.0 and are judged by the other features. Anger and urgency are built
from observable features (negativity, profanity, shouting, exclamation runs, threats to
cancel, legal words, repeated contact) so the console can say *why* a contact was flagged.
When the organisation has trained a model from its agents' corrections (see
`learned.BinaryTextModel`), its probability is blended with the rules: the rules keep the
flag explainable, the model learns the desk's own vocabulary.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hubdesk.domain.triage import UNKNOWN_LANGUAGE, SentimentSignals
from hubdesk.triage.cues import CuedPattern
from hubdesk.triage.lexicon import profane_words, undisguise, word_set, words_of
from hubdesk.triage.text import capital_count, letter_count

# VADER scores every token in Python; its verdict on a message is made in the first lines.
MAX_SENTIMENT_CHARACTERS = 2_000
# Languages VADER's lexicon is written in; a message of undetermined language is scored too.
SENTIMENT_LANGUAGES = frozenset({"en", UNKNOWN_LANGUAGE})

_EXCLAMATION_RUN = re.compile(r"[!?]{2,}")
_SHOUTED_WORDS = re.compile(r"\b[A-Z]{2,}(?:[\s,]+[A-Z]{1,}){2,}\b")
_CANCEL = CuedPattern(
    r"\b(cancel|close|terminate|delete)\s+(my|the|this|our)\s+(account|subscription|card|"
    r"contract|membership|order)|\b(switch(ing)?\s+to|move\s+to|leave|leaving)\s+(another|a\s+"
    r"different|your\s+competitor)|\bchargeback\b|\bnever\s+(again|use\s+you)",
    re.I,
)
_LEGAL = CuedPattern(
    r"\b(lawyers?|attorneys?|solicitors?|sue|suing|lawsuit|legal\s+action|court|ombudsman|"
    r"regulator|trading\s+standards|small\s+claims|consumer\s+protection|gdpr\s+complaint)\b",
    re.I,
)
_REPEATED = CuedPattern(
    r"\b(again|(second|third|fourth|fifth|\d+(st|nd|rd|th))\s+time|still\s+(not|no|waiting|"
    r"haven'?t)|already\s+(told|asked|called|sent|explained)|(\d+|several|many|multiple)\s+"
    r"(times|emails|calls|days|weeks))\b",
    re.I,
)
_ANGER_WORDS = word_set(
    "angry furious livid outraged outrageous ridiculous unacceptable disgusting disgraceful "
    "pathetic useless incompetent worst terrible horrible awful scam scammers fraudsters "
    "joke hate hated sick fed rubbish appalling shocking shameful liar liars lied stupid idiot "
    "idiots annoyed annoying frustrated frustrating infuriating mad pissed rage"
)
_URGENT_WORDS = word_set(
    "urgent urgently asap immediately emergency now today tonight deadline critical outage "
    "down stolen fraud hacked locked blocked overdrawn stuck stranded"
)
_URGENT_PHRASES = CuedPattern(
    r"\b(right\s+now|as\s+soon\s+as\s+possible|can(no|')?t\s+(access|log\s*in|pay|use|take)|"
    r"not\s+working|charged\s+twice|double\s+charged|without\s+(money|access))\b",
    re.I,
)


@dataclass(frozen=True)
class SignalWeights:
    """Hand-set weights of the rule score; a learned model refines them per organisation."""

    negativity: float = 2.2
    anger_word: float = 1.1
    profanity: float = 1.4
    shouting: float = 1.0
    exclamations: float = 0.6
    cancel_threat: float = 0.9
    legal: float = 1.0
    repeated_contact: float = 0.6
    bias: float = -2.6
    difficult_threshold: float = 0.5


class SignalDetector:
    def __init__(self, weights: SignalWeights | None = None, learned_anger: object = None) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self.weights = weights or SignalWeights()
        self._vader = SentimentIntensityAnalyzer()
        # Any object with `probability(text) -> float`, e.g. learned.BinaryTextModel.
        self.learned_anger = learned_anger

    def sentiment(self, text: str, language: str | None = None) -> float:
        """VADER's compound score; 0.0 for a message known to be in another language than
        its lexicon's."""
        if not text or (language is not None and language not in SENTIMENT_LANGUAGES):
            return 0.0
        return float(self._vader.polarity_scores(text[:MAX_SENTIMENT_CHARACTERS])["compound"])

    def detect(self, text: str, previous_contacts: int = 0,
               language: str | None = None) -> SentimentSignals:
        """The signals of ``text``, in ``language`` when it was detected (an ISO 639-1
        code; None when unknown)."""
        sentiment = self.sentiment(text, language)
        words = words_of(text)
        features = _features(text, words, previous_contacts, language)
        anger = self._anger(sentiment, features)
        if self.learned_anger is not None and text:
            learned = float(self.learned_anger.probability(text))  # type: ignore[attr-defined]
            anger = 0.5 * anger + 0.5 * learned
        urgency = _urgency(words, text, features)
        difficult = anger >= self.weights.difficult_threshold
        confidence = anger if difficult else 1.0 - anger
        return SentimentSignals(
            sentiment=round(sentiment, 4),
            anger=round(anger, 4),
            urgency=round(urgency, 4),
            difficult_contact=difficult,
            difficult_confidence=round(confidence, 4),
            features=tuple(sorted(name for name, value in features.items() if value)),
        )

    def _anger(self, sentiment: float, features: dict[str, float]) -> float:
        w = self.weights
        score = (
            w.bias
            + w.negativity * max(0.0, -sentiment)
            + w.anger_word * min(features["anger_words"], 2)
            + w.profanity * min(features["profanity"], 2)
            + w.shouting * features["all_caps"]
            + w.exclamations * features["exclamation_runs"]
            + w.cancel_threat * features["threat_to_cancel"]
            + w.legal * features["legal_words"]
            + w.repeated_contact * features["repeated_contact"]
        )
        return 1.0 / (1.0 + math.exp(-score))


def _features(text: str, words: Sequence[str], previous_contacts: int,
              language: str | None) -> dict[str, float]:
    letters = letter_count(text)
    upper = capital_count(text)
    # Shouting: most of the message in capitals, or three capitalised words in a row.
    shouting = (letters >= 12 and upper / letters > 0.6) or bool(_SHOUTED_WORDS.search(text))
    profane = profane_words(language)
    return {
        "anger_words": float(sum(map(_ANGER_WORDS.__contains__, map(str.lower, words)))),
        "profanity": float(sum(map(profane.__contains__, map(undisguise, words)))),
        "all_caps": 1.0 if shouting else 0.0,
        "exclamation_runs": float(min(len(_EXCLAMATION_RUN.findall(text)), 3)) / 3.0,
        "threat_to_cancel": 1.0 if _CANCEL.search(text) else 0.0,
        "legal_words": 1.0 if _LEGAL.search(text) else 0.0,
        "repeated_contact": 1.0 if previous_contacts >= 2 or _REPEATED.search(text) else 0.0,
    }


def _urgency(words: Sequence[str], text: str, features: dict[str, float]) -> float:
    hits = sum(1 for word in words if word.lower() in _URGENT_WORDS)
    hits += len(_URGENT_PHRASES.findall(text))
    score = -2.0 + 1.5 * min(hits, 3) + 0.8 * features["exclamation_runs"]
    score += 0.6 * features["all_caps"] + 0.5 * features["repeated_contact"]
    return 1.0 / (1.0 + math.exp(-score))
