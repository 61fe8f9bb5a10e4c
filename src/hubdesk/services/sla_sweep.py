"""The SLA sweep: fire the warning-ladder steps and breaches that have come due.

A periodic job (`jobs/sla.py`) calls `sweep_due`. Each batch is one transaction: the tickets
with a running clock due by now are found through the index on ``next_due_at`` and locked
(on PostgreSQL, skipping tickets another transaction holds: that one sweeps them, and the
batch cut short does not end this sweep), their clocks advance, and every
step fired is claimed in ``sla_step_firings`` (unique per clock, cycle and step) in the same
transaction as its effects: a ticket event naming whom to notify (so the notification leaves
through the outbox once committed), a raised priority through the ticket's own ``update``, an
escalation to the next tier through the step a person's escalation takes
(`services/escalation.py` `escalate_on`), a breach recorded. A ticket is escalated once per
sweep, and not again by a clock whose cycle began before the escalation in force. Running
the sweep twice, or on two workers at once, never fires a step twice: the second finds the
clock moved on, and the claim is the last guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubdesk.domain.agents import Agent, Role, active_coordinator_ids
from hubdesk.domain.errors import Conflict, IllegalTransition
from hubdesk.domain.escalation import SlaCause, escalated_since
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.sla import LadderStep, SlaClock, StepAction
from hubdesk.domain.tickets import Priority, Ticket
from hubdesk.services.escalation import escalate_on
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.sla import SlaSetup
from hubdesk.services.tickets import flush_events

BATCH = 200
_HIGHER = {Priority.LOW: Priority.NORMAL, Priority.NORMAL: Priority.HIGH,
           Priority.HIGH: Priority.URGENT, Priority.URGENT: Priority.URGENT}


@dataclass
class SweepResult:
    tickets: int = 0
    steps_fired: int = 0
    breaches: int = 0


def sweep_due(uows: UnitOfWorkFactory, now: datetime, *, batch: int = BATCH,
              max_batches: int = 50) -> SweepResult:
    """Fire what is due by ``now``, a batch of tickets per transaction, until none is left
    (or ``max_batches``, so one tick never runs away; the rest waits for the next)."""
    result = SweepResult()
    for _ in range(max_batches):
        with uows() as uow:
            due = uow.sla.due_tickets(now, batch)
            if not due.ticket_ids:
                # Nothing due, or everything due is held by sweeps running beside this one:
                # each of them searches again once its batch is committed.
                break
            setup = SlaSetup.load(uow)
            staff = _Staff(uow)
            for ticket_id in due.ticket_ids:
                _sweep_ticket(uow, setup, staff, ticket_id, now, result)
            uow.commit()
        result.tickets += len(due.ticket_ids)
        # A batch smaller than asked is no sign of the end: tickets other sweeps hold were
        # skipped, and a ticket with two clocks due counts once. Only a search that saw
        # every clock due is the last.
        if due.seen_all:
            break
    return result


class _Staff:
    """Whom a step notifies; the agents are read once per batch, when first needed."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._agents: list[Agent] | None = None

    def recipients(self, ticket: Ticket, actions: tuple[StepAction, ...]) -> list[int]:
        found: list[int] = []
        if StepAction.NOTIFY_ASSIGNEE in actions and ticket.assignee_id is not None:
            found.append(ticket.assignee_id)
        if StepAction.NOTIFY_TEAM_LEADS in actions and ticket.team_id is not None:
            found += [a.id for a in self._active() if a.id is not None
                      and a.role is Role.TEAM_LEAD and ticket.team_id in a.team_ids]
        if StepAction.NOTIFY_COORDINATORS in actions:
            found += active_coordinator_ids(self._active())
        return list(dict.fromkeys(found))

    def _active(self) -> list[Agent]:
        if self._agents is None:
            self._agents = [a for a in self._uow.agents.all() if a.active]
        return self._agents


def _sweep_ticket(uow: UnitOfWork, setup: SlaSetup, staff: _Staff, ticket_id: int,
                  now: datetime, result: SweepResult) -> None:
    ticket = uow.tickets.get(ticket_id, for_update=True)
    if ticket is None:
        return
    # The ticket's row lock (taken by due_tickets, or here on SQLite's single writer) is
    # what every change of its clocks holds: the clocks themselves need no lock of their own.
    clocks = uow.sla.clocks(ticket_id)
    raise_priority = False
    escalating: list[tuple[SlaClock, LadderStep, dict[str, Any]]] = []
    for clock in clocks:
        breached_before = clock.breached_at is not None
        steps = clock.advance(now, setup.calendar_of(clock.policy_id),
                              setup.ladder_of(clock.policy_id, clock.target))
        for step in steps:
            assert clock.id is not None
            if not uow.sla.record_firing(clock.id, clock.cycle, step.at_percent, now):
                continue
            result.steps_fired += 1
            raise_priority |= StepAction.RAISE_PRIORITY in step.actions
            data = _step_data(clock, step, staff.recipients(ticket, step.actions))
            if StepAction.ESCALATE_TIER in step.actions:
                # The step's event is flushed below, once it says how the escalation went.
                escalating.append((clock, step, data))
            ticket.record(Actor.system(), EventKind.SLA_STEP_REACHED, now, data=data)
        if not breached_before and clock.breached_at is not None:
            result.breaches += 1
            ticket.record(Actor.system(), EventKind.SLA_BREACHED, now, data={
                "target": clock.target.value, "cycle": clock.cycle,
                "due_at": clock.breached_at.isoformat()})
    uow.sla.save_clocks(ticket_id, clocks)
    if raise_priority and ticket.merged_into_id is None and not ticket.is_closed \
            and ticket.priority is not Priority.URGENT:
        # Through the ticket's own update: its event re-matches the clocks (the handler).
        ticket.update(Actor.system(), now, priority=_HIGHER[ticket.priority])
    if escalating:
        _escalate(uow, setup, ticket, escalating, now)
    if ticket.pending_events:
        uow.tickets.save(ticket)
        flush_events(uow, ticket)


def _escalate(uow: UnitOfWork, setup: SlaSetup, ticket: Ticket,
              escalating: list[tuple[SlaClock, LadderStep, dict[str, Any]]],
              now: datetime) -> None:
    """Escalate for the first clock whose ladder asks it and whose cycle has had no
    escalation yet; what was done (or why not) goes into each step's event."""
    assert ticket.id is not None
    for clock, step, data in escalating:
        policy = setup.policy_of(clock.policy_id)
        if escalated_since(uow.handoffs.tier_steps(ticket.id), clock.started_at):
            data["escalation"] = "already escalated since this target's time began"
            continue
        ladder = list(setup.ladder_of(clock.policy_id, clock.target))
        cause = SlaCause(policy_id=clock.policy_id,
                         policy_name=policy.name if policy else f"#{clock.policy_id}",
                         target=clock.target.value,
                         step=ladder.index(step) + 1 if step in ladder else len(ladder),
                         at_percent=step.at_percent)
        what = "breached" if step.is_breach else f"reached {step.at_percent} %"
        try:
            reached = escalate_on(
                uow, ticket, f"SLA policy {cause.policy_name!r}: {clock.target.value} {what}",
                actor_id=None, at=now, cause=cause)
        except (Conflict, IllegalTransition) as refused:
            data["escalation"] = f"refused: {refused}"
            continue
        data["escalation"] = "escalated"
        data["escalated_to_tier"] = reached.tier


def _step_data(clock: SlaClock, step: LadderStep, notify: list[int]) -> dict[str, Any]:
    return {"target": clock.target.value, "cycle": clock.cycle, "at_percent": step.at_percent,
            "actions": [a.value for a in step.actions], "notify_agent_ids": notify,
            "due_at": clock.due_at.isoformat() if clock.due_at else None}
