"""Matching open tickets again after a change that may move them to another SLA policy: a
policy created, edited, moved in the order, deactivated or deleted, a calendar replaced, a
customer's tier or organisation changed.

How it stays fast at hundreds of thousands of tickets: the tickets a change may move are
narrowed in SQL by the changed policies' conditions (old and new) and by the clocks running
under them (`store/sla_rematch.py`), never by loading every ticket. Up to ``SYNC_LIMIT`` of
them are matched again inside the change's own transaction, so the change and its clocks
commit or roll back together. More than that are left to a background job
(`jobs/sla.py`): the change records a run with the calendars the clocks ran on until then,
and the job walks the run's tickets in id order, ``BATCH`` tickets per transaction, keeping
its place (the last ticket id done) in the run's row in the same transaction. So a run is
resumable after a crash or a restart; it is idempotent, since matching a ticket again that
is already matched changes nothing; and two workers at once take turns on the run's row lock
(each ticket's row is locked too, as every change of its clocks does). Runs are walked
oldest first, so a ticket two changes move goes through them in order, each from its own
instant, and the time its clocks used in between is measured on the calendar then in force.

Each clock matched again keeps the business time it has used, goes on under the governing
policy's goal, ladder and calendar from the change's instant, and says so in its history
(recomputed, started or stopped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.permissions import check_sla_admin
from hubdesk.domain.sla.ticket_rules import (
    CalendarOf,
    RematchRun,
    RematchScope,
    customer_scope,
)
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.sla import SlaSetup, calendar_from_form, recompute_tickets

SYNC_LIMIT = 500  # tickets matched again in the change's own transaction
BATCH = 500  # tickets per transaction of the background job
CUSTOMER_CONDITIONS = frozenset({"customer_tier", "organisation_id"})


@dataclass(frozen=True)
class Rematch:
    """What a change did to open tickets: ``tickets`` matched again at once (``changed`` of
    them had a clock move), or ``queued`` left to the background job as run ``run_id``."""

    tickets: int = 0
    changed: int = 0
    queued: int = 0
    run_id: int | None = None

    def describe(self) -> str:
        """One sentence for the person who made the change."""
        if self.queued:
            return (f"{self.queued} open tickets are being matched again to their SLA policy "
                    "in the background.")
        if self.tickets:
            return (f"{self.tickets} open tickets were matched again to their SLA policy; "
                    f"{self.changed} had their clocks changed.")
        return "No open ticket was affected."


@dataclass
class RematchProgress:
    """What one call of the background job did."""

    batches: int = 0
    tickets: int = 0
    changed: int = 0
    runs_finished: int = 0


def rematch(uow: UnitOfWork, scope: RematchScope, at: datetime, before: SlaSetup,
            reason: str) -> Rematch:
    """Match the open tickets in ``scope`` again, in this transaction if they are at most
    ``SYNC_LIMIT``, else through a run for the background job. ``before`` is the setup as it
    was before the change: the calendars the clocks ran on until ``at``."""
    if scope.empty:
        return Rematch()
    ids = uow.sla.rematch_candidates(scope, 0, SYNC_LIMIT + 1)
    if len(ids) <= SYNC_LIMIT:
        changed = recompute_tickets(uow, SlaSetup.load(uow), ids, at, before.calendar_of)
        return Rematch(tickets=len(ids), changed=changed)
    total = uow.sla.count_rematch_candidates(scope)
    snapshot = {policy.id: before.calendar(policy).to_dict()
                for policy in before.policies if policy.id is not None}
    run_id = uow.sla.add_rematch_run(RematchRun(None, reason, at, scope, snapshot, total))
    return Rematch(queued=total, run_id=run_id)


def rematch_customer(uow: UnitOfWork, customer_id: int, at: datetime) -> Rematch:
    """Match a customer's open tickets again after their tier or organisation changed: only
    when some active policy is matched on either, since otherwise none can move."""
    setup = SlaSetup.load(uow)
    if not any(policy.active and policy.conditions.keys() & CUSTOMER_CONDITIONS
               for policy in setup.policies):
        return Rematch()
    return rematch(uow, customer_scope(customer_id), at, setup,
                   f"customer {customer_id}'s tier or organisation changed")


def rematch_pending(uows: UnitOfWorkFactory, now: datetime, *, batch: int = BATCH,
                    max_batches: int = 200) -> RematchProgress:
    """Walk the unfinished runs, oldest first, ``batch`` tickets per transaction, for at most
    ``max_batches`` transactions (the next tick goes on from there)."""
    progress = RematchProgress()
    for _ in range(max_batches):
        with uows() as uow:
            run = uow.sla.next_rematch_run()
            if run is None:
                break
            assert run.id is not None
            ids = uow.sla.rematch_candidates(run.scope, run.after_ticket_id, batch)
            setup = SlaSetup.load(uow)
            changed = recompute_tickets(uow, setup, ids, run.at, _calendars_before(run, setup))
            finished = len(ids) < batch
            uow.sla.advance_rematch_run(run.id, ids[-1] if ids else run.after_ticket_id,
                                        len(ids), changed, now if finished else None)
            uow.commit()
        progress.batches += 1
        progress.tickets += len(ids)
        progress.changed += changed
        progress.runs_finished += finished
    return progress


def pending_runs(uows: UnitOfWorkFactory) -> list[RematchRun]:
    with uows(write=False) as uow:
        return uow.sla.rematch_runs(unfinished=True)


def runs_in_progress(uows: UnitOfWorkFactory, actor: Agent) -> list[RematchRun]:
    """What is still being matched again in the background, for those who manage SLAs: a
    manager who changed a policy over many tickets can watch it finish."""
    check_sla_admin(actor)
    return pending_runs(uows)


def _calendars_before(run: RematchRun, now: SlaSetup) -> CalendarOf:
    def calendar_of(policy_id: int | None) -> BusinessCalendar:
        form = run.before.get(policy_id) if policy_id is not None else None
        return calendar_from_form(dict(form)) if form is not None else now.calendar_of(
            policy_id)
    return calendar_of
