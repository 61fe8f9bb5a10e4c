"""Workforce in the desk: staffing charts from the desk's own tickets, a team's week drafted by
the team scheduler, edited, swapped and published by coordinators; agents' own shifts and their
requests to change them. One transaction each; the solver runs between a read and a write, so
no transaction is held open while it thinks, and an infeasible week saves nothing.

Adherence and intraday staffing are in `services/workforce_floor.py`.

Agents hear of what changes their own schedule through the outbox (`schedule.<what>`, each
naming the agents concerned; `services/notifications.py` turns them into notices): a week
published, a coordinator's change to their shifts in a published week, their change request
answered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.schedules import (
    ChangeRequest,
    PlannedShift,
    RequestKind,
    RequestStatus,
    ScheduleStatus,
    ShiftInput,
    TeamWeek,
    check_may_plan,
    check_min_hours,
    check_no_overlap,
    check_work_rules,
    monday_of,
    on_clock,
    requested,
    swapped,
)
from hubdesk.domain.tickets import Channel
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.workforce_groups import pools_for, team_groups
from hubdesk.services.workforce_plan import (
    HISTORY_DAYS,
    WORK_RULES,
    StaffingGoal,
    StaffingPlan,
    day_start,
    demand_by_group,
    draft_week,
    shifts_of,
    staffing_plan,
    team_agents,
    team_instance,
    team_zone,
)
from hubdesk.workforce.team_schedule import solve_team

WEEK = timedelta(days=7)
MAX_RANGE = timedelta(days=62)


@dataclass(frozen=True)
class DraftOutcome:
    week: TeamWeek
    problems: list[str]  # what the schedule leaves short (an interval, a contract minimum)
    notes: list[str]  # about the forecast and the demand behind it
    optimal: bool


def _team_known(uow: UnitOfWork, team_id: int | None) -> None:
    if team_id is not None and not uow.structure.team_exists(team_id):
        raise NotFound(f"team {team_id} was not found")


def staffing(uows: UnitOfWorkFactory, actor: Agent, team_id: int | None, first_day: date,
             days: int, goal: StaffingGoal, channel: Channel | None = None,
             zone: tzinfo = UTC) -> StaffingPlan:
    """``zone``: the desk's; a team with its own plans in that."""
    check_may_plan(actor)
    with uows(write=False) as uow:
        return staffing_plan(uow, team_id, first_day, days, goal, channel,
                             team_zone(uow, team_id, zone))


def generate_draft(uows: UnitOfWorkFactory, actor: Agent, team_id: int, week_start: date,
                   goal: StaffingGoal, *, now: datetime, zone: tzinfo = UTC,
                   time_limit_s: float = 30.0) -> DraftOutcome:
    """Forecast and staff the week (Monday to Sunday, the one ``week_start`` falls in),
    schedule the team's agents to it, keep it as the draft.

    A week that cannot be scheduled (team_checks' counting bounds name the rule or interval)
    raises before anything is written; a published week is never overwritten. Days and
    shift templates follow the team's clock (``zone``, the desk's, when it has none)."""
    check_may_plan(actor)
    week_start = monday_of(week_start)
    with uows(write=False) as uow:
        zone = team_zone(uow, team_id, zone)
        agents = team_agents(uow, team_id)
        plan = staffing_plan(uow, team_id, week_start, 7, goal, zone=zone)
        until = day_start(week_start, zone)
        groups = team_groups(uow, team_id, agents, until - timedelta(days=HISTORY_DAYS), until)
    if not agents:
        raise ValidationFailed(f"team {team_id} has no active representatives or team leads "
                               "to schedule", {"team_id": "no agents"})
    demand, demand_notes = demand_by_group(plan, groups.shares)
    pools, pool_notes = pools_for(plan, groups.shares, groups.members, demand)
    team = team_instance(agents, demand, 7, groups.members, pools)
    solved = solve_team(team, time_limit_s=time_limit_s)
    shifts = shifts_of(team, week_start, [(a.agent, a.day, a.template)
                                          for a in solved.assignments], zone)
    names = {str(a.id): a.name for a in agents}
    problems = [_named(line, names) for line in solved.explanation()]
    with uows() as uow:
        existing = uow.workforce.week(team_id, week_start)
        if existing is not None and existing.status is ScheduleStatus.PUBLISHED:
            raise Conflict(f"the week of {week_start.isoformat()} is published: edit its "
                           "shifts instead of drafting it again")
        if existing is not None and existing.id is not None:
            uow.workforce.replace_shifts(existing.id, shifts)
            uow.workforce.touch(existing.id, ScheduleStatus.DRAFT, actor.id, now)
            schedule_id = existing.id
        else:
            schedule_id = uow.workforce.add(draft_week(team_id, week_start, shifts),
                                            actor.id, now)
        week = uow.workforce.get(schedule_id)
        uow.commit()
    assert week is not None
    return DraftOutcome(week, problems, plan.notes + groups.notes + demand_notes + pool_notes,
                        solved.optimal)


def _named(line: str, names: dict[str, str]) -> str:
    """The scheduler names agents by id; say their names."""
    for ident, name in names.items():
        line = line.replace(f"agent {ident} ", f"{name} ")
    return line


def start_week(uows: UnitOfWorkFactory, actor: Agent, team_id: int, week_start: date, *,
               now: datetime) -> TeamWeek:
    """An empty draft week, for a coordinator who plans by hand."""
    check_may_plan(actor)
    week_start = monday_of(week_start)
    with uows() as uow:
        _team_known(uow, team_id)
        if uow.workforce.week(team_id, week_start) is not None:
            raise Conflict(f"team {team_id} already has a schedule for the week of "
                           f"{week_start.isoformat()}")
        created = _schedule(uow, uow.workforce.add(draft_week(team_id, week_start, ()),
                                                   actor.id, now), for_update=False)
        uow.commit()
    return created


def week(uows: UnitOfWorkFactory, actor: Agent, team_id: int, week_start: date
         ) -> TeamWeek | None:
    check_may_plan(actor)
    week_start = monday_of(week_start)
    with uows(write=False) as uow:
        _team_known(uow, team_id)
        return uow.workforce.week(team_id, week_start)


def list_schedules(uows: UnitOfWorkFactory, actor: Agent, team_id: int | None = None,
                   status: ScheduleStatus | None = None, limit: int = 100) -> list[TeamWeek]:
    """Stored weeks, the latest first."""
    check_may_plan(actor)
    if not 1 <= limit <= 1000:
        raise ValidationFailed("list 1 to 1000 schedules", {"limit": "out of range"})
    with uows(write=False) as uow:
        _team_known(uow, team_id)
        return uow.workforce.weeks(team_id, status, limit)


def get_schedule(uows: UnitOfWorkFactory, actor: Agent, schedule_id: int) -> TeamWeek:
    check_may_plan(actor)
    with uows(write=False) as uow:
        return _schedule(uow, schedule_id, for_update=False)


def _schedule(uow: UnitOfWork, schedule_id: int, *, for_update: bool = True) -> TeamWeek:
    found = uow.workforce.get(schedule_id, for_update=for_update)
    if found is None or found.id is None:
        raise NotFound(f"schedule {schedule_id} was not found")
    return found


def _check_shift_fits(uow: UnitOfWork, schedule: TeamWeek, shift: PlannedShift,
                      zone: tzinfo) -> None:
    agent = uow.agents.get(shift.agent_id)
    if agent is None or not agent.active or schedule.team_id not in agent.team_ids:
        raise ValidationFailed(f"agent {shift.agent_id} is not an active member of the team",
                               {"agent_id": "not in the team"})
    if not day_start(schedule.week_start, zone) <= shift.starts_at < day_start(
            schedule.week_start + WEEK, zone):
        raise ValidationFailed(f"the shift starts outside the week of "
                               f"{schedule.week_start.isoformat()}",
                               {"starts_at": "outside the week"})


def _tell(uow: UnitOfWork, topic: str, schedule: TeamWeek, agent_ids: set[int],
          now: datetime, **details: object) -> None:
    """Tell ``agent_ids`` (after commit) that their schedule in ``schedule``'s week changed."""
    if agent_ids:
        uow.outbox.put(topic, {
            "schedule_id": schedule.id, "team_id": schedule.team_id,
            "week_start": schedule.week_start.isoformat(), "agent_ids": sorted(agent_ids),
            "at": now.isoformat(), **details}, now)


def _tell_if_published(uow: UnitOfWork, schedule: TeamWeek, agent_ids: set[int],
                       now: datetime) -> None:
    """A draft is nobody's schedule yet: only a published week's changes are told."""
    if schedule.status is ScheduleStatus.PUBLISHED:
        _tell(uow, "schedule.changed", schedule, agent_ids, now)


def _changed(uow: UnitOfWork, actor: Agent, schedule: TeamWeek, now: datetime) -> TeamWeek:
    assert schedule.id is not None
    uow.workforce.touch(schedule.id, schedule.status, actor.id, now)
    return _schedule(uow, schedule.id, for_update=False)


def save_shift(uows: UnitOfWorkFactory, actor: Agent, schedule_id: int, given: ShiftInput,
               *, shift_id: int | None = None, now: datetime,
               zone: tzinfo = UTC) -> TeamWeek:
    """Add a shift (no ``shift_id``) or change one: its agent, times or break (times
    without an offset are on the team's clock)."""
    check_may_plan(actor)
    with uows() as uow:
        schedule = _schedule(uow, schedule_id)
        zone = team_zone(uow, schedule.team_id, zone)
        shift = given.on_clock(zone).planned(shift_id)
        _check_shift_fits(uow, schedule, shift, zone)
        others = [s for s in schedule.shifts if s.id != shift.id]
        if shift.id is not None and len(others) == len(schedule.shifts):
            raise NotFound(f"shift {shift.id} is not in schedule {schedule_id}")
        check_no_overlap([*others, shift])
        if shift.id is None:
            uow.workforce.add_shift(schedule_id, shift)
        else:
            uow.workforce.save_shift(shift)
        _tell_if_published(uow, schedule, {shift.agent_id} | {
            s.agent_id for s in schedule.shifts if s.id == shift.id}, now)
        changed = _changed(uow, actor, schedule, now)
        uow.commit()
    return changed


def delete_shift(uows: UnitOfWorkFactory, actor: Agent, schedule_id: int, shift_id: int, *,
                 now: datetime) -> TeamWeek:
    check_may_plan(actor)
    with uows() as uow:
        schedule = _schedule(uow, schedule_id)
        if all(s.id != shift_id for s in schedule.shifts):
            raise NotFound(f"shift {shift_id} is not in schedule {schedule_id}")
        uow.workforce.delete_shift(shift_id)
        _tell_if_published(uow, schedule, {s.agent_id for s in schedule.shifts
                                           if s.id == shift_id}, now)
        changed = _changed(uow, actor, schedule, now)
        uow.commit()
    return changed


def swap_shifts(uows: UnitOfWorkFactory, actor: Agent, schedule_id: int, first_id: int,
                second_id: int, *, now: datetime) -> TeamWeek:
    """Two agents exchange two shifts of the week; refused if either would then work two
    shifts at once."""
    check_may_plan(actor)
    with uows() as uow:
        schedule = _schedule(uow, schedule_id)
        result = swapped(list(schedule.shifts), first_id, second_id)
        for shift in result:
            if shift.id in (first_id, second_id):
                uow.workforce.save_shift(shift)
        _tell_if_published(uow, schedule, {s.agent_id for s in schedule.shifts
                                           if s.id in (first_id, second_id)}, now)
        changed = _changed(uow, actor, schedule, now)
        uow.commit()
    return changed


def publish(uows: UnitOfWorkFactory, actor: Agent, schedule_id: int, *,
            now: datetime) -> TeamWeek:
    """The week becomes what the team's agents see; later edits show at once."""
    check_may_plan(actor)
    with uows() as uow:
        schedule = _schedule(uow, schedule_id)
        if not schedule.shifts:
            raise ValidationFailed("the schedule has no shifts to publish",
                                   {"shifts": "empty"})
        check_no_overlap(schedule.shifts)
        uow.workforce.touch(schedule_id, ScheduleStatus.PUBLISHED, actor.id, now)
        _tell(uow, "schedule.published", schedule, {s.agent_id for s in schedule.shifts}, now)
        published = _schedule(uow, schedule_id, for_update=False)
        uow.commit()
    return published


# --- the agents' side -------------------------------------------------------------------------

def _range(since: datetime, until: datetime) -> None:
    if until <= since or until - since > MAX_RANGE:
        raise ValidationFailed("ask for a range of up to 62 days that ends after it starts",
                               {"until": "out of range"})


def my_shifts(uows: UnitOfWorkFactory, actor: Agent, since: datetime,
              until: datetime) -> list[PlannedShift]:
    """The caller's published shifts overlapping [since, until)."""
    _range(since, until)
    if actor.id is None:
        return []
    with uows(write=False) as uow:
        return uow.workforce.published_shifts(since, until, [actor.id])


@dataclass(frozen=True)
class WantedChange:
    """What approving a request should do: a swap with ``swap_shift_id``, a day off, or the
    shift at ``new_starts_at``–``new_ends_at``; a note changes nothing by itself."""

    kind: RequestKind = RequestKind.NOTE
    swap_shift_id: int | None = None
    new_starts_at: datetime | None = None
    new_ends_at: datetime | None = None


def request_change(uows: UnitOfWorkFactory, actor: Agent, shift_id: int | None, note: str,
                   wanted: WantedChange = WantedChange(), *, now: datetime,
                   zone: tzinfo = UTC) -> ChangeRequest:
    """An agent asks for a change to one of their shifts (or to their schedule at large);
    a swap names a published shift of another agent in the same week. New times without an
    offset are on the clock of the shift's team (``zone``, the desk's, when it has none)."""
    if actor.id is None:
        raise PermissionDenied("only a desk member has a schedule")
    with uows() as uow:
        published = uow.workforce.published_shifts(now - MAX_RANGE, now + MAX_RANGE)
        own = {s.id for s in published if s.agent_id == actor.id}
        if shift_id is not None and shift_id not in own:
            raise NotFound(f"shift {shift_id} is not one of your published shifts")
        wanted = _on_team_clock(uow, wanted, shift_id, zone)
        request = ChangeRequest(None, actor.id, shift_id, note.strip() if isinstance(
            note, str) else note, created_at=now, kind=wanted.kind,
            swap_shift_id=wanted.swap_shift_id, new_starts_at=wanted.new_starts_at,
            new_ends_at=wanted.new_ends_at)
        request.check_complete()
        if wanted.kind is RequestKind.SWAP:
            _check_swap_partner(uow, shift_id, wanted.swap_shift_id, actor.id,
                                {s.id for s in published})
        created = replace(request, id=uow.workforce.add_request(request, now))
        uow.commit()
    return created


def _on_team_clock(uow: UnitOfWork, wanted: WantedChange, shift_id: int | None,
                   desk: tzinfo) -> WantedChange:
    if all(t is None or t.tzinfo is not None for t in (wanted.new_starts_at,
                                                       wanted.new_ends_at)):
        return wanted
    schedule_id = uow.workforce.shift_schedule(shift_id) if shift_id is not None else None
    schedule = uow.workforce.get(schedule_id) if schedule_id is not None else None
    zone = team_zone(uow, schedule.team_id, desk) if schedule is not None else desk
    return replace(wanted, new_starts_at=on_clock(wanted.new_starts_at, zone),
                   new_ends_at=on_clock(wanted.new_ends_at, zone))


def _check_swap_partner(uow: UnitOfWork, shift_id: int | None, other_id: int | None,
                        agent_id: int, published: set[int | None]) -> None:
    other = uow.workforce.shift_schedule(other_id) if other_id in published and \
        other_id is not None else None
    if other is None or other != uow.workforce.shift_schedule(shift_id or 0):
        raise ValidationFailed("swap with a published shift of the same team's week",
                               {"swap_shift_id": "not in the week"})
    schedule = uow.workforce.get(other)
    partner = next((s.agent_id for s in schedule.shifts if s.id == other_id), None) \
        if schedule is not None else None
    if partner == agent_id:
        raise ValidationFailed("that shift is yours already: swap with another agent's",
                               {"swap_shift_id": "same agent"})
    found = uow.agents.get(partner) if partner is not None else None
    if found is None or not found.active:  # as `workforce_swaps.swap_options` offers
        raise ValidationFailed("that shift's agent is no longer active: swap with an active "
                               "agent's shift", {"swap_shift_id": "inactive agent"})


def requests(uows: UnitOfWorkFactory, actor: Agent, status: RequestStatus | None = None
             ) -> list[ChangeRequest]:
    """Coordinators see every request; anyone else their own."""
    if not actor.oversees_everything and actor.id is None:
        return []
    with uows(write=False) as uow:
        return uow.workforce.requests(None if actor.oversees_everything else actor.id, status)


def answer_request(uows: UnitOfWorkFactory, actor: Agent, request_id: int, approve: bool,
                   answer: str | None, *, now: datetime, zone: tzinfo = UTC) -> ChangeRequest:
    """Approving a swap, a day off or a time change changes the week in the same transaction;
    a change that would break a contract rule (rest between shifts, hours or days in the
    week, or take the agent below the minimum hours) or make shifts overlap is refused with
    the rule named, and nothing is saved."""
    check_may_plan(actor)
    status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    with uows() as uow:
        request = uow.workforce.get_request(request_id)
        if request is None:
            raise NotFound(f"request {request_id} was not found")
        if request.status is not RequestStatus.OPEN:
            raise Conflict(f"request {request_id} was already answered")
        schedule = _request_week(uow, request)
        if approve and request.kind is not RequestKind.NOTE:
            if schedule is None:
                raise Conflict("the shift of this request was removed: decline it, or edit "
                               "the week by hand")
            _apply(uow, actor, schedule, request, now,
                   team_zone(uow, schedule.team_id, zone))
        if not uow.workforce.answer_request(request_id, status, (answer or "").strip() or None,
                                            actor.id, now):
            raise Conflict(f"request {request_id} was already answered")
        _tell_answer(uow, request, status, schedule, now)
        answered = uow.workforce.get_request(request_id)
        uow.commit()
    assert answered is not None
    return answered


def _request_week(uow: UnitOfWork, request: ChangeRequest) -> TeamWeek | None:
    """The week of the request's shift (locked), if the shift is still there."""
    schedule_id = uow.workforce.shift_schedule(request.shift_id) \
        if request.shift_id is not None else None
    return _schedule(uow, schedule_id) if schedule_id is not None else None


def _tell_answer(uow: UnitOfWork, request: ChangeRequest, status: RequestStatus,
                 schedule: TeamWeek | None, now: datetime) -> None:
    details = {"request_id": request.id, "request_kind": request.kind.value,
               "status": status.value}
    if schedule is not None:
        _tell(uow, "schedule.request_answered", schedule, {request.agent_id}, now, **details)
    else:
        uow.outbox.put("schedule.request_answered", {
            "agent_ids": [request.agent_id], "at": now.isoformat(), **details}, now)


def _apply(uow: UnitOfWork, actor: Agent, schedule: TeamWeek, request: ChangeRequest,
           now: datetime, zone: tzinfo) -> None:
    result = requested(request, list(schedule.shifts))
    changed = [s for s in result if s not in schedule.shifts]
    for shift in changed:
        _check_shift_fits(uow, schedule, shift, zone)
    _check_work_rules(uow, schedule, result, {s.agent_id for s in changed} | {request.agent_id},
                      zone)
    if request.kind is RequestKind.DAY_OFF:
        assert request.shift_id is not None
        uow.workforce.delete_shift(request.shift_id)
    for shift in changed:
        uow.workforce.save_shift(shift)
    # The one who asked hears the answer; whoever else the change moves hears of the change.
    _tell_if_published(uow, schedule, {s.agent_id for s in changed} - {request.agent_id}, now)
    _changed(uow, actor, schedule, now)


def _check_work_rules(uow: UnitOfWork, schedule: TeamWeek, shifts: list[PlannedShift],
                      agent_ids: set[int], zone: tzinfo) -> None:
    """Each agent's shifts of the changed week and of the published days either side."""
    week_from = day_start(schedule.week_start, zone)
    around = [s for s in uow.workforce.published_shifts(
        week_from - timedelta(days=2), week_from + WEEK + timedelta(days=2), sorted(agent_ids))
        if s.id not in {o.id for o in schedule.shifts}]
    names = uow.agents.names(agent_ids)
    for agent_id in sorted(agent_ids):
        name = names.get(agent_id, f"agent {agent_id}")
        check_work_rules(name, [s for s in [*shifts, *around] if s.agent_id == agent_id],
                         schedule.week_start, zone, WORK_RULES)
        check_min_hours(name, [s for s in schedule.shifts if s.agent_id == agent_id],
                        [s for s in shifts if s.agent_id == agent_id], schedule.week_start,
                        zone, WORK_RULES)
