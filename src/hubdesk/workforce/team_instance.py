"""A named team to schedule for a week: shift templates, contracts, skills, preferences, demand.

Intervals count from the first day's midnight (``day * intervals_per_day + index``). Demand is
per skill (a language or a competence) and interval: that many agents with the skill must be
working then, each serving one skill at a time.

With ``pools``, agents who have several skills are pooled instead: each skill's demand is what
it needs served alone, and each pool (a set of skills) gives what the skills need together,
served by anyone with one of them. Queueing makes a pooled requirement smaller than the sum
of its parts (Erlang C on the joint load), so the agents serving several skills count for each
of them rather than being split between them. Sets of skills without a pool are not bound
beyond their members' own demands.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

from hubdesk.domain.errors import ValidationFailed

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
Preference = Literal["early", "late"]


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift shape: starts ``start_minute`` after midnight, lasts ``length_intervals``,
    with an unpaid break at ``break_offset`` (None: no break). It ends by midnight."""

    name: str
    start_minute: int
    length_intervals: int
    break_offset: int | None = None


@dataclass(frozen=True)
class Contract:
    """Paid hours a week between ``min_hours`` and ``max_hours``, on at most ``max_days``
    days (the rest are days off), in shifts of the named templates only (part-time
    contracts name the short ones)."""

    name: str
    min_hours: float
    max_hours: float
    max_days: int
    templates: tuple[str, ...]


@dataclass(frozen=True)
class TeamAgent:
    name: str
    contract: str
    skills: frozenset[str]
    unavailable_days: frozenset[int] = frozenset()
    wanted_days_off: frozenset[int] = frozenset()  # a wish: honoured when it costs little
    prefers: Preference | None = None  # early: no evening shifts; late: evening shifts


@dataclass(frozen=True)
class TeamInstance:
    interval_minutes: int
    days: int
    templates: tuple[ShiftTemplate, ...]
    contracts: tuple[Contract, ...]
    agents: tuple[TeamAgent, ...]
    demand: Mapping[str, tuple[int, ...]]
    rest_hours: float = 11.0
    evening_from_minute: int = 20 * 60  # a shift ending later than this is an evening shift
    weekend_days: tuple[int, ...] = (5, 6)
    first_weekday: int = 0  # Monday; only for naming days in messages
    # Agents needed per interval by a set of (two or more) skills together; see the module.
    pools: Mapping[frozenset[str], tuple[int, ...]] = field(default_factory=dict)
    template_by_name: dict[str, ShiftTemplate] = field(init=False, repr=False, compare=False)
    contract_by_name: dict[str, Contract] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "template_by_name", {t.name: t for t in self.templates})
        object.__setattr__(self, "contract_by_name", {c.name: c for c in self.contracts})
        validate(self)

    @property
    def intervals_per_day(self) -> int:
        return 24 * 60 // self.interval_minutes

    @property
    def horizon(self) -> int:
        return self.days * self.intervals_per_day

    def start_index(self, template: ShiftTemplate) -> int:
        return template.start_minute // self.interval_minutes

    def end_minute(self, template: ShiftTemplate) -> int:
        return template.start_minute + template.length_intervals * self.interval_minutes

    def working_offsets(self, template: ShiftTemplate) -> list[int]:
        return [o for o in range(template.length_intervals) if o != template.break_offset]

    def paid_hours(self, template: ShiftTemplate) -> float:
        return len(self.working_offsets(template)) * self.interval_minutes / 60

    def is_evening(self, template: ShiftTemplate) -> bool:
        return self.end_minute(template) > self.evening_from_minute

    def requirements(self, interval: int) -> Iterator[tuple[tuple[str, ...], int]]:
        """Each set of skills needed at ``interval`` with the agents it needs then, served by
        anyone with one of its skills: without pools every set of the skills needed, needing
        the sum of their demands (smallest sets first); with pools, each skill alone and each
        pool."""
        needed = {k: v[interval] for k, v in sorted(self.demand.items()) if v[interval] > 0}
        if not self.pools:
            for size in range(1, len(needed) + 1):
                for group in combinations(needed, size):
                    yield group, sum(needed[k] for k in group)
            return
        for skill, amount in needed.items():
            yield (skill,), amount
        for skills, values in sorted(self.pools.items(), key=lambda p: (len(p[0]), sorted(p[0]))):
            if values[interval] > 0:
                yield tuple(sorted(skills)), values[interval]

    def busiest_need(self, interval: int) -> int:
        """The most agents any set of skills needs at ``interval``: all of them at once."""
        if not self.pools:
            return sum(v[interval] for v in self.demand.values())
        return max([v[interval] for v in self.demand.values()]
                   + [v[interval] for v in self.pools.values()], default=0)

    def describe(self, interval: int) -> str:
        day, index = divmod(interval, self.intervals_per_day)
        minutes = index * self.interval_minutes
        weekday = WEEKDAY_NAMES[(self.first_weekday + day) % 7]
        return f"day {day + 1} ({weekday}) {minutes // 60:02d}:{minutes % 60:02d}"


def _fail(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field_name}: {message}", {field_name: message})


def validate(team: TeamInstance) -> None:
    if team.interval_minutes <= 0 or (24 * 60) % team.interval_minutes:
        raise _fail("interval_minutes", "must divide a day of 1440 minutes")
    for template in team.templates:
        _validate_template(team, template)
    for contract in team.contracts:
        _validate_contract(team, contract)
    names = set()
    for agent in team.agents:
        if agent.name in names:
            raise _fail(f"agents[{agent.name}]", "is named twice")
        names.add(agent.name)
        if agent.contract not in team.contract_by_name:
            raise _fail(f"agents[{agent.name}]", f"has no contract {agent.contract!r}")
        if any(not 0 <= d < team.days for d in agent.unavailable_days | agent.wanted_days_off):
            raise _fail(f"agents[{agent.name}]", f"days count from 0 to {team.days - 1}")
    _validate_demand(team)


def _validate_demand(team: TeamInstance) -> None:
    for skill, values in team.demand.items():
        if len(values) != team.horizon:
            raise _fail(f"demand[{skill}]", f"has {len(values)} values, not {team.horizon}")
        negative = [i for i, v in enumerate(values) if v < 0]
        if negative:
            raise _fail(f"demand[{skill}][{negative[0]}]", "must be 0 or more")
    for skills, values in team.pools.items():
        where = f"pools[{'+'.join(sorted(skills))}]"
        if len(skills) < 2 or not skills <= set(team.demand):
            raise _fail(where, "must name two or more skills that have demand")
        if len(values) != team.horizon or any(v < 0 for v in values):
            raise _fail(where, f"needs {team.horizon} values of 0 or more")


def _validate_template(team: TeamInstance, template: ShiftTemplate) -> None:
    where = f"templates[{template.name}]"
    if template.start_minute % team.interval_minutes or template.start_minute < 0:
        raise _fail(where, "must start on an interval boundary of the day")
    if template.length_intervals < 1 or team.end_minute(template) > 24 * 60:
        raise _fail(where, "must last at least one interval and end by midnight")
    if template.break_offset is not None and \
            not 0 <= template.break_offset < template.length_intervals:
        raise _fail(where, f"break offset {template.break_offset} is outside the shift")


def _validate_contract(team: TeamInstance, contract: Contract) -> None:
    unknown = [n for n in contract.templates if n not in team.template_by_name]
    if unknown:
        raise _fail(f"contracts[{contract.name}]", f"names no template {unknown[0]!r}")
    if not 0 <= contract.min_hours <= contract.max_hours:
        raise _fail(f"contracts[{contract.name}]", "needs 0 <= min_hours <= max_hours")
    if not 0 < contract.max_days <= team.days:
        raise _fail(f"contracts[{contract.name}]", f"max_days must be 1 to {team.days}")
