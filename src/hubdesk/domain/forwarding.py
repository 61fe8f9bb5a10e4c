"""A customer's e-mail an agent forwards to the desk: whose it was, and what it said.

An agent who forwards a customer's message to a support address means the customer's
request, not their own. `forwarded` finds the forwarded message's header block as mail
clients write it: Gmail's and Thunderbird's "Forwarded message" rule, Apple Mail's "Begin
forwarded message:", Outlook's "Original Message" rule or bare "From:/Sent:" block, Notes'
"Forwarded by … on …" rule above its sender, date, "To:" and "Subject:" block, in the
languages `quoting.py` knows; then header lines (the original sender, its subject, its
date), then the message. What the agent wrote above it is their note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hubdesk.domain.mail import addresses_in
from hubdesk.domain.mail_rules import base_address
from hubdesk.domain.quoting import (
    DATE_WORDS,
    FROM_WORDS,
    NOTES_FORWARD,
    SUBJECT_WORDS,
    TO_WORDS,
    new_text,
    notes_block,
    outlook_block,
    quotes_history,
    words_pattern,
)

# Rules and openers clients write only above a forwarded message...
_FORWARD_MARK = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded message|Weitergeleitete Nachricht|Message transf[ée]r[ée]|"
    r"Mensaje reenviado|Messaggio inoltrato|Doorgestuurd bericht|Mensagem encaminhada|"
    r"Vidarebefordrat meddelande|Videresendt (?:besked|melding)|Wiadomość przekazana dalej|"
    r"Пересылаемое сообщение|Välitetty viesti|Přeposlaná zpráva|İletilen mesaj|"
    r"Továbbított üzenet|転送されたメッセージ|已转发邮件|轉寄的郵件|전달된 메시지)"
    r"\s*-{2,}|Begin forwarded message:|Anfang der weitergeleiteten Nachricht:|"
    r"D[ée]but du message r[ée]exp[ée]di[ée]\s*:)\s*$", re.IGNORECASE)
# ...and those Outlook also writes above a message it answers: a forward only by its subject.
_ORIGINAL_MARK = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Urspr[üu]ngliche Nachricht|Message d'origine|"
    r"Mensaje original|Messaggio originale|Oorspronkelijk bericht|Mensagem original)"
    r"\s*-{2,}|_{20,})\s*$", re.IGNORECASE)
# "Fwd:", "FW:", "WG:", "TR:", "RV:", "I:", "Doorst:", "VS:", "Enc:"… as clients translate it.
_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{1,30}\]\s*)?(?:fwd?|wg|tr|rv|i|doorst|vs|vl|enc|pd|továbbítás|转发|"
    r"轉寄|転送|전달)\s*:", re.IGNORECASE)
# "From: …", "*Von:* …" (a client's bold, written out as text), "> De : …" (quoted).
_HEADER = re.compile(
    rf"^[\s>]*\*?({words_pattern(FROM_WORDS + DATE_WORDS + SUBJECT_WORDS + TO_WORDS)})"
    r"\s*[:：]\*?\s*(.*)$", re.IGNORECASE)
_FROM = frozenset(word.casefold() for word in FROM_WORDS)
_SUBJECT = frozenset(word.casefold() for word in SUBJECT_WORDS)
_RECIPIENTS = frozenset(word.casefold() for word in TO_WORDS)
_MAX_HEADER_LINES = 12


@dataclass(frozen=True)
class Forwarded:
    address: str
    name: str | None
    subject: str | None
    note: str  # what the forwarding agent wrote above the forwarded message
    text: str  # the forwarded message, from its first line after the header block


def forwarded(body: str, subject: str = "") -> Forwarded | None:
    """The first message forwarded in ``body`` whose header block names its sender's
    address; None when there is none. Outlook writes the same block above a message it
    answers: without a rule saying "forwarded", only a forward's ``subject`` ("FW: …")
    makes the block a forwarded message."""
    lines = body.replace("\r\n", "\n").split("\n")
    by_subject = _FORWARD_SUBJECT.match(subject) is not None
    for index in range(len(lines)):
        found = _forward_at(lines, index, by_subject)
        if found is None:
            continue
        fields, end = found
        sender = fields.get("from", "")
        addresses = addresses_in(sender)
        if not addresses:
            continue
        name = sender[:sender.find(addresses[0])].replace("[mailto:", "").strip(" \t\"'<[(")
        return Forwarded(addresses[0].lower(), name or None, fields.get("subject") or None,
                         note="\n".join(lines[:index]).strip(),
                         text="\n".join(lines[end:]).strip())
    return None


def _forward_at(lines: list[str], index: int,
                by_subject: bool) -> tuple[dict[str, str], int] | None:
    """The header fields of a message forwarded from ``lines[index]`` on, and the index of
    the line after them."""
    line = lines[index]
    if NOTES_FORWARD.match(line):
        start = _first_written(lines, index + 1)
        notes = notes_block(lines, start) if start < len(lines) else None
        if notes is not None:
            sender, subject, end = notes
            return {"from": sender, "subject": subject}, end
        return _header_block(lines, start)
    if _FORWARD_MARK.match(line) or (by_subject and _ORIGINAL_MARK.match(line)):
        return _header_block(lines, index + 1)
    if by_subject and outlook_block(lines, index):
        return _header_block(lines, index)  # Outlook's block without a rule above it
    return None


def shown_text(body: str, subject: str = "", own_addresses: frozenset[str] = frozenset()
               ) -> str:
    """What a message shows of ``body``: a forward whole, as what it forwards is what its
    sender means the desk to read ("see the mail below"); any other message without the
    history it quotes and its signature (`quoting.new_text`). A forward inside quoted
    history (an Outlook reply quotes the whole thread) is history, not a forward; so is the
    desk's own mail (from one of ``own_addresses``) under a forward's rule, as Notes quotes
    a message passed on inside the customer's company before they answer it."""
    found = forwarded(body, subject)
    if found is not None and not quotes_history(found.note) \
            and base_address(found.address) not in own_addresses:
        return body.strip()
    return new_text(body)


def _header_block(lines: list[str], start: int) -> tuple[dict[str, str], int] | None:
    """The header lines from ``start`` (blank lines before them skipped) as from, subject
    and date, and the index of the line after them; None without any."""
    start = _first_written(lines, start)
    fields: dict[str, str] = {}
    index = start
    kind = ""
    while index < len(lines) and index - start < _MAX_HEADER_LINES:
        match = _HEADER.match(lines[index])
        if match is None:
            if kind in _RECIPIENTS and _wrapped_recipients(lines, index):
                index += 1  # Outlook wraps a long "To:"/"Cc:" onto lines of their own
                continue
            break
        name = " ".join(match.group(1).split()).casefold()
        kind = "from" if name in _FROM else "subject" if name in _SUBJECT else name
        fields.setdefault(kind, match.group(2).strip())
        index += 1
    return (fields, index) if fields else None


def _wrapped_recipients(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` continues a list of recipients: addresses or names between
    semicolons, with another header line right below it."""
    line = lines[index].strip()
    return bool(line) and (bool(addresses_in(line)) or ";" in line) \
        and index + 1 < len(lines) and _HEADER.match(lines[index + 1]) is not None


def _first_written(lines: list[str], start: int) -> int:
    """The index of the first line from ``start`` with anything written on it."""
    while start < len(lines) and not lines[start].strip(" \t>"):
        start += 1
    return start
