"""How a ticket's changes move its SLA clocks: the rules, computed from values passed in.

- A new ticket governed by a policy starts its first-response and resolution clocks (paused
  from the start if its status is one the policy pauses on).
- An agent's public reply meets the first-response and the running next-response clock.
- A customer's message starts the next-response clock (a new cycle), unless the first
  response is still awaited or an earlier message is already waiting.
- A status the policy pauses on pauses the live clocks; leaving it resumes them.
- Solving meets the resolution clock and stops the response clocks; reopening resumes the
  resolution clock with the time it had used; closing or merging away stops everything.
- A change of priority, category, team, channel or requester (anything a policy is matched
  on) is matched again: clocks keep the business time used so far and go on under the new
  policy's goal and calendar; a target the new policy does not set is stopped. A change of
  the policies themselves, or of a requester's tier or organisation, matches again the open
  tickets it may move (`RematchScope`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.events import EventKind, TicketEvent
from hubdesk.domain.sla.clocks import ClockStatus, SlaClock
from hubdesk.domain.sla.policies import LadderStep, SlaPolicy, SlaTarget
from hubdesk.domain.tickets import Status, Ticket

# Fields a policy's conditions read: a change to one of them matches the ticket again. The
# requester brings their tier and organisation (a merge of customers moves tickets).
MATCHED_FIELDS = frozenset({"priority", "category", "team_id", "channel", "requester_id"})
# A customer's fields a policy's conditions read: saving one matches their open tickets again.
CUSTOMER_MATCHED_FIELDS = frozenset({"tier", "organisation_id"})
_RESPONSES = (SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE)
_STARTED_ON_CREATION = (SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION)


@dataclass(frozen=True)
class Governing:
    """The policy that governs a ticket now, with its calendar resolved."""

    policy: SlaPolicy
    calendar: BusinessCalendar

    def goal(self, ticket: Ticket, target: SlaTarget) -> timedelta | None:
        minutes = self.policy.goal_minutes(ticket.priority, target)
        return None if minutes is None else timedelta(minutes=minutes)


CalendarOf = Callable[[int | None], BusinessCalendar]  # the calendar of a clock's policy


@dataclass(frozen=True)
class RematchScope:
    """The open tickets whose governing policy a change may have moved: those with a live
    clock under one of ``policy_ids``, and those meeting one of ``conditions`` (a policy's
    conditions; an empty one meets every ticket), all limited to ``customer_id``'s tickets
    when it is given. Matching a ticket again that the change did not move changes nothing,
    so a scope may be wider than the tickets moved, never narrower."""

    policy_ids: frozenset[int] = frozenset()
    conditions: tuple[Mapping[str, frozenset[Any]], ...] = ()
    customer_id: int | None = None

    @property
    def empty(self) -> bool:
        return not self.policy_ids and not self.conditions

    def to_dict(self) -> dict[str, Any]:
        return {"policy_ids": sorted(self.policy_ids),
                "conditions": [{key: sorted(values, key=str) for key, values in c.items()}
                               for c in self.conditions],
                "customer_id": self.customer_id}

    @classmethod
    def from_dict(cls, form: Mapping[str, Any]) -> RematchScope:
        return cls(frozenset(form.get("policy_ids", ())),
                   tuple({key: frozenset(values) for key, values in c.items()}
                         for c in form.get("conditions", ())),
                   form.get("customer_id"))


@dataclass(frozen=True)
class RematchRun:
    """A re-matching too large for the change's own transaction, walked in ticket id order:
    ``after_ticket_id`` is the last ticket done, ``before`` the calendar form each policy's
    clocks ran on until ``at`` (by policy id), so the time they used is measured on it."""

    id: int | None
    reason: str
    at: datetime
    scope: RematchScope
    before: Mapping[int, Mapping[str, Any]]
    total: int
    after_ticket_id: int = 0
    done: int = 0
    changed: int = 0
    finished_at: datetime | None = None


def policy_change_scope(before: SlaPolicy | None, after: SlaPolicy | None) -> RematchScope:
    """The tickets a policy's creation (``before`` None), edit, move in the order,
    deactivation or deletion (``after`` None) may move: those it governed (their clocks run
    under it) and those its conditions, old or new, select, which it may now take from
    another policy, or from none."""
    policy_ids = frozenset(p.id for p in (before, after) if p is not None and p.id is not None)
    conditions = []
    for policy in (before, after):
        if policy is not None and policy.active and policy.conditions not in conditions:
            conditions.append(policy.conditions)
    return RematchScope(policy_ids, tuple(conditions))


def customer_scope(customer_id: int) -> RematchScope:
    """Every open ticket of a customer whose tier or organisation changed."""
    return RematchScope(conditions=({},), customer_id=customer_id)


@dataclass
class TicketClocks:
    """A ticket's clocks by target, and the rules that move them."""

    ticket: Ticket
    clocks: dict[SlaTarget, SlaClock]
    governing: Governing | None
    calendar_of: CalendarOf

    def apply(self, event: TicketEvent) -> None:
        at, kind = event.at, event.kind
        if kind is EventKind.CREATED:
            self.start_missing(at, _STARTED_ON_CREATION)
        elif kind is EventKind.REPLIED:
            for target in _RESPONSES:
                self._each(target, lambda clock: clock.meet(at, self._calendar(clock)))
        elif kind is EventKind.CUSTOMER_REPLIED:
            self._customer_waits(at)
        elif kind is EventKind.STATUS_CHANGED:
            old, new = event.changes["status"]
            self._status_changed(Status(old), Status(new), at)
        elif kind in (EventKind.UPDATED, EventKind.ASSIGNED) \
                and MATCHED_FIELDS & set(event.changes):
            self.rematch(at)
        elif kind is EventKind.MERGED_INTO:
            for clock in self.clocks.values():
                clock.stop(at, self._calendar(clock), "merged")

    def start_missing(self, at: datetime, targets: tuple[SlaTarget, ...]) -> None:
        governing = self.governing
        if governing is None or self.ticket.status in (Status.SOLVED, Status.CLOSED):
            return
        for target in targets:
            goal = governing.goal(self.ticket, target)
            if goal is not None and target not in self.clocks:
                self.clocks[target] = SlaClock.start(
                    target, governing.policy.id, goal, at, governing.calendar,
                    governing.policy.ladder_for(target), paused=self._paused())

    def rematch(self, at: datetime, *, before: CalendarOf | None = None) -> None:
        """Go on under the governing policy from ``at`` (``before`` gives the calendar each
        clock ran on until now, when it differs from its policy's current one)."""
        governing = self.governing
        for clock in self.clocks.values():
            calendar_before = (before or self.calendar_of)(clock.policy_id)
            goal = governing.goal(self.ticket, clock.target) if governing else None
            if governing is None or goal is None:
                clock.stop(at, calendar_before, "no policy sets this target")
                continue
            clock.recompute(at, before=calendar_before, calendar=governing.calendar,
                            ladder=governing.policy.ladder_for(clock.target), goal=goal,
                            policy_id=governing.policy.id)
        if self.ticket.status is Status.NEW:
            self.start_missing(at, _STARTED_ON_CREATION)
        else:
            self.start_missing(at, (SlaTarget.RESOLUTION,))

    # --- inside --------------------------------------------------------------------------

    def _customer_waits(self, at: datetime) -> None:
        governing = self.governing
        first = self.clocks.get(SlaTarget.FIRST_RESPONSE)
        if governing is None or (first is not None and first.live):
            return
        goal = governing.goal(self.ticket, SlaTarget.NEXT_RESPONSE)
        clock = self.clocks.get(SlaTarget.NEXT_RESPONSE)
        if goal is None or (clock is not None and clock.live):
            return
        if self.ticket.status in (Status.SOLVED, Status.CLOSED):
            return
        if clock is None:
            self.clocks[SlaTarget.NEXT_RESPONSE] = SlaClock.start(
                SlaTarget.NEXT_RESPONSE, governing.policy.id, goal, at, governing.calendar,
                governing.policy.ladder_for(SlaTarget.NEXT_RESPONSE), paused=self._paused())
        else:
            clock.restart(at, governing.calendar,
                          governing.policy.ladder_for(SlaTarget.NEXT_RESPONSE), goal=goal,
                          policy_id=governing.policy.id, paused=self._paused())

    def _status_changed(self, old: Status, new: Status, at: datetime) -> None:
        if new is Status.SOLVED:
            self._each(SlaTarget.RESOLUTION, lambda c: c.meet(at, self._calendar(c)))
            for target in _RESPONSES:
                self._each(target, lambda c: c.stop(at, self._calendar(c), "solved"))
        elif new is Status.CLOSED:
            for clock in self.clocks.values():
                clock.stop(at, self._calendar(clock), "closed")
        elif self._paused():
            for clock in self.clocks.values():
                clock.pause(at, self._calendar(clock))
        else:
            for clock in self.clocks.values():
                if clock.status is ClockStatus.PAUSED:
                    clock.resume(at, self._calendar(clock), self._ladder(clock))
            resolution = self.clocks.get(SlaTarget.RESOLUTION)
            if old is Status.SOLVED and resolution is not None \
                    and resolution.status is ClockStatus.MET:
                resolution.resume(at, self._calendar(resolution), self._ladder(resolution),
                                  reopened=True)
            self.start_missing(at, (SlaTarget.RESOLUTION,))

    def _each(self, target: SlaTarget, change: Callable[[SlaClock], None]) -> None:
        clock = self.clocks.get(target)
        if clock is not None:
            change(clock)

    def _paused(self) -> bool:
        return self.governing is not None and self.governing.policy.pauses(self.ticket.status)

    def _calendar(self, clock: SlaClock) -> BusinessCalendar:
        return self.calendar_of(clock.policy_id)

    def _ladder(self, clock: SlaClock) -> tuple[LadderStep, ...]:
        return self.governing.policy.ladder_for(clock.target) if self.governing else ()
