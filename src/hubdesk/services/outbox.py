"""Relaying the outbox: what was committed is published at least once, in commit order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from hubdesk.domain.clock import utcnow
from hubdesk.domain.rules.usage import tally_firings
from hubdesk.services.ports import Publisher, UnitOfWork, UnitOfWorkFactory
from hubdesk.services.webhooks import enqueue_deliveries

MAX_ERROR_LENGTH = 2000
log = logging.getLogger(__name__)

# Work a relayed event queues in the relay's own transaction, so it is queued exactly when
# the event is handed on (webhook deliveries, customer mail).
FanOut = Callable[[UnitOfWork, str, dict[str, Any]], object]
# Fan-out work with something to say once it is committed (a new notification, for the live
# console): the messages it returns are published after the relay's commit, never before, so
# whoever hears one reads what it announces.
Announcing = Callable[[UnitOfWork, str, dict[str, Any]], list[tuple[str, dict[str, Any]]]]


def relay_outbox(uows: UnitOfWorkFactory, publisher: Publisher, *,
                 limit: int = 200, fan_out: Sequence[FanOut] = (),
                 announcing: Sequence[Announcing] = ()) -> int:
    """Publish up to ``limit`` unpublished entries; returns how many went out.

    Entries are claimed with row locks that concurrent relays skip (PostgreSQL), so several
    workers share the work without publishing an entry twice. A failed publish stays in the
    outbox with its error and is retried on the next pass; the ones after it wait, keeping
    consumers' order. Each published entry is queued for the webhooks that want it in the
    same transaction, so it fans out exactly once; rule firings among them are counted there
    too, once each.
    """
    published: list[int] = []
    relayed: list[dict[str, Any]] = []
    announcements: list[tuple[str, dict[str, Any]]] = []
    now = utcnow()
    with uows() as uow:
        entries = uow.outbox.claim(limit)
        subscriptions = uow.webhooks.active() if entries else []
        for entry_id, topic, payload in entries:
            message = {**payload, "outbox_id": entry_id}
            try:
                publisher.publish(topic, message)
            except Exception as error:  # whatever the bus raised, the entry is retried later
                uow.outbox.mark_failed(entry_id, f"{type(error).__name__}: {error}"[
                    :MAX_ERROR_LENGTH])
                break
            enqueue_deliveries(uow, topic, message, now, subscriptions)
            for queue in fan_out:
                queue(uow, topic, message)
            for queue_and_say in announcing:
                announcements += queue_and_say(uow, topic, message)
            published.append(entry_id)
            relayed.append(payload)
        if usage := tally_firings(relayed):
            uow.rules.count_usage(usage)
        uow.outbox.mark_published(published, now)
        uow.commit()
    _announce(publisher, announcements)
    return len(published)


def _announce(publisher: Publisher, announcements: list[tuple[str, dict[str, Any]]]) -> None:
    """Publish what committed fan-out work announced. Live news only: one that cannot go out
    is logged, and the console shows it on its next read."""
    for topic, payload in announcements:
        try:
            publisher.publish(topic, payload)
        except Exception:  # whatever the publisher raised, the work itself is committed
            log.exception("announcing %s failed", topic)
