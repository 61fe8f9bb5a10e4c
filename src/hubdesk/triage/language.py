"""Which language a message is written in.

py3langid (a naive Bayes model over byte n-grams) is fast and accurate on sentences. On a few
words it guesses, so short texts go to lingua, whose n-gram models are far better there but
cost memory per language: it is loaded lazily and only for the organisation's own languages.
Restricting both detectors to those languages is also what makes them accurate: a desk that
serves English, German and French never needs to hear "Luxembourgish".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hubdesk.domain.triage import UNKNOWN_LANGUAGE, LanguageGuess
from hubdesk.triage.text import is_mostly_symbols

log = logging.getLogger(__name__)

SHORT_TEXT_CHARACTERS = 40
# lingua keeps models of a few dozen MB per language in memory; past this many languages the
# short-text detector is not worth its memory and py3langid decides alone.
MAX_LINGUA_LANGUAGES = 20


class LanguageDetector:
    def __init__(
        self,
        languages: Sequence[str] | None = None,
        *,
        short_text_characters: int = SHORT_TEXT_CHARACTERS,
        use_short_text_detector: bool = True,
        cache_dir: Path | None = None,
    ) -> None:
        self.languages = tuple(sorted({code.lower() for code in languages})) if languages else ()
        self.short_text_characters = short_text_characters
        self._identifier = _load_py3langid(self.languages, cache_dir)
        self._lingua: Any = None
        self._lingua_wanted = (
            use_short_text_detector and 1 < len(self.languages) <= MAX_LINGUA_LANGUAGES
        )

    def warm_up(self) -> None:
        """Build the short-text detector now instead of on the first short message."""
        self._short_text_detector()

    def detect(self, text: str) -> LanguageGuess:
        if not text or is_mostly_symbols(text):
            return LanguageGuess(UNKNOWN_LANGUAGE, 0.0, "none")
        if len(self.languages) == 1:
            return LanguageGuess(self.languages[0], 1.0, "single-language organisation")
        if len(text) < self.short_text_characters:
            guess = self._detect_short(text)
            if guess is not None:
                return guess
        code, probability = self._identifier.classify(text)
        return LanguageGuess(str(code), round(float(probability), 4), "py3langid")

    def _detect_short(self, text: str) -> LanguageGuess | None:
        detector = self._short_text_detector()
        if detector is None:
            return None
        values = detector.compute_language_confidence_values(text)
        if not values:
            return None
        best = values[0]
        code = best.language.iso_code_639_1.name.lower()
        return LanguageGuess(code, round(float(best.value), 4), "lingua")

    def _short_text_detector(self) -> Any:
        if not self._lingua_wanted:
            return None
        if self._lingua is None:
            self._lingua = _build_lingua(self.languages)
            if self._lingua is None:
                self._lingua_wanted = False
        return self._lingua


def _load_py3langid(languages: tuple[str, ...], cache_dir: Path | None = None) -> Any:
    """The model memory-mapped from `cache_dir` (shared by every process), else in memory."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = None
    if cache_dir is not None:
        from hubdesk.triage.langid_mapped import mapped_identifier

        try:
            identifier = mapped_identifier(cache_dir)
        except OSError as error:
            log.warning("cannot map the language model under %s (%s): loading it in memory",
                        cache_dir, type(error).__name__)
    if identifier is None:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    known = [code for code in languages if code in identifier.nb_classes]
    if len(known) > 1:
        identifier.set_languages(known)
    return identifier


def _build_lingua(languages: tuple[str, ...]) -> Any:
    """lingua is optional: without it short texts fall back to py3langid."""
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
    except ImportError:
        log.info("lingua is not installed; short texts use py3langid")
        return None
    chosen = []
    for code in languages:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is not None:
            chosen.append(Language.from_iso_code_639_1(iso))
    if len(chosen) < 2:
        return None
    # Preloaded: lazy loading would put a model load of ~100 ms inside some customer's triage.
    return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()
