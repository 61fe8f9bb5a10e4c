"""Folding SLA notices: one ticket never floods anyone.

Three targets with three steps each, and a new next-response cycle after every customer
message, can each reach the same person about the same ticket. Within a window that opens
with a person's first SLA notice about a ticket, every further one is folded into that notice
(its text says how many and the latest, its time moves on) instead of adding another. After
the window a new notice starts a new fold. The ladder's history is not touched: every step
fired stays in the ticket's events; only what the console shows is folded.

A breach is never hidden: folded into a notice its reader has already read, it makes the
notice unread again and brings it to the top. A warning folded into a read notice leaves it
read and where it was (its words and count still change), since its reader has just seen
that the ticket is in trouble.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from hubdesk.domain.notifications import NoticeKind, Notification, bounded

DEFAULT_WINDOW = timedelta(minutes=30)
FOLDED_KINDS = frozenset({NoticeKind.SLA_STEP})


@dataclass(frozen=True)
class Folding:
    """What becomes of an incoming notice: ``notification`` is either the incoming one,
    to be added (``new``), or the earlier one with the incoming folded in; ``announce``
    says whether its reader should hear of it (it is new or unread again)."""

    notification: Notification
    new: bool
    announce: bool


def folds(kind: NoticeKind, ticket_id: int | None) -> bool:
    """Whether notices of ``kind`` are folded: SLA notices about a ticket."""
    return kind in FOLDED_KINDS and ticket_id is not None


def fold_key(ticket_id: int, number: int) -> str:
    """The key of a person's ``number``-th fold about a ticket: at most one notice has it,
    so two relays folding at once cannot both start a fold."""
    return f"sla:{ticket_id}:{number}"


def fold(previous: Notification | None, incoming: Notification,
         window: timedelta = DEFAULT_WINDOW) -> Folding | None:
    """Fold ``incoming`` (a new notice for one agent, as it would be stored alone) into
    ``previous`` (that agent's latest notice of the same kind about the same ticket, or
    None). None: ``incoming`` says an event ``previous`` has said already."""
    assert incoming.ticket_id is not None
    if previous is not None and previous.source_event_id is not None \
            and previous.source_event_id == incoming.source_event_id:
        return None
    if previous is None or not _within(previous, incoming.created_at, window):
        number = _number(previous.fold_key) + 1 if previous is not None else 1
        return Folding(replace(incoming, fold_key=fold_key(incoming.ticket_id, number),
                               count=1, updated_at=None), new=True, announce=True)
    count = previous.count + 1
    breached = previous.breached or incoming.breached
    latest = incoming.created_at >= previous.last_at
    said = incoming.text if latest else _latest_said(previous)
    resurfaced = incoming.breached and not previous.unread
    # Its time is where the list shows it: a warning folded into a read notice leaves it there.
    moves = previous.unread or incoming.breached
    folded = replace(
        previous, count=count, breached=breached,
        text=folded_text(said, count, breached=breached, latest_breach=incoming.breached
                         if latest else previous.breached),
        updated_at=max(previous.last_at, incoming.created_at) if moves else previous.last_at,
        source_event_id=incoming.source_event_id if latest else previous.source_event_id,
        read_at=None if incoming.breached else previous.read_at)
    return Folding(folded, new=False, announce=resurfaced)


def folded_text(said: str, count: int, *, breached: bool, latest_breach: bool) -> str:
    """The words of a notice that folds ``count`` notices, the latest saying ``said``."""
    if count == 1:
        return said
    if breached and not latest_breach:
        return bounded(f"A target has run out; {count} SLA notices, the latest: {said}")
    noun = "notices" if breached else "warnings"
    return bounded(f"{count} SLA {noun}, the latest: {said}")


def _within(previous: Notification, at: datetime, window: timedelta) -> bool:
    """The window opens when the fold's first notice came and lasts ``window``."""
    return previous.created_at - window < at < previous.created_at + window


def _latest_said(previous: Notification) -> str:
    """What the latest notice folded into ``previous`` said, without the fold's preamble."""
    _, found, said = previous.text.partition(", the latest: ")
    return said if found else previous.text


def _number(key: str | None) -> int:
    if key is None:
        return 0
    _, _, number = key.rpartition(":")
    return int(number) if number.isdigit() else 0
