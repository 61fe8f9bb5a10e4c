"""Managing SLA policies and business calendars: one transaction each, for managers and
administrators. A change that may move open tickets to another policy (a policy created,
edited, moved in the order, deactivated or deleted) or change their deadlines (a calendar
replaced) matches those tickets again, keeping the time they have used
(`services/sla_rematch.py`: in the change's own transaction, or for very many tickets
through a background job the change records). Nothing is stored half-way: a refused change
leaves the old policy and every clock as they were. Each change answers what it did to open
tickets (`Rematch`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.calendar_trial import (
    Deadline,
    Elapsed,
    TargetsDue,
    deadline,
    elapsed,
    targets_due,
)
from hubdesk.domain.calendars import BusinessCalendar, check_reachable
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import Conflict, NotFound, ValidationFailed
from hubdesk.domain.permissions import check_sla_admin
from hubdesk.domain.sla import NamedCalendar, SlaPolicy
from hubdesk.domain.sla.policies import ALWAYS_OPEN, check_ever_open
from hubdesk.domain.sla.ticket_rules import RematchScope, policy_change_scope
from hubdesk.domain.tickets import Priority
from hubdesk.services.ports import DuplicateKey, UnitOfWork, UnitOfWorkFactory
from hubdesk.services.sla import SlaSetup, calendar_from_form
from hubdesk.services.sla_rematch import Rematch, rematch

MAX_ICAL_CHARACTERS = 1_000_000


@dataclass(frozen=True)
class PolicySaved:
    policy: SlaPolicy
    rematch: Rematch


@dataclass(frozen=True)
class CalendarSaved:
    calendar: NamedCalendar
    rematch: Rematch


@contextmanager
def _unique(label: str, name: str) -> Iterator[None]:
    try:
        yield
    except DuplicateKey as error:
        raise Conflict(f"an SLA {label} named {name!r} already exists; choose another "
                       "name") from error


def calendar_from_input(name: object, form: object, ical: str | None) -> NamedCalendar:
    """Validate a calendar as given to the API: a name, the plain form, an optional
    iCalendar file's text whose events become holidays and closures."""
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise ValidationFailed("a calendar needs a name of at most 200 characters",
                               {"name": "required"})
    if not isinstance(form, Mapping):
        raise ValidationFailed("a calendar is an object", {"calendar": "not an object"})
    calendar = BusinessCalendar.from_dict(form)
    check_ever_open(calendar)
    if ical is not None:
        if len(ical) > MAX_ICAL_CHARACTERS:
            raise ValidationFailed("the iCalendar file is too long", {"ical": "too long"})
        try:
            calendar = calendar.with_holidays_from_ical(ical)
        except ValidationFailed as error:
            why = ("spells out too many holidays" if "too many" in error.fields.values()
                   else "does not parse")
            raise ValidationFailed(f"ical: {error}", {"ical": why}) from None
    return NamedCalendar(None, name.strip(), calendar)


def list_calendars(uows: UnitOfWorkFactory, actor: Agent) -> list[NamedCalendar]:
    check_sla_admin(actor)
    with uows(write=False) as uow:
        return uow.sla.calendars()


def get_calendar(uows: UnitOfWorkFactory, actor: Agent, calendar_id: int) -> NamedCalendar:
    check_sla_admin(actor)
    with uows(write=False) as uow:
        return _calendar(uow, calendar_id)


def calendar_deadline(uows: UnitOfWorkFactory, actor: Agent, calendar_id: int,
                      start: datetime, target: timedelta) -> Deadline:
    """When a target started at ``start`` falls due on a stored calendar."""
    return deadline(get_calendar(uows, actor, calendar_id).calendar, start, target)


def calendar_elapsed(uows: UnitOfWorkFactory, actor: Agent, calendar_id: int,
                     start: datetime, end: datetime) -> Elapsed:
    """The business time a stored calendar counts between two moments."""
    return elapsed(get_calendar(uows, actor, calendar_id).calendar, start, end)


def policy_deadlines(uows: UnitOfWorkFactory, actor: Agent, policy_id: int,
                     priority: Priority, start: datetime) -> TargetsDue:
    """When each target a policy sets for ``priority`` falls due, started at ``start`` (a
    ticket's arrival; a next response from a customer's message), on the policy's calendar
    as the clocks read it."""
    check_sla_admin(actor)
    with uows(write=False) as uow:
        setup = SlaSetup.load(uow)  # what the clocks read, policies and calendars at once
    policy = setup.policy_of(policy_id)
    if policy is None:
        raise NotFound(f"SLA policy {policy_id} was not found")
    calendar = setup.calendar(policy)
    return targets_due(calendar, start, policy.targets.get(priority, {}))


def create_calendar(uows: UnitOfWorkFactory, actor: Agent, named: NamedCalendar, *,
                    now: datetime | None = None) -> NamedCalendar:
    check_sla_admin(actor)
    with _unique("calendar", named.name), uows() as uow:
        calendar_id = uow.sla.add_calendar(named, now or utcnow())
        uow.commit()
    return NamedCalendar(calendar_id, named.name, named.calendar)


def update_calendar(uows: UnitOfWorkFactory, actor: Agent, calendar_id: int,
                    named: NamedCalendar, *, now: datetime | None = None) -> CalendarSaved:
    """Replace a calendar; the live clocks of every policy on it go on under the new hours
    from now, keeping the business time they had used."""
    check_sla_admin(actor)
    at = now or utcnow()
    changed = NamedCalendar(calendar_id, named.name, named.calendar)
    with _unique("calendar", named.name), uows() as uow:
        _calendar(uow, calendar_id)
        before = SlaSetup.load(uow)
        users = [p for p in before.policies if p.calendar_id == calendar_id]
        for policy in users:
            check_reachable(named.calendar, at, policy.longest_target(), "hours",
                            f"the longest target of the policy {policy.name!r}")
        uow.sla.save_calendar(changed, at)
        policy_ids = frozenset(p.id for p in users if p.id is not None)
        done = rematch(uow, RematchScope(policy_ids), at, before,
                       f"SLA calendar {named.name!r} replaced")
        uow.commit()
    return CalendarSaved(changed, done)


def delete_calendar(uows: UnitOfWorkFactory, actor: Agent, calendar_id: int) -> None:
    check_sla_admin(actor)
    with uows() as uow:
        _calendar(uow, calendar_id)
        users = [p.name for p in uow.sla.policies() if p.calendar_id == calendar_id]
        if users:
            raise Conflict(f"the calendar is used by the policy {users[0]!r}; give that "
                           "policy another calendar first")
        uow.sla.delete_calendar(calendar_id)
        uow.commit()


def list_policies(uows: UnitOfWorkFactory, actor: Agent) -> list[SlaPolicy]:
    check_sla_admin(actor)
    with uows(write=False) as uow:
        return uow.sla.policies()


def get_policy(uows: UnitOfWorkFactory, actor: Agent, policy_id: int) -> SlaPolicy:
    check_sla_admin(actor)
    with uows(write=False) as uow:
        return _policy(uow, policy_id)


def create_policy(uows: UnitOfWorkFactory, actor: Agent, form: Mapping[str, Any], *,
                  now: datetime | None = None) -> PolicySaved:
    """A new policy governs every new ticket it is the first to match, and the open tickets
    it now is the first to match, from now on (their clocks keep the time used)."""
    check_sla_admin(actor)
    at = now or utcnow()
    policy = replace(SlaPolicy.from_dict(form), saved_by_id=actor.id)
    with _unique("policy", policy.name), uows() as uow:
        _check_calendar(uow, policy, at)
        before = SlaSetup.load(uow)
        policy = replace(policy, id=uow.sla.add_policy(policy, at))
        done = rematch(uow, policy_change_scope(None, policy), at, before,
                       f"SLA policy {policy.name!r} created")
        uow.commit()
    return PolicySaved(policy, done)


def update_policy(uows: UnitOfWorkFactory, actor: Agent, policy_id: int,
                  form: Mapping[str, Any], *, now: datetime | None = None) -> PolicySaved:
    """Replace a policy (its conditions, order, targets, ladder, calendar, or whether it is
    active); the open tickets it governed or now may govern are matched again and go on under
    the policy that governs them now, keeping the business time used."""
    check_sla_admin(actor)
    at = now or utcnow()
    policy = replace(SlaPolicy.from_dict(form, policy_id=policy_id), saved_by_id=actor.id)
    with _unique("policy", policy.name), uows() as uow:
        old = _policy(uow, policy_id)
        _check_calendar(uow, policy, at)
        before = SlaSetup.load(uow)
        uow.sla.save_policy(policy, at)
        done = rematch(uow, policy_change_scope(old, policy), at, before,
                       f"SLA policy {policy.name!r} saved")
        uow.commit()
    return PolicySaved(policy, done)


def delete_policy(uows: UnitOfWorkFactory, actor: Agent, policy_id: int, *,
                  now: datetime | None = None) -> Rematch:
    """Remove a policy; its tickets are matched again (another policy, or clocks stopped)."""
    check_sla_admin(actor)
    at = now or utcnow()
    with uows() as uow:
        old = _policy(uow, policy_id)
        before = SlaSetup.load(uow)
        uow.sla.delete_policy(policy_id)
        done = rematch(uow, policy_change_scope(old, None), at, before,
                       f"SLA policy {old.name!r} deleted")
        uow.commit()
    return done


def _check_calendar(uow: UnitOfWork, policy: SlaPolicy, at: datetime) -> None:
    """The calendar the policy runs on (stored, inline or none: around the clock) exists,
    and the policy's longest target ends on it."""
    calendar = ALWAYS_OPEN
    if policy.calendar_id is not None:
        stored = uow.sla.get_calendar(policy.calendar_id)
        if stored is None:
            raise ValidationFailed(f"there is no calendar {policy.calendar_id}",
                                   {"calendar_id": "unknown"})
        calendar = stored.calendar
    elif policy.calendar is not None:
        calendar = calendar_from_form(dict(policy.calendar))
    check_reachable(calendar, at, policy.longest_target(), "targets",
                    "the policy's longest target")


def _calendar(uow: UnitOfWork, calendar_id: int) -> NamedCalendar:
    found = uow.sla.get_calendar(calendar_id)
    if found is None:
        raise NotFound(f"calendar {calendar_id} was not found")
    return found


def _policy(uow: UnitOfWork, policy_id: int) -> SlaPolicy:
    found = next((p for p in uow.sla.policies() if p.id == policy_id), None)
    if found is None:
        raise NotFound(f"SLA policy {policy_id} was not found")
    return found
