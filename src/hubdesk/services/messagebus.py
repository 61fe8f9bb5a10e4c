"""How capabilities react to ticket events, in two phases.

*In the transaction*: a handler registered with :meth:`MessageBus.on` runs while the change that
recorded the event is still uncommitted, with the same unit of work. What it changes (the
ticket, more events, its own tables) commits or rolls back with the change. SLA clocks,
routing state, automations and the on-arrival safety rules belong here.

*After commit*: a handler registered with :meth:`MessageBus.after_commit` receives the event's
outbox message once the outbox relay has picked it up, so it only ever sees what was committed;
it runs at least once (a failure is retried with the entries after it), so it must tolerate
seeing a message twice. Notifications, webhooks, live console updates and e-mail belong here.

Work that needs the ticket written (rows keyed by its id, a reply on it) goes through one
path, `EventContext.when_stored`: it runs in the same transaction, at once for a ticket that
exists, and for a new ticket right after its rows are written (`services/tickets.py`
`open_ticket`), in the order it was handed over. A handler that only ever does such work
registers with :meth:`MessageBus.on_stored`, which hands each call to that path. Such work
keeps its own rows; what it records on the ticket is saved after it.

Handlers are registered once, at bootstrap (`bootstrap.build_bus`); every unit of work carries
the bus, so no use case can commit a ticket change without its handlers having run.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar, cast

from hubdesk.domain.events import EventKind, TicketEvent
from hubdesk.domain.intake import Arrival
from hubdesk.domain.tickets import Ticket
from hubdesk.services.ports import UnitOfWork

# A handler that records events of its own triggers further handlers; this bounds a loop of
# handlers answering each other, which is a wiring bug, not something to run forever.
MAX_EVENTS_PER_CHANGE = 200
T = TypeVar("T")


StoredWork = Callable[[], None]


@dataclass(frozen=True)
class EventContext:
    """What an in-transaction handler works with.

    A new ticket's handlers run before it is written (so what they change is written with
    it) and it has no id yet; work that needs it written is handed to `when_stored`."""

    uow: UnitOfWork
    ticket: Ticket
    arrival: Arrival | None = None
    stored: list[StoredWork] = field(default_factory=list)
    _read: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, read: Callable[[], T]) -> T:
        """``read()``, called once per change however many of its events need it: for what
        the change itself does not alter (the desk's SLA policies, say)."""
        if key not in self._read:
            self._read[key] = read()
        return cast(T, self._read[key])

    def when_stored(self, work: StoredWork) -> None:
        """Run ``work`` once the ticket is written (``ticket.id`` is set by then): now, or
        right after a new ticket's rows are written."""
        if self.ticket.id is not None:
            work()
        else:
            self.stored.append(work)


InTransactionHandler = Callable[[TicketEvent, EventContext], None]
AfterCommitHandler = Callable[[str, dict[str, Any]], None]


class HandlerLoop(RuntimeError):
    """Handlers kept recording events for one change: two handlers are answering each other."""


class MessageBus:
    def __init__(self) -> None:
        self._during: dict[EventKind, list[InTransactionHandler]] = defaultdict(list)
        self._stored: dict[EventKind, list[InTransactionHandler]] = defaultdict(list)
        self._after: list[tuple[str, AfterCommitHandler]] = []

    def on(self, kinds: EventKind | tuple[EventKind, ...],
           handler: InTransactionHandler) -> None:
        """Run ``handler`` inside the transaction of every change recording one of ``kinds``."""
        for kind in (kinds,) if isinstance(kinds, EventKind) else kinds:
            self._during[kind].append(handler)

    def on_stored(self, kinds: EventKind | tuple[EventKind, ...],
                  handler: InTransactionHandler) -> None:
        """Like :meth:`on`, for handlers whose whole work needs the ticket written (see the
        module doc)."""
        for kind in (kinds,) if isinstance(kinds, EventKind) else kinds:
            self._stored[kind].append(handler)

    def handles(self, kind: EventKind, handler: InTransactionHandler) -> bool:
        """Whether ``handler`` runs in the transaction of changes recording ``kind``."""
        return handler in self._during.get(kind, ())

    def after_commit(self, topics: str, handler: AfterCommitHandler) -> None:
        """Run ``handler`` for each committed message whose topic matches ``topics`` (a topic
        such as ``ticket.created``, or a pattern such as ``ticket.*``)."""
        self._after.append((topics, handler))

    def handle(self, uow: UnitOfWork, ticket: Ticket,
               arrival: Arrival | None = None) -> EventContext:
        """Run the in-transaction handlers for ``ticket``'s pending events, including events
        the handlers themselves record, in the order they were recorded. Returns the change's
        context: its ``stored`` work is what is left for once a new ticket is written
        (`EventContext.when_stored`), in order."""
        context = EventContext(uow, ticket, arrival)
        index = 0
        while index < len(ticket.pending_events):
            if index >= MAX_EVENTS_PER_CHANGE:
                raise HandlerLoop(f"more than {MAX_EVENTS_PER_CHANGE} events for one change "
                                  f"of ticket #{ticket.id}")
            event = ticket.pending_events[index]
            for handler in self._during.get(event.kind, ()):
                handler(event, context)
            for handler in self._stored.get(event.kind, ()):
                context.when_stored(partial(handler, event, context))
            index += 1
        return context

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        """Deliver one committed outbox message to the after-commit handlers (the relay calls
        this like any other publisher)."""
        for pattern, handler in self._after:
            if fnmatch.fnmatchcase(topic, pattern):
                handler(topic, payload)

    @property
    def subscriptions(self) -> dict[str, list[str]]:
        """Which handlers listen to what, for documentation and diagnostics."""
        listed: dict[str, list[str]] = defaultdict(list)
        for kind, handlers in self._during.items():
            listed[f"in transaction: {kind.value}"] += [_name(h) for h in handlers]
        for kind, handlers in self._stored.items():
            listed[f"in transaction, once stored: {kind.value}"] += [_name(h) for h in handlers]
        for pattern, handler in self._after:
            listed[f"after commit: {pattern}"].append(_name(handler))
        return dict(listed)


def _name(handler: Callable[..., Any]) -> str:
    return getattr(handler, "__qualname__", None) or type(handler).__name__
