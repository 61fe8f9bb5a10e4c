"""Abuse aimed at the agent: insults, threats and offensive language.

A flagged message is shown to the agent behind a warning, and the coordinator's policy decides
whether to block the sender or escalate to security. Rules find the obvious cases and name
what they found; an organisation's trained model (from messages its coordinators flagged)
adds what its customers actually write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from hubdesk.domain.triage import AbuseVerdict
from hubdesk.triage.cues import CuedPattern
from hubdesk.triage.lexicon import mask_term, profane_terms_in, undisguise, word_set, words_of

_INSULT_WORDS = word_set(
    "idiot idiots moron morons stupid dumb loser losers clown clowns imbecile cretin "
    "incompetent useless worthless pathetic liar liars thief thieves crook crooks scum "
    "trash garbage parasite parasites"
)
_SECOND_PERSON = word_set("you you're youre ur u your yours yourself yourselves ya")
_THREAT = CuedPattern(
    r"\b(i|we)('ll|\s+will|\s+am\s+going\s+to|'m\s+going\s+to|\s+gonna|'m\s+gonna)\s+"
    r"(kill|hurt|find|beat|destroy|burn|shoot|stab|smash|come\s+for|get)\s+(you|your|u)\b"
    r"|\byou('ll|\s+will)\s+(regret|pay\s+for)\b"
    r"|\bwatch\s+your\s+back\b|\bknow\s+where\s+you\s+live\b|\byou('re|\s+are)\s+dead\b"
    r"|\b(kill|shoot|stab)\s+(you|u|yourself)\b",
    re.I,
)
# How close (in words) an insult must be to "you" to count as aimed at someone.
_INSULT_WINDOW = 4

_CONFIDENCE = {"threat": 0.95, "insult": 0.9, "profanity": 0.7}
# A learned model clears a profanity-only flag when it is this far below its own threshold.
PROFANITY_VETO = 0.5


class AbuseDetector:
    def __init__(self, learned: object = None, learned_threshold: float | None = None) -> None:
        # Any object with `probability(text) -> float`, e.g. learned.BinaryTextModel; its own
        # tuned `threshold` applies unless one is given.
        self.learned = learned
        self.learned_threshold = (learned_threshold if learned_threshold is not None
                                  else float(getattr(learned, "threshold", 0.5)))

    def detect(self, text: str, language: str | None = None) -> AbuseVerdict:
        """The verdict on ``text``, in ``language`` when it was detected (ISO 639-1)."""
        if not text:
            return AbuseVerdict(False, 1.0)
        words = words_of(text)
        profane = profane_terms_in(words, language)
        kinds = []
        if _THREAT.search(text):
            kinds.append("threat")
        if _aimed_insult(words, profane):
            kinds.append("insult")
        if profane:
            kinds.append("profanity")
        confidence = max((_CONFIDENCE[kind] for kind in kinds), default=0.0)
        if self.learned is not None:
            learned = float(self.learned.probability(text))  # type: ignore[attr-defined]
            if learned >= self.learned_threshold and not kinds:
                kinds.append("learned")
            elif kinds == ["profanity"] and learned < self.learned_threshold * PROFANITY_VETO:
                # This desk's agents call messages like this one fine ("this is damn good"):
                # swearing alone is not abuse. Threats and insults are never overruled.
                kinds = []
            confidence = max(confidence, learned) if kinds else learned
        abusive = bool(kinds)
        return AbuseVerdict(
            abusive=abusive,
            confidence=round(confidence if abusive else 1.0 - confidence, 4),
            kinds=tuple(kinds),
            terms=tuple(dict.fromkeys(mask_term(term) for term in profane)),
        )


def _aimed_insult(words: Sequence[str], profane: list[str]) -> bool:
    lowered = [undisguise(word) for word in words]
    insulting = _INSULT_WORDS | {undisguise(term) for term in profane if " " not in term}
    you_positions = [i for i, word in enumerate(lowered) if word in _SECOND_PERSON]
    if not you_positions:
        return False
    for index, word in enumerate(lowered):
        if word in insulting and any(abs(index - p) <= _INSULT_WINDOW for p in you_positions):
            return True
    return False
