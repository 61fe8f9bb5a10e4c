"""The words a customer wrote in an e-mail, without what their mail program added.

A whole e-mail carries a greeting, a signature, a legal disclaimer and, below "On … wrote:",
the thread it answers. An n-gram model reads all of it alike, so a short new question under
a long quoted one is filed by the quoted one, and a signature's company name pulls every
message of that company towards one category. The classifier reads what is left once those
parts are cut, in training and in scoring alike; a one-line query has none of them and is
returned as it is, at the cost of one scan for a line break.
"""

from __future__ import annotations

import re

# A line that starts the quoted thread: every line from it on is someone else's.
_THREAD_START = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|message d'origine"
    r"|mensaje original|mensagem original)\s*-{2,}"
    r"|on\b.{0,200}\bwrote:"  # On Mon, 3 May 2021, Ana <ana@…> wrote:
    r"|am\b.{0,200}\bschrieb.{0,80}:"
    r"|le\b.{0,200}\ba écrit\s?:"
    r"|el\b.{0,200}\bescribió:"
    r"|em\b.{0,200}\bescreveu:"
    r")\s*$",
    re.IGNORECASE,
)
# A forwarded or Outlook-quoted header block: "From: …" followed by "Sent: …" or the like. A
# web form's "From: …" line alone is the customer's own.
_HEADER_BLOCK = re.compile(
    r"^[ \t]*(?:from|von|de)[ \t]?:[^\n]{1,200}\n[ \t]*(?:sent|date|to|subject|gesendet|datum|an"
    r"|envoyé|à|objet|enviado|para|asunto|fecha)[ \t]?:",
    re.IGNORECASE | re.MULTILINE,
)
# A line that starts the signature or the footer: the rest is the sender's card.
_SIGNATURE_START = re.compile(
    r"^\s*(?:--\s*"
    r"|(?:best|kind|warm)(?:est)? regards\b.{0,40}|regards,?|cheers,?|sincerely,?"
    r"|thanks(?: (?:and|&) regards| in advance| again)?[,!.]?|thank you[,!.]?|many thanks[,!.]?"
    r"|mit freundlichen grüßen,?|viele grüße,?|cordialement,?|bien à vous,?"
    r"|saludos(?: cordiales)?,?|atentamente,?|atenciosamente,?|obrigad[oa],?"
    r"|sent from my \w+.{0,40}"
    r"|this (?:e-?mail|message)\b.{0,80}\b(?:confidential|intended)\b.{0,400}"
    r")\s*$",
    re.IGNORECASE,
)
# A first line that only greets.
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten tag"
    r"|sehr geehrte\w*|bonjour|madame|monsieur|hola|estimad[oa]s?|olá|prezad[oa]s?)"
    r"\b[^.!?]{0,60}[,:!]?\s*$",
    re.IGNORECASE,
)


def customer_words(text: str) -> str:
    """The text without its greeting line, signature, footer and quoted thread; the text as
    it is when nothing would be left (a message that is only "Thanks!")."""
    if "\n" not in text and ">" not in text:
        return text
    header = _HEADER_BLOCK.search(text)
    if header is not None:
        text_before = text[: header.start()]
        text = text_before if text_before.strip() else text
    kept: list[str] = []
    for line in text.splitlines():
        if not line.strip():  # blank lines need no pattern (a message may be thousands)
            if kept:
                kept.append(line)
            continue
        if line.lstrip().startswith(">"):
            continue  # a quoted line, wherever it stands
        if _THREAD_START.match(line):
            break
        if kept and _SIGNATURE_START.match(line):
            break
        if not kept and _GREETING.match(line):
            continue
        kept.append(line)
    words = "\n".join(kept).strip()
    return words or text
