"""Reading an incoming text before it is stored: triage, masking and sealing.

Everything here is guarded: if triage is missing or fails, the message is stored unread and
goes to human triage. Personal data found by triage is masked in the stored text (and in the
search index); the original is kept only encrypted, for agents allowed to see it. Card numbers
are masked even then: without triage (or when it fails) a checksum finder that needs nothing
but the standard library masks them (`domain.intake.mask_cards`).

Every text a customer or an agent gives that is stored goes through here, not only message
bodies: subjects, categories, tags, custom fields (keys and values), reasons, file names and
HTML bodies. Events and outbox rows are written from the domain objects after masking, so
what they carry is masked too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from hubdesk.domain.intake import mask_cards, triage_summary
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
    """A text as it will be stored: masked where needed, with its sealed original.

    ``body_html`` is the message's HTML form, masked the same way. One original is sealed per
    message: the plain body's when it was masked, otherwise the HTML's when only it was.
    """

    body: str
    sealed_original: str | None
    result: TriageResult | None
    body_html: str | None = None

    @property
    def triage(self) -> dict[str, Any] | None:
        """The summary stored with the message, made when asked: opening a ticket stores
        one weighed by the requester's tier instead."""
        return triage_summary(self.result) if self.result is not None else None


def read_customer_text(tools: IntakeTools, body: str, *,
                       subject: str | None = None) -> ReadText:
    """Full triage of a customer's words, in one pass (their tier, known only once the sender
    is resolved, is added by `domain.intake.weigh_customer_tier`)."""
    if tools.triager is None:
        return _unread(tools, body)
    try:
        result = tools.triager.analyse(body, subject=subject)
    except Exception:  # an adapter bug must cost the analysis, never the message
        log.exception("triage failed; storing the message unread")
        return _unread(tools, body)
    if "pii" in result.errors:  # the scan failed: the checksum finder still masks cards
        masked = mask_cards(body)
    else:
        masked = result.masked_text if result.pii else body
    stored, sealed = _masked(tools, body, masked)
    return ReadText(stored, sealed, result)


def read_agent_text(tools: IntakeTools, body: str) -> ReadText:
    """Agents' replies and notes are only masked: their mood and intent are not triaged."""
    return _unread(tools, body)


def with_html(tools: IntakeTools, read: ReadText, body_html: str | None) -> ReadText:
    """``read`` with its HTML form masked; the HTML's original is sealed when the plain body
    had nothing to seal (a client may put the card only in the HTML)."""
    if body_html is None:
        return read
    masked = mask_html(tools, body_html)
    if masked == body_html or read.sealed_original is not None:
        return replace(read, body_html=masked)
    return replace(read, body_html=masked, sealed_original=_seal(tools, body_html))


def mask_line(tools: IntakeTools, text: str) -> str:
    """``text`` with personal data masked by the desk's policy: for the short texts that are
    listed and logged everywhere (subjects, categories, reasons, names, file names), whose
    originals are not kept."""
    if tools.triager is None:
        return mask_cards(text)
    try:
        return tools.triager.mask(text)
    except Exception:
        log.exception("masking a line failed; masking card numbers only")
        return mask_cards(text)


def mask_optional(tools: IntakeTools, text: str | None) -> str | None:
    return None if text is None else mask_line(tools, text)


# Typed between digits by HTML editors; read as a space so a card split by them is found.
_HTML_DIGIT_SPACE = re.compile(r"(?<=\d)(?:&nbsp;|&#160;|&#[xX]0*[aA]0;)(?=\d)")


def mask_html(tools: IntakeTools, html: str) -> str:
    """An HTML body with personal data in its text masked; unchanged when it holds none."""
    spaced = _HTML_DIGIT_SPACE.sub(" ", html)
    masked = mask_line(tools, spaced)
    return html if masked == spaced else masked


def mask_tags(tools: IntakeTools, tags: Iterable[str]) -> tuple[str, ...]:
    """Tags hold no spaces: a masked tag joins its placeholder's words with dashes."""
    return tuple("-".join(mask_line(tools, tag).split()) for tag in tags)


def mask_fields(tools: IntakeTools, fields: dict[str, Any]) -> dict[str, Any]:
    """Custom fields with personal data masked in their keys and in every text inside their
    values (lists and objects included)."""
    return {mask_line(tools, key): _mask_value(tools, value) for key, value in fields.items()}


def _mask_value(tools: IntakeTools, value: Any) -> Any:
    if isinstance(value, str):
        return mask_line(tools, value)
    if isinstance(value, dict):
        return mask_fields(tools, value)
    if isinstance(value, list | tuple):
        return [_mask_value(tools, item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 11:
        # A card number sent as a JSON number: masked, it can only be text.
        masked = mask_line(tools, str(value))
        return value if masked == str(value) else masked
    return value


def _unread(tools: IntakeTools, body: str) -> ReadText:
    stored, sealed = _masked(tools, body, mask_line(tools, body))
    return ReadText(stored, sealed, None)


def _masked(tools: IntakeTools, original: str, masked: str) -> tuple[str, str | None]:
    if masked == original:
        return original, None
    return masked, _seal(tools, original)


def _seal(tools: IntakeTools, original: str) -> str | None:
    return tools.sealer.seal(original) if tools.sealer is not None else None
