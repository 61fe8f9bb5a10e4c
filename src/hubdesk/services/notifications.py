"""In-console notifications: made from committed events, read and marked read by their agent.

`queue_notifications` runs for each committed event as the outbox relay hands it on, in the
relay's own transaction (like the webhooks' and e-mail's fan-out; `services/outbox.py`): a bus
after-commit handler could not write, the relay's transaction holding SQLite's one writer. A
row is unique per agent and event, so an event relayed twice notifies nobody twice. SLA
notices about one ticket are folded into one per agent within a window
(`domain/notice_folding.py`): the ladders' history keeps every step, the console one line.
Once the relay has committed, each new (or newly unread) notification is announced on the
live channel (`announcement`), which the console's stream (`web/live.py`) passes to that
agent only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.agents import Agent, active_coordinator_ids
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.notice_folding import DEFAULT_WINDOW, fold, folds
from hubdesk.domain.notifications import (
    MAX_LISTED,
    Notice,
    Notification,
    notice_of,
    schedule_notice_of,
)
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory

LIVE_TOPIC = "live.notification"


def queue_notifications(uow: UnitOfWork, topic: str, payload: dict[str, Any], *,
                        fold_window: timedelta = DEFAULT_WINDOW,
                        ) -> list[tuple[str, dict[str, Any]]]:
    """Store the notifications a committed event asks for, in ``uow``; returns what to
    announce once that transaction commits (nothing for an event seen before, nor for a
    warning folded into a notice about the same ticket within ``fold_window``).

    Ticket events (``ticket.<kind>``) carry their details under ``data``; workforce events
    (``schedule.<what>``) are their own details and belong to no ticket."""
    ticket_id: int | None = None
    if topic.startswith("ticket."):
        found = payload.get("ticket_id")
        ticket_id = found if isinstance(found, int) else None
        data = payload.get("data")
        notice = notice_of(str(payload.get("kind")), ticket_id,
                           data if isinstance(data, dict) else {})
    elif topic.startswith("schedule."):
        notice = schedule_notice_of(topic, payload)
    else:
        return []
    source, at = payload.get("outbox_id"), _instant(payload.get("at"))
    if notice is None or not isinstance(source, int) or at is None:
        return []
    place = payload.get("place")
    agent_ids = _recipients(uow, notice, place if isinstance(place, dict) else {})
    # In agent order: folding locks each agent's notice about the ticket, and two relays
    # that took them in different orders could each wait for the other.
    made = [Notification(None, agent_id, ticket_id, notice.kind, notice.text, at,
                         source_event_id=source, breached=notice.breach)
            for agent_id in sorted(agent_ids)]
    if not folds(notice.kind, ticket_id):
        return [announcement(n) for n in uow.notifications.add(made)]
    told = (_fold_in(uow, n, fold_window) for n in made)
    return [announcement(n) for n in told if n is not None]


def _fold_in(uow: UnitOfWork, incoming: Notification,
             window: timedelta) -> Notification | None:
    """Add ``incoming``, or fold it into its agent's notice about the same ticket; returns
    the notice to announce, if its agent should hear of it."""
    assert incoming.ticket_id is not None
    # Twice at most: a fold another relay started meanwhile is folded into on the second.
    for _ in range(2):
        previous = uow.notifications.latest_about(incoming.agent_id, incoming.ticket_id,
                                                  incoming.kind)
        folding = fold(previous, incoming, window)
        if folding is None:
            return None
        if not folding.new:
            uow.notifications.refold(folding.notification)
            return folding.notification if folding.announce else None
        added = uow.notifications.add([folding.notification])
        if added:
            return added[0]
    return None


def announcement(notification: Notification) -> tuple[str, dict[str, Any]]:
    """The live message saying ``notification`` is new (its number, never its text)."""
    return LIVE_TOPIC, {"agent_id": notification.agent_id,
                        "notification_id": notification.id,
                        "ticket_id": notification.ticket_id}


def _recipients(uow: UnitOfWork, notice: Notice, place: dict[str, Any]) -> list[int]:
    """Active agents the notice is for, each once: those the event named, or a rule's
    target resolved against where the ticket is now."""
    if notice.target == "coordinators":
        return active_coordinator_ids(uow.agents.all())
    if notice.target == "team":
        team = place.get("team_id")
        return [a.id for a in uow.agents.all() if a.id is not None and a.active
                and isinstance(team, int) and team in a.team_ids]
    if notice.target is None:
        wanted = list(notice.agent_ids)
    elif notice.target == "assignee":
        wanted = [place["assignee_id"]] if isinstance(place.get("assignee_id"), int) else []
    else:  # "agent"
        wanted = [notice.target_agent_id] if notice.target_agent_id is not None else []
    found = []
    for agent_id in dict.fromkeys(wanted):
        agent = uow.agents.get(agent_id)
        if agent is not None and agent.active:
            found.append(agent_id)
    return found


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


# --- the agent's own notifications ------------------------------------------------------------

def list_notifications(uows: UnitOfWorkFactory, actor: Agent, *, unread_only: bool = False,
                       limit: int = 50) -> list[Notification]:
    """The caller's notifications, newest first: nobody reads another agent's."""
    if not 1 <= limit <= MAX_LISTED:
        raise ValidationFailed(f"limit must be between 1 and {MAX_LISTED}",
                               {"limit": "out of range"})
    assert actor.id is not None
    with uows(write=False) as uow:
        return uow.notifications.for_agent(actor.id, unread_only=unread_only, limit=limit)


def unread_count(uows: UnitOfWorkFactory, actor: Agent) -> int:
    assert actor.id is not None
    with uows(write=False) as uow:
        return uow.notifications.unread_count(actor.id)


def mark_read(uows: UnitOfWorkFactory, actor: Agent, notification_id: int, *,
              now: datetime | None = None) -> None:
    """Mark one of the caller's notifications read (again: no change); another agent's is
    not found, like one that does not exist."""
    assert actor.id is not None
    with uows() as uow:
        if uow.notifications.mark_read(actor.id, notification_id, now or utcnow()) is None:
            raise NotFound(f"notification #{notification_id} was not found")
        uow.commit()


def mark_all_read(uows: UnitOfWorkFactory, actor: Agent, *,
                  now: datetime | None = None) -> int:
    """Mark every unread notification of the caller read; returns how many there were."""
    assert actor.id is not None
    with uows() as uow:
        marked = uow.notifications.mark_all_read(actor.id, now or utcnow())
        uow.commit()
    return marked


class NotificationUseCases:
    """``app.notifications``: the caller's own notifications."""

    def __init__(self, uows: UnitOfWorkFactory, clock: Callable[[], datetime]) -> None:
        self._uows, self._clock = uows, clock

    def list(self, actor: Agent, *, unread_only: bool = False,
             limit: int = 50) -> list[Notification]:
        return list_notifications(self._uows, actor, unread_only=unread_only, limit=limit)

    def unread_count(self, actor: Agent) -> int:
        return unread_count(self._uows, actor)

    def mark_read(self, actor: Agent, notification_id: int, *,
                  now: datetime | None = None) -> None:
        mark_read(self._uows, actor, notification_id, now=now or self._clock())

    def mark_all_read(self, actor: Agent, *, now: datetime | None = None) -> int:
        return mark_all_read(self._uows, actor, now=now or self._clock())
