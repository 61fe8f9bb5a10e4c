"""The handoff and escalation use cases bound to their dependencies, for `Application`
(``app.handoffs``, ``app.escalations``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.handoffs import HandoffNote, HandoffStatus, Ola, SendBackCause
from hubdesk.services import escalation, handoff_board, handoff_reports, handoffs
from hubdesk.services.fair_share import FairShare
from hubdesk.services.intake import IntakeTools
from hubdesk.services.ports import UnitOfWorkFactory
from hubdesk.services.views import HandoffView, TicketDetail


class _Bound:
    def __init__(self, uows: UnitOfWorkFactory, tools: IntakeTools,
                 clock: Callable[[], datetime]) -> None:
        self._uows = uows
        self._tools = tools
        self._clock = clock

    def _now(self, now: datetime | None) -> datetime:
        return now or self._clock()


class HandoffUseCases(_Bound):
    def __init__(self, uows: UnitOfWorkFactory, tools: IntakeTools,
                 clock: Callable[[], datetime], *, share: FairShare | None = None) -> None:
        super().__init__(uows, tools, clock)
        self._share = share or FairShare()

    def open(self, actor: Agent, ticket_id: int, new: handoffs.NewHandoff, *,
             now: datetime | None = None) -> HandoffView:
        return handoffs.open_handoff(self._uows, actor, ticket_id, new, now=self._now(now),
                                     tools=self._tools)

    def note(self, actor: Agent, handoff_id: int, body: str, *,
             now: datetime | None = None) -> HandoffNote:
        return handoffs.add_note(self._uows, actor, handoff_id, body, now=self._now(now),
                                 tools=self._tools)

    def transition(self, actor: Agent, handoff_id: int, status: HandoffStatus,
                   text: str | None = None, *, cause: SendBackCause | None = None,
                   now: datetime | None = None) -> HandoffView:
        return handoffs.transition(self._uows, actor, handoff_id, status, text, cause=cause,
                                   now=self._now(now), tools=self._tools)

    def send_back(self, actor: Agent, handoff_id: int, cause: SendBackCause, *,
                  now: datetime | None = None) -> HandoffView:
        """The ticket's side sends the answer back for more, saying why."""
        return self.transition(actor, handoff_id, HandoffStatus.IN_PROGRESS, cause=cause,
                               now=now)

    def start(self, actor: Agent, handoff_id: int, *,
              now: datetime | None = None) -> HandoffView:
        return self.transition(actor, handoff_id, HandoffStatus.IN_PROGRESS, now=now)

    def answer(self, actor: Agent, handoff_id: int, answer: str, *,
               now: datetime | None = None) -> HandoffView:
        return self.transition(actor, handoff_id, HandoffStatus.ANSWERED, answer, now=now)

    def done(self, actor: Agent, handoff_id: int, *,
             now: datetime | None = None) -> HandoffView:
        return self.transition(actor, handoff_id, HandoffStatus.DONE, now=now)

    def reject(self, actor: Agent, handoff_id: int, reason: str, *,
               now: datetime | None = None) -> HandoffView:
        return self.transition(actor, handoff_id, HandoffStatus.REJECTED, reason, now=now)

    def assign(self, actor: Agent, handoff_id: int, assignee_id: int | None, *,
               now: datetime | None = None) -> HandoffView:
        return handoffs.assign_handoff(self._uows, actor, handoff_id, assignee_id,
                                       now=self._now(now))

    def get(self, actor: Agent, handoff_id: int, *,
            now: datetime | None = None) -> HandoffView:
        return handoffs.get_handoff(self._uows, actor, handoff_id, now=self._now(now))

    def of_ticket(self, actor: Agent, ticket_id: int, *,
                  now: datetime | None = None) -> list[HandoffView]:
        return handoffs.ticket_handoffs(self._uows, actor, ticket_id, now=self._now(now))

    def queue(self, actor: Agent, *, department_id: int | None = None,
              statuses: tuple[HandoffStatus, ...] = (), limit: int = 100,
              now: datetime | None = None) -> list[HandoffView]:
        return handoffs.department_queue(self._uows, actor, department_id=department_id,
                                         statuses=statuses, limit=limit, now=self._now(now))

    def board(self, actor: Agent, *, department_id: int | None = None,
              statuses: tuple[HandoffStatus, ...] = (), limit: int = 100,
              now: datetime | None = None) -> handoff_board.HandoffBoard:
        """The console's handoffs board: per department its counts and its handoffs."""
        return handoff_board.handoff_board(self._uows, actor, department_id=department_id,
                                           statuses=statuses, limit=limit,
                                           now=self._now(now))

    def set_ola(self, actor: Agent, department_id: int, data: handoffs.OlaInput | None, *,
                now: datetime | None = None) -> Ola | None:
        return handoffs.set_ola(self._uows, actor, department_id, data, now=self._now(now))

    def ola(self, actor: Agent, department_id: int) -> Ola | None:
        return handoffs.get_ola(self._uows, actor, department_id)

    def climb_ladders(self, *, now: datetime | None = None, limit: int = 200) -> int:
        """Fire the escalation steps due now (the periodic job calls this)."""
        return handoffs.climb_ladders(self._uows, self._now(now), limit)

    def report(self, actor: Agent, since: datetime, until: datetime, *,
               now: datetime | None = None) -> handoff_reports.HandoffReport:
        with self._share.turn(actor):
            return handoff_reports.handoff_turnaround(self._uows, actor, since, until,
                                                      now=self._now(now))


class EscalationUseCases(_Bound):
    def escalate(self, actor: Agent, ticket_id: int, reason: str, *,
                 team_id: int | None = None, now: datetime | None = None) -> TicketDetail:
        return escalation.escalate_ticket(self._uows, actor, ticket_id, reason,
                                          team_id=team_id, now=self._now(now),
                                          tools=self._tools)

    def deescalate(self, actor: Agent, ticket_id: int, reason: str, *,
                   now: datetime | None = None) -> TicketDetail:
        return escalation.deescalate_ticket(self._uows, actor, ticket_id, reason,
                                            now=self._now(now), tools=self._tools)
