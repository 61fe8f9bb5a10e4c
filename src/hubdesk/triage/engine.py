"""The triage engine the intake pipeline calls once per incoming message.

    engine = TriageEngine.with_stored_model(TriageConfig(languages=("en", "de")))
    result = engine.analyse(body, subject=subject, customer_tier="vip")

`analyse` never raises: every stage is guarded, a failing stage leaves its neutral verdict and
its name in `result.errors`, and once the time budget is spent the remaining stages are
skipped (named in `result.skipped`). Two stages run whatever the budget, first: personal data,
because it must be masked before anything is stored, and abuse, because a threat against an
agent must be escalated even when the machine is busy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from hubdesk.domain.triage import (
    UNKNOWN_LANGUAGE,
    AbuseVerdict,
    IntentPrediction,
    LanguageGuess,
    PiiSpan,
    PrioritySuggestion,
    SentimentSignals,
    TriageResult,
)
from hubdesk.triage.abuse import AbuseDetector
from hubdesk.triage.desk_models import DeskModelStore
from hubdesk.triage.intent.classifier import IntentClassifier
from hubdesk.triage.intent.store import ModelNotFound, ModelStore
from hubdesk.triage.language import LanguageDetector
from hubdesk.triage.pii import (
    MASKED_BY_DEFAULT,
    PII_ENTITIES,
    PiiDetector,
    mask,
    mask_coarse,
)
from hubdesk.triage.pii_names import load_name_lists
from hubdesk.triage.priority import PriorityRules, PrioritySuggester
from hubdesk.triage.signals import SignalDetector
from hubdesk.triage.text import MAX_ANALYSED_CHARACTERS, coerce_to_text, is_mostly_symbols, prepare

log = logging.getLogger(__name__)
T = TypeVar("T")

NO_MODEL = "none"
NEUTRAL_LANGUAGE = LanguageGuess(UNKNOWN_LANGUAGE, 0.0, "none")
NEUTRAL_SIGNALS = SentimentSignals(0.0, 0.0, 0.0, False, 0.0)
NEUTRAL_ABUSE = AbuseVerdict(False, 0.0)
NEUTRAL_PRIORITY = PrioritySuggestion("normal", 0)
MANDATORY_STAGES = frozenset({"pii", "abuse"})


def abstention(version: str = NO_MODEL) -> IntentPrediction:
    """No category: the ticket goes to human triage."""
    return IntentPrediction(None, 0.0, version, abstained=True)


@dataclass(frozen=True)
class TriageConfig:
    """Per-organisation settings; the defaults suit an English-speaking desk."""

    languages: tuple[str, ...] = ()  # the organisation's languages; empty means "any"
    phone_region: str = "US"  # how phone numbers without a country code are read
    masked_entities: frozenset[str] = MASKED_BY_DEFAULT
    budget_ms: float = 100.0
    max_characters: int = MAX_ANALYSED_CHARACTERS
    mask_tail: bool = True  # over-mask digit runs past `max_characters` (~50 ms per MB)
    priority_rules: PriorityRules = field(default_factory=PriorityRules)
    # Where large read-only models are unpacked to be memory-mapped and shared by every
    # process (the language model); None keeps them in each process's memory.
    model_cache_dir: Path | None = None

    def __post_init__(self) -> None:
        unknown = sorted(set(self.masked_entities) - set(PII_ENTITIES))
        if unknown:
            raise ValueError(f"cannot mask unknown kinds of personal data {unknown}; "
                             f"known kinds: {', '.join(PII_ENTITIES)}")


class TriageEngine:
    def __init__(
        self,
        config: TriageConfig | None = None,
        *,
        intent: IntentClassifier | None = None,
        learned_anger: object = None,
        learned_abuse: object = None,
    ) -> None:
        self.config = config or TriageConfig()
        self.intent = intent
        self.language = LanguageDetector(self.config.languages,
                                         cache_dir=self.config.model_cache_dir)
        self.signals = SignalDetector(learned_anger=learned_anger)
        self.abuse = AbuseDetector(learned_abuse)
        self.pii = PiiDetector(self.config.phone_region)
        self.priority = PrioritySuggester(self.config.priority_rules)

    @classmethod
    def with_stored_model(
        cls,
        config: TriageConfig | None = None,
        store: ModelStore | None = None,
        desk_models: DeskModelStore | None = None,
    ) -> TriageEngine:
        """The engine with the current intent model (none if none is trained yet) and the
        desk's own anger and abuse models where its agents' corrections trained them."""
        try:
            intent = (store or ModelStore()).load()
        except ModelNotFound:
            log.info("no intent model trained yet: every ticket goes to human triage")
            intent = None
        anger = desk_models.load("difficult") if desk_models is not None else None
        abuse = desk_models.load("abusive") if desk_models is not None else None
        return cls(config, intent=intent, learned_anger=anger, learned_abuse=abuse)

    @property
    def model_version(self) -> str:
        return self.intent.version if self.intent is not None else NO_MODEL

    def warm_up(self) -> None:
        """Load lazy models now rather than on the first customer's message."""
        self.language.warm_up()
        load_name_lists()
        self.analyse("Card blocked?")  # short texts take the other language detector
        self.analyse("Hello, my card was charged twice, please refund it. Thanks!")

    def analyse(
        self,
        text: object,
        *,
        subject: str | None = None,
        customer_tier: str | None = None,
        previous_contacts: int = 0,
    ) -> TriageResult:
        run = _Run(self.config.budget_ms)
        raw = coerce_to_text(text)
        no_spans: tuple[PiiSpan, ...] = ()
        spans, masked = run.stage("pii", lambda: self._scan_pii(raw), (no_spans, raw))
        prepared = prepare(f"{subject}\n{raw}" if subject else raw, self.config.max_characters)
        clean = prepared.text
        language = run.stage("language", lambda: self.language.detect(clean), NEUTRAL_LANGUAGE)
        abuse = run.stage("abuse", lambda: self.abuse.detect(clean, language.code),
                          NEUTRAL_ABUSE)
        signals = run.stage(
            "signals", lambda: self.signals.detect(clean, previous_contacts, language.code),
            NEUTRAL_SIGNALS
        )
        intent = run.stage("intent", lambda: self._classify(clean), abstention(self.model_version))
        priority = run.stage(
            "priority",
            lambda: self.priority.suggest(clean, signals, intent, abuse, customer_tier),
            NEUTRAL_PRIORITY,
        )
        return TriageResult(
            language=language,
            signals=signals,
            abuse=abuse,
            intent=intent,
            pii=spans,
            priority=priority,
            masked_text=masked,
            elapsed_ms=round(run.elapsed_ms(), 3),
            truncated=prepared.truncated,
            skipped=tuple(run.skipped),
            errors=tuple(run.errors),
            extra={"stage_ms": run.stage_ms},
        )

    def mask(self, text: str, entities: frozenset[str] | None = None) -> str:
        """Mask personal data in any text (a reply, an export line) with this desk's policy."""
        return self.pii.mask(text, entities or self.config.masked_entities)

    def _scan_pii(self, raw: str) -> tuple[tuple[PiiSpan, ...], str]:
        # Offsets refer to the text as received, so the stored body can be masked exactly.
        head = raw[: self.config.max_characters]
        spans = self.pii.detect(head)
        masked = mask(head, spans, self.config.masked_entities)
        tail = raw[len(head) :]
        if tail:
            masked += mask_coarse(tail) if self.config.mask_tail else tail
        return spans, masked

    def _classify(self, text: str) -> IntentPrediction:
        if self.intent is None:
            return abstention()
        if not text or is_mostly_symbols(text):
            return abstention(self.intent.version)
        return self.intent.predict(text)


class _Run:
    """Times the stages of one analysis and enforces its budget."""

    def __init__(self, budget_ms: float) -> None:
        self.started = time.perf_counter()
        self.budget_ms = budget_ms
        self.skipped: list[str] = []
        self.errors: list[str] = []
        self.stage_ms: dict[str, float] = {}

    def elapsed_ms(self) -> float:
        return (time.perf_counter() - self.started) * 1000

    def stage(self, name: str, compute: Callable[[], T], neutral: T) -> T:
        # Everything but the mandatory stages can wait for a human.
        if name not in MANDATORY_STAGES and self.elapsed_ms() > self.budget_ms:
            self.skipped.append(name)
            return neutral
        started = time.perf_counter()
        try:
            return compute()
        except Exception:  # a detector's bug must never drop a customer's message
            log.exception("triage stage %s failed", name)
            self.errors.append(name)
            return neutral
        finally:
            self.stage_ms[name] = round((time.perf_counter() - started) * 1000, 4)
