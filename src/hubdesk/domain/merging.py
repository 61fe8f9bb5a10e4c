"""Merging a duplicate ticket into the one that survives."""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.errors import Conflict
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.tickets import Status, Ticket


def merge(source: Ticket, target: Ticket, actor: Actor, at: datetime) -> None:
    """Fold ``source`` into ``target``: the source closes and points to the survivor.

    Moving messages and history is the store's job; this decides whether it may happen and
    records what did. Tags and the higher priority survive, so nothing a colleague set is lost.
    """
    if source.id == target.id:
        raise Conflict("a ticket cannot be merged into itself")
    if source.requester_id != target.requester_id:
        raise Conflict("only tickets of the same requester can be merged")
    for ticket in (source, target):
        if ticket.merged_into_id is not None:
            raise Conflict(f"ticket #{ticket.id} was already merged into #{ticket.merged_into_id}")
        if ticket.status is Status.CLOSED:
            raise Conflict(f"ticket #{ticket.id} is closed; closed tickets cannot be merged")

    order = ["low", "normal", "high", "urgent"]
    higher = max(source.priority, target.priority, key=lambda p: order.index(p.value))
    target.update(actor, at, tags=target.tags + source.tags, priority=higher)
    target.record(actor, EventKind.MERGED_IN, at, data={"source_id": source.id})

    if source.status is not Status.SOLVED:
        source.change_status(Status.SOLVED, actor, at)
    source.change_status(Status.CLOSED, actor, at)
    source.merged_into_id = target.id
    source.record(actor, EventKind.MERGED_INTO, at, changes={"merged_into_id": (None, target.id)})
