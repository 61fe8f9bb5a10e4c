"""Reading an incoming text before it is stored: triage, masking and sealing.

Everything here is guarded: if triage is missing or fails, the message is stored as received
and goes to human triage. Personal data found by triage is masked in the stored text (and in
the search index); the original is kept only encrypted, for agents allowed to see it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from hubdesk.domain.intake import triage_summary
from hubdesk.domain.safety import SafetyPolicy
from hubdesk.domain.triage import TriageResult
from hubdesk.services.ports import Sealer, SimilarityFinder, Triager

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IntakeTools:
    """The adapters intake uses (any may be absent: a slim install, a test) and the policy
    it applies to abusive senders."""

    triager: Triager | None = None
    sealer: Sealer | None = None
    similarity: SimilarityFinder | None = None
    safety: SafetyPolicy = field(default_factory=SafetyPolicy)


NO_TOOLS = IntakeTools()


@dataclass(frozen=True)
class ReadText:
    """A text as it will be stored: masked where needed, with its sealed original."""

    body: str
    sealed_original: str | None
    triage: dict[str, Any] | None
    result: TriageResult | None


def read_customer_text(tools: IntakeTools, body: str, *,
                       subject: str | None = None) -> ReadText:
    """Full triage of a customer's words, in one pass (their tier, known only once the sender
    is resolved, is added by `domain.intake.weigh_customer_tier`)."""
    if tools.triager is None:
        return ReadText(body, None, None, None)
    try:
        result = tools.triager.analyse(body, subject=subject)
    except Exception:  # an adapter bug must cost the analysis, never the message
        log.exception("triage failed; storing the message unread")
        return ReadText(body, None, None, None)
    stored, sealed = _masked(tools, body, result.masked_text if result.pii else body)
    return ReadText(stored, sealed, triage_summary(result), result)


def read_agent_text(tools: IntakeTools, body: str) -> ReadText:
    """Agents' replies and notes are only masked: their mood and intent are not triaged."""
    if tools.triager is None:
        return ReadText(body, None, None, None)
    try:
        masked = tools.triager.mask(body)
    except Exception:
        log.exception("masking failed; storing the message as written")
        return ReadText(body, None, None, None)
    stored, sealed = _masked(tools, body, masked)
    return ReadText(stored, sealed, None, None)


def mask_line(tools: IntakeTools, text: str) -> str:
    """A subject line with personal data masked (subjects are listed everywhere)."""
    if tools.triager is None:
        return text
    try:
        return tools.triager.mask(text)
    except Exception:
        log.exception("masking a subject failed")
        return text


def _masked(tools: IntakeTools, original: str, masked: str) -> tuple[str, str | None]:
    if masked == original:
        return original, None
    sealed = tools.sealer.seal(original) if tools.sealer is not None else None
    return masked, sealed
