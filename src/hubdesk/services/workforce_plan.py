"""Forecasting a team's contacts from the desk's own tickets, staffing them interval by
interval, and drafting a team's week with the team scheduler (`workforce/`).

Days, half-hour intervals and shift templates follow the local clock of the team's time zone
(`teams.time_zone`; a team without one, and the desk as a whole, follow the desk's,
`HUBDESK_WFM_TIMEZONE`): a day starts at local midnight, so a day with a clock change has 46 or
50 intervals, and a 09:00 shift starts at 09:00 local time whatever the offset. Instants stay
UTC. A ticket is one contact, counted in the interval it was opened in; a day between the first
ticket of the history and the day before the forecast with no ticket at an interval counts zero
there (the desk was recording).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from hubdesk.domain.agents import Agent, Role, Team
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.schedules import PlannedShift, ScheduleStatus, TeamWeek, WorkRules
from hubdesk.domain.tickets import Channel
from hubdesk.services.ports import UnitOfWork
from hubdesk.workforce.forecast import forecast
from hubdesk.workforce.handling import MIN_TICKETS, TicketTrail, estimate_handling
from hubdesk.workforce.series import history_from_rows
from hubdesk.workforce.staffing import staff_intervals
from hubdesk.workforce.targets import Target
from hubdesk.workforce.team_instance import Contract, ShiftTemplate, TeamAgent, TeamInstance

INTERVAL_MINUTES = 30
HISTORY_DAYS = 56
MAX_DAYS = 14
DEFAULT_AHT_S = 600.0
HANDLING_SAMPLE = 2000  # latest tickets the handling time is measured on
SKILL = "desk"  # the team's forecast is one queue: every member can serve it
SCHEDULED_ROLES = frozenset({Role.REPRESENTATIVE, Role.TEAM_LEAD})
# Shift templates of 8.5 hours with a 30-minute break half-way (8 paid hours), covering
# 06:00–24:00; a template must end by midnight in the team model.
TEMPLATES = (ShiftTemplate("early", 6 * 60, 17, 8), ShiftTemplate("day", 9 * 60, 17, 8),
             ShiftTemplate("middle", 12 * 60, 17, 8), ShiftTemplate("late", 15 * 60 + 30, 17, 8))
FULL_TIME = Contract("full_time", 32.0, 40.0, 5, tuple(t.name for t in TEMPLATES))
REST_HOURS = 11.0
# What an approved change request must keep: the rules the scheduler drafts the week by.
WORK_RULES = WorkRules(REST_HOURS, FULL_TIME.max_hours, FULL_TIME.max_days,
                       FULL_TIME.min_hours)


@dataclass(frozen=True)
class StaffingGoal:
    """What to staff for: ``service_level`` of contacts answered within ``answer_within_s``,
    at ``aht_s`` seconds handled per contact (None: measured from the tickets the forecast
    reads, or ``fallback_aht_s`` when they are too few), rostering for ``shrinkage``.
    ``level_from``: the first day of a lasting change of volume the planner knows of (a
    launch, a client gained or lost), read from the days since however few
    (`workforce/level_shift`); None: a change is looked for in the history."""

    service_level: float = 0.8
    answer_within_s: float = 20.0
    aht_s: float | None = None
    shrinkage: float = 0.0
    fallback_aht_s: float = DEFAULT_AHT_S
    level_from: date | None = None

    def target(self) -> Target:
        return Target(service_level=self.service_level, answer_within_s=self.answer_within_s)

    def __post_init__(self) -> None:
        if not 0 <= self.shrinkage < 1:
            raise ValidationFailed("shrinkage is a fraction from 0 up to (not including) 1",
                                   {"shrinkage": "out of range"})
        for value in (self.aht_s, self.fallback_aht_s):
            if value is not None and not 0 < value <= 86_400:
                raise ValidationFailed("aht_s is the seconds spent per contact, above 0 and "
                                       "at most a day", {"aht_s": "out of range"})
        self.target()  # refuses impossible targets (100 %, negative times) with the field


@dataclass(frozen=True)
class PlanInterval:
    start: datetime
    forecast: float
    lower: float
    upper: float
    required: int  # agents answering, by Erlang C
    staff: float  # rostered, after shrinkage


@dataclass(frozen=True)
class StaffingPlan:
    team_id: int | None
    first_day: date
    days: int
    interval_minutes: int
    goal: StaffingGoal
    history_days: int
    methods: dict[str, str]
    notes: list[str]
    intervals: list[PlanInterval] = field(default_factory=list)
    aht_s: float = DEFAULT_AHT_S  # the handling time staffed with
    aht_method: str = ""  # where it came from
    zone: tzinfo = UTC  # whose local days and intervals these are


STEP = timedelta(minutes=INTERVAL_MINUTES)


def zone_of(team: Team | None, desk: tzinfo) -> tzinfo:
    """The zone a team plans in: its own, or the desk's."""
    return ZoneInfo(team.time_zone) if team is not None and team.time_zone else desk


def team_zone(uow: UnitOfWork, team_id: int | None, desk: tzinfo) -> tzinfo:
    """The zone ``team_id`` plans in (the desk's for the whole desk); an unknown team is not
    found."""
    if team_id is None:
        return desk
    team = uow.structure.get_team(team_id)
    if team is None:
        raise NotFound(f"team {team_id} was not found")
    return zone_of(team, desk)


def day_start(day: date, zone: tzinfo = UTC) -> datetime:
    """The UTC instant the local day begins."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def interval_starts(first_day: date, days: int, zone: tzinfo = UTC) -> list[datetime]:
    """Every interval of the local days, in UTC: 46 or 50 a day when the clock changes."""
    start, end = day_start(first_day, zone), day_start(first_day + timedelta(days=days), zone)
    return [start + i * STEP for i in range(int((end - start) / STEP))]


def interval_counts(times: list[datetime], zone: tzinfo = UTC) -> Counter[datetime]:
    """Tickets per interval start (intervals aligned on the local clock)."""
    counts: Counter[datetime] = Counter()
    for moment in times:
        local = moment.astimezone(zone)
        into = timedelta(minutes=local.minute % INTERVAL_MINUTES, seconds=local.second,
                         microseconds=local.microsecond)
        counts[(moment - into).astimezone(UTC)] += 1
    return counts


def _history_rows(uow: UnitOfWork, team_id: int | None, first_day: date,
                  channel: Channel | None, zone: tzinfo) -> list[tuple[datetime, float]]:
    until = day_start(first_day, zone)
    counts = interval_counts(uow.workforce.arrival_times(
        team_id, until - timedelta(days=HISTORY_DAYS), until,
        channel.value if channel is not None else None), zone)
    if not counts:
        return []
    start = day_start(local_day(min(counts), zone), zone)
    return [(s, float(counts.get(s, 0)))
            for s in (start + i * STEP for i in range(int((until - start) / STEP)))]


def handling_time(uow: UnitOfWork, team_id: int | None, first_day: date,
                  channel: Channel | None, goal: StaffingGoal,
                  zone: tzinfo = UTC) -> tuple[float, str]:
    """Seconds handled per contact and how they were found: given, measured from the same
    tickets the forecast reads (`workforce/handling.py`), or the desk's setting when those
    are too few, with the reason."""
    if goal.aht_s is not None:
        return goal.aht_s, "given with the request"
    until = day_start(first_day, zone)
    # Work on several of these tickets at once is shared between them (the agents' other
    # tickets, of other teams or channels, are not read: their overlap is not seen).
    measured = estimate_handling(
        TicketTrail(tuple((a, w) for a, w, _ in messages), assigned,
                    tuple(who for _, _, who in messages))
        for messages, assigned in uow.workforce.message_trails(
            team_id, until - timedelta(days=HISTORY_DAYS), until,
            channel.value if channel is not None else None, HANDLING_SAMPLE))
    if measured.seconds is not None:
        return measured.seconds, measured.method
    return goal.fallback_aht_s, (
        f"the desk's setting HUBDESK_WFM_AHT_S ({goal.fallback_aht_s:g} s): only "
        f"{measured.tickets} ticket{'s' * (measured.tickets != 1)} in the {HISTORY_DAYS} days "
        f"before {first_day.isoformat()} had an agent message to measure, at least "
        f"{MIN_TICKETS} are needed")


def staffing_plan(uow: UnitOfWork, team_id: int | None, first_day: date, days: int,
                  goal: StaffingGoal, channel: Channel | None = None,
                  zone: tzinfo = UTC) -> StaffingPlan:
    """The forecast of ``days`` local days from ``first_day`` from the history before it,
    staffed; with ``channel``, of that channel's tickets only."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"forecast 1 to {MAX_DAYS} days", {"days": "out of range"})
    rows = _history_rows(uow, team_id, first_day, channel, zone)
    if not rows:
        notes = [f"no tickets in the {HISTORY_DAYS} days before {first_day.isoformat()}: "
                 "nothing to forecast from, so the forecast is 0 contacts in every interval "
                 "(method no_history); staff by hand until the desk has a day of history"]
        points = [(s, 0.0, 0.0, 0.0) for s in interval_starts(first_day, days, zone)]
        methods = {"all": "no_history"}
        history_days = 0
    else:
        history = history_from_rows(rows, INTERVAL_MINUTES, zone)
        result = forecast(history, days, first_day=first_day, level_from=goal.level_from)
        notes = list(result.notes)
        history_days = len({local_day(s, zone) for s, _ in rows})
        if history_days < 7:
            notes.insert(0, f"only {history_days} day{'s' * (history_days != 1)} of tickets: "
                         "too little history for weekly patterns, so each interval is the "
                         "mean at that time of day (method time_of_day_average)")
        points = [(p.start, p.contacts, p.lower, p.upper) for p in result.points]
        methods = dict(result.method_by_horizon)
    aht_s, aht_method = handling_time(uow, team_id, first_day, channel, goal, zone)
    staffed = staff_intervals([(s, c) for s, c, _, _ in points], INTERVAL_MINUTES * 60,
                              aht_s, goal.target(), goal.shrinkage)
    intervals = [PlanInterval(s, c, lo, up, i.requirement.agents, i.requirement.staff)
                 for (s, c, lo, up), i in zip(points, staffed.intervals, strict=True)]
    return StaffingPlan(team_id, first_day, days, INTERVAL_MINUTES, goal, history_days,
                        methods, notes, intervals, aht_s, aht_method, zone)


# --- drafting a week --------------------------------------------------------------------------

def team_agents(uow: UnitOfWork, team_id: int) -> list[Agent]:
    return sorted((a for a in uow.agents.all() if a.active and team_id in a.team_ids
                   and a.role in SCHEDULED_ROLES), key=lambda a: (a.name, a.id or 0))


def demand_for_week(plan: StaffingPlan, required: Mapping[datetime, int] | None = None
                    ) -> tuple[tuple[int, ...], list[str]]:
    """Agents needed per local interval of the week (day × 48 half hours of the local clock),
    and notes on demand no template can reach. ``required`` per interval start, if given,
    replaces the plan's. The hour a clock change repeats needs the larger of its two
    requirements; the hour it skips needs no one."""
    demand, dropped = _week_demand(plan, required)
    return demand, _night_notes(plan, dropped)


def demand_by_group(plan: StaffingPlan, shares: Mapping[str, float]
                    ) -> tuple[dict[str, tuple[int, ...]], list[str]]:
    """The week's demand per group of contacts: the forecast times the group's share,
    staffed with Erlang C on its own (agents of one group do not answer another's)."""
    if set(shares) <= {SKILL}:
        demand, notes = demand_for_week(plan)
        return {SKILL: demand}, notes
    demands, dropped = {}, 0
    for name, share in sorted(shares.items()):
        staffed = staff_intervals([(i.start, i.forecast * share) for i in plan.intervals],
                                  INTERVAL_MINUTES * 60, plan.aht_s, plan.goal.target(),
                                  plan.goal.shrinkage)
        demands[name], left = _week_demand(plan, {
            i.start: s.requirement.agents for i, s in zip(plan.intervals, staffed.intervals,
                                                          strict=True)})
        dropped += left
    return demands, _night_notes(plan, dropped)


def week_demand(plan: StaffingPlan, required: Mapping[datetime, int] | None
                ) -> tuple[tuple[int, ...], int]:
    """Agents needed per local interval of the week (``required`` per interval start, or the
    plan's own), and the agent-half-hours no template reaches."""
    return _week_demand(plan, required)


def _week_demand(plan: StaffingPlan, required: Mapping[datetime, int] | None
                 ) -> tuple[tuple[int, ...], int]:
    per_day = 24 * 60 // INTERVAL_MINUTES
    reachable = {o for t in TEMPLATES for o in range(
        t.start_minute // INTERVAL_MINUTES, t.start_minute // INTERVAL_MINUTES +
        t.length_intervals)}
    demand, dropped = [0] * (plan.days * per_day), 0
    for interval in plan.intervals:
        need = interval.required if required is None else required.get(interval.start, 0)
        local = interval.start.astimezone(plan.zone)
        day = (local.date() - plan.first_day).days
        slot = (local.hour * 60 + local.minute) // INTERVAL_MINUTES
        if not 0 <= day < plan.days:
            continue
        if slot not in reachable:
            dropped += need
            continue
        demand[day * per_day + slot] = max(demand[day * per_day + slot], need)
    return tuple(demand), dropped


def _night_notes(plan: StaffingPlan, dropped: int) -> list[str]:
    return [f"{dropped} agent-half-hours needed before 06:00 {zone_name(plan.zone)} are "
            "left out: no shift template covers the night"] if dropped else []


def zone_name(zone: tzinfo) -> str:
    """Europe/Paris for a zone read by name; UTC for UTC."""
    return str(getattr(zone, "key", None) or zone)


def team_instance(agents: list[Agent], demand: Mapping[str, tuple[int, ...]] | tuple[int, ...],
                  days: int, serves: Mapping[int, frozenset[str]] | None = None,
                  pools: Mapping[frozenset[str], tuple[int, ...]] | None = None
                  ) -> TeamInstance:
    """The team for the scheduler: demand per group (one tuple: one queue everyone serves),
    each agent placed only in the groups ``serves`` gives them (default: every group); with
    ``pools``, what sets of groups need together (`services/workforce_groups.py`)."""
    by_group = demand if isinstance(demand, Mapping) else {SKILL: demand}
    return TeamInstance(
        interval_minutes=INTERVAL_MINUTES, days=days, templates=TEMPLATES,
        contracts=(FULL_TIME,), rest_hours=REST_HOURS,
        agents=tuple(TeamAgent(str(a.id), FULL_TIME.name, serves.get(a.id or 0, frozenset(
            {SKILL})) if serves is not None else frozenset(by_group)) for a in agents),
        demand=dict(by_group), pools=dict(pools or {}))


def shifts_of(team: TeamInstance, week_start: date,
              assignments: list[tuple[str, int, str]],
              zone: tzinfo = UTC) -> tuple[PlannedShift, ...]:
    """The scheduler's (agent, day, template) answers as shifts starting at the template's
    local time, lasting its length (stored as UTC instants)."""
    step = timedelta(minutes=team.interval_minutes)
    shifts = []
    for agent, day, name in assignments:
        template = team.template_by_name[name]
        starts = datetime.combine(week_start + timedelta(days=day),
                                  time(template.start_minute // 60, template.start_minute % 60),
                                  tzinfo=zone).astimezone(UTC)
        rest = (starts + template.break_offset * step, starts + (template.break_offset + 1)
                * step) if template.break_offset is not None else (None, None)
        shifts.append(PlannedShift(None, int(agent), starts,
                                   starts + template.length_intervals * step, *rest))
    return tuple(sorted(shifts, key=lambda s: (s.starts_at, s.agent_id)))


def draft_week(team_id: int, week_start: date, shifts: tuple[PlannedShift, ...]) -> TeamWeek:
    return TeamWeek(None, team_id, week_start, ScheduleStatus.DRAFT, shifts)
