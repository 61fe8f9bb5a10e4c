"""SLA policies: which tickets a policy covers, its targets per priority, its calendar, the
statuses that pause its clocks and its warning ladders: one per target that has its own
(``ladders``), the default ``ladder`` for the others.

Policies are tried in order (``position``, then id); the first whose conditions all hold
governs the ticket. A condition left out matches anything. The plain form below is what the
API takes and gives back, validated field by field so an error names the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.tickets import Channel, Priority, Status


class SlaTarget(StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"  # after each customer message that waits for an answer
    RESOLUTION = "resolution"


class StepAction(StrEnum):
    NOTIFY_ASSIGNEE = "notify_assignee"
    NOTIFY_TEAM_LEADS = "notify_team_leads"
    NOTIFY_COORDINATORS = "notify_coordinators"
    RAISE_PRIORITY = "raise_priority"
    # To the next support tier through the escalation a person makes (routing picks an agent
    # of that tier), on the authority of whoever last saved the policy.
    ESCALATE_TIER = "escalate_tier"


BREACH_PERCENT = 100
DEFAULT_PAUSE_STATUSES = frozenset({Status.PENDING, Status.ON_HOLD})
_NEVER_PAUSED = frozenset({Status.SOLVED, Status.CLOSED})  # clocks there are met or stopped
_CONDITION_KEYS = ("priority", "customer_tier", "organisation_id", "channel", "category",
                   "team_id")
_FORM_KEYS = frozenset({"name", "position", "active", "conditions", "targets", "calendar_id",
                        "calendar", "pause_statuses", "ladder", "ladders"})
MAX_TARGET_MINUTES = 366 * 24 * 60


@dataclass(frozen=True)
class LadderStep:
    """At ``at_percent`` of a target's time used (100: the breach), do ``actions`` once per
    clock cycle."""

    at_percent: int
    actions: tuple[StepAction, ...]

    @property
    def is_breach(self) -> bool:
        return self.at_percent >= BREACH_PERCENT

    def to_dict(self) -> dict[str, Any]:
        return {"at_percent": self.at_percent, "actions": [a.value for a in self.actions]}


DEFAULT_LADDER = (
    LadderStep(75, (StepAction.NOTIFY_ASSIGNEE,)),
    LadderStep(90, (StepAction.NOTIFY_TEAM_LEADS, StepAction.RAISE_PRIORITY)),
    LadderStep(BREACH_PERCENT, (StepAction.NOTIFY_COORDINATORS,)),
)


@dataclass(frozen=True)
class TicketFacts:
    """What conditions are decided on: the ticket's fields and its requester's."""

    priority: Priority
    channel: Channel
    category: str | None = None
    team_id: int | None = None
    customer_tier: str | None = None
    organisation_id: int | None = None

    def value(self, key: str) -> object:
        found = getattr(self, key)
        return found.value if isinstance(found, StrEnum) else found


@dataclass(frozen=True)
class SlaPolicy:
    id: int | None
    name: str
    # targets[priority][target] = business minutes allowed; a missing target is not tracked
    targets: Mapping[Priority, Mapping[SlaTarget, int]]
    position: int = 0
    active: bool = True
    conditions: Mapping[str, frozenset[Any]] = field(default_factory=dict)
    calendar_id: int | None = None  # a stored calendar, or
    calendar: Mapping[str, Any] | None = None  # an inline plain form; neither: 24/7 UTC
    pause_statuses: frozenset[Status] = DEFAULT_PAUSE_STATUSES
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER  # for targets without their own
    ladders: Mapping[SlaTarget, tuple[LadderStep, ...]] = field(default_factory=dict)
    # Who last saved the policy: an escalation its ladder makes is recorded as on their
    # authority. Kept beside the plain form, never taken from it.
    saved_by_id: int | None = None

    def longest_target(self) -> timedelta:
        """The most business time any of its targets allows (its ladders' steps come at or
        before a target's end)."""
        return timedelta(minutes=max((minutes for goals in self.targets.values()
                                      for minutes in goals.values()), default=0))

    def ladder_for(self, target: SlaTarget) -> tuple[LadderStep, ...]:
        """The ladder a clock of ``target`` climbs: the target's own, else the default."""
        return self.ladders.get(target, self.ladder)

    def escalates(self, target: SlaTarget | None = None) -> bool:
        """Whether the ladder of ``target`` (of any target when None) escalates a tier."""
        ladders = ([self.ladder_for(target)] if target is not None
                   else [self.ladder, *self.ladders.values()])
        return any(StepAction.ESCALATE_TIER in step.actions
                   for ladder in ladders for step in ladder)

    def matches(self, facts: TicketFacts) -> bool:
        return self.active and all(facts.value(key) in allowed
                                   for key, allowed in self.conditions.items())

    def goal_minutes(self, priority: Priority, target: SlaTarget) -> int | None:
        return self.targets.get(priority, {}).get(target)

    def pauses(self, status: Status) -> bool:
        return status in self.pause_statuses

    # --- the plain form -------------------------------------------------------------------

    @classmethod
    def from_dict(cls, form: Mapping[str, Any], *, policy_id: int | None = None) -> SlaPolicy:
        if not isinstance(form, Mapping):
            raise ValidationFailed("a policy is an object", {"policy": "not an object"})
        unknown = sorted(str(key) for key in form if key not in _FORM_KEYS)
        if unknown:
            raise ValidationFailed(f"unknown policy field {unknown[0]!r}; known: "
                                   + ", ".join(sorted(_FORM_KEYS)), {unknown[0]: "unknown"})
        name = form.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            raise ValidationFailed("a policy needs a name of at most 200 characters",
                                   {"name": "required"})
        position = form.get("position", 0)
        active = form.get("active", True)
        if not isinstance(position, int) or isinstance(position, bool):
            raise ValidationFailed("position is a whole number", {"position": "not a number"})
        if not isinstance(active, bool):
            raise ValidationFailed("active is true or false", {"active": "not a bool"})
        calendar_id, calendar = _calendar_from_form(form)
        return cls(id=policy_id, name=name.strip(), position=position, active=active,
                   conditions=_conditions_from_form(form.get("conditions", {})),
                   targets=_targets_from_form(form.get("targets")),
                   calendar_id=calendar_id, calendar=calendar,
                   pause_statuses=_statuses_from_form(
                       form.get("pause_statuses", sorted(DEFAULT_PAUSE_STATUSES))),
                   ladder=_ladder_from_form(form.get("ladder",
                                                     [s.to_dict() for s in DEFAULT_LADDER])),
                   ladders=_ladders_from_form(form.get("ladders", {})))

    def to_dict(self) -> dict[str, Any]:
        form: dict[str, Any] = {
            "name": self.name, "position": self.position, "active": self.active,
            "conditions": {key: sorted(values, key=str)
                           for key, values in self.conditions.items()},
            "targets": {p.value: {t.value: minutes for t, minutes in goals.items()}
                        for p, goals in self.targets.items()},
            "pause_statuses": sorted(s.value for s in self.pause_statuses),
            "ladder": [step.to_dict() for step in self.ladder],
            "ladders": {target.value: [step.to_dict() for step in self.ladders[target]]
                        for target in SlaTarget if target in self.ladders}}
        if self.calendar_id is not None:
            form["calendar_id"] = self.calendar_id
        if self.calendar is not None:
            form["calendar"] = dict(self.calendar)
        return form


def match_policy(policies: Iterable[SlaPolicy], facts: TicketFacts) -> SlaPolicy | None:
    """The first policy, in order, whose conditions all hold for the ticket."""
    ordered = sorted(policies, key=lambda p: (p.position, p.id or 0))
    return next((policy for policy in ordered if policy.matches(facts)), None)


ALWAYS_OPEN = BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True})


# --- reading the plain form ---------------------------------------------------------------

def _calendar_from_form(form: Mapping[str, Any]) -> tuple[int | None, dict[str, Any] | None]:
    calendar_id, calendar = form.get("calendar_id"), form.get("calendar")
    if calendar_id is not None and calendar is not None:
        raise ValidationFailed("give either calendar_id (a stored calendar) or calendar (an "
                               "inline one), not both", {"calendar": "conflicts with "
                                                                     "calendar_id"})
    if calendar_id is not None and (not isinstance(calendar_id, int)
                                    or isinstance(calendar_id, bool) or calendar_id < 1):
        raise ValidationFailed("calendar_id is the id of a stored calendar",
                               {"calendar_id": "invalid"})
    if calendar is not None:
        try:
            parsed = BusinessCalendar.from_dict(calendar)
            check_ever_open(parsed)
            calendar = parsed.to_dict()
        except ValidationFailed as error:
            raise ValidationFailed(f"calendar: {error}", {
                f"calendar.{name}": why for name, why in error.fields.items()}) from None
    return calendar_id, calendar


def check_ever_open(calendar: BusinessCalendar) -> None:
    """A calendar an SLA runs on must open some time: with no hours no deadline is reached."""
    if not any(calendar.hours.values()):
        raise ValidationFailed("the calendar has no opening hours, so no deadline could ever "
                               "be reached: give it hours or make it always_open",
                               {"hours": "never open"})


def _conditions_from_form(form: object) -> dict[str, frozenset[Any]]:
    if not isinstance(form, Mapping):
        raise ValidationFailed("conditions map a field to the values it may have",
                               {"conditions": "not an object"})
    conditions: dict[str, frozenset[Any]] = {}
    for key, values in form.items():
        field_name = f"conditions.{key}"
        if key not in _CONDITION_KEYS:
            raise ValidationFailed(f"no condition on {key!r}; conditions are on "
                                   + ", ".join(_CONDITION_KEYS), {field_name: "unknown"})
        if not isinstance(values, list | tuple) or not values:
            raise ValidationFailed(f"{field_name} is a non-empty list of values",
                                   {field_name: "not a list"})
        conditions[key] = frozenset(_condition_value(key, value) for value in values)
    return conditions


def _condition_value(key: str, value: object) -> Any:
    field_name = f"conditions.{key}"
    kinds: dict[str, type[StrEnum]] = {"priority": Priority, "channel": Channel}
    if key in kinds:
        try:
            return kinds[key](str(value)).value
        except ValueError:
            raise ValidationFailed(f"{field_name}: {value!r} is not one of "
                                   + ", ".join(m.value for m in kinds[key]),
                                   {field_name: "unknown value"}) from None
    if key == "customer_tier":
        if value not in ("standard", "premium", "vip"):
            raise ValidationFailed(f"{field_name}: {value!r} is not standard, premium or vip",
                                   {field_name: "unknown value"})
        return value
    if key in ("organisation_id", "team_id"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationFailed(f"{field_name} lists ids", {field_name: "not an id"})
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{field_name} lists names", {field_name: "not a name"})
    return value.strip()


def _targets_from_form(form: object) -> dict[Priority, dict[SlaTarget, int]]:
    if not isinstance(form, Mapping) or not form:
        raise ValidationFailed("targets map priorities to business minutes per target, such "
                               'as {"urgent": {"first_response": 60, "resolution": 480}}',
                               {"targets": "required"})
    targets: dict[Priority, dict[SlaTarget, int]] = {}
    for priority, goals in form.items():
        try:
            level = Priority(priority)
        except ValueError:
            raise ValidationFailed(f"targets: {priority!r} is not a priority",
                                   {f"targets.{priority}": "unknown priority"}) from None
        if not isinstance(goals, Mapping):
            raise ValidationFailed(f"targets.{priority} maps targets to minutes",
                                   {f"targets.{priority}": "not an object"})
        targets[level] = {}
        for name, minutes in goals.items():
            field_name = f"targets.{priority}.{name}"
            try:
                target = SlaTarget(name)
            except ValueError:
                raise ValidationFailed(f"{field_name}: targets are "
                                       + ", ".join(t.value for t in SlaTarget),
                                       {field_name: "unknown target"}) from None
            if not isinstance(minutes, int) or isinstance(minutes, bool) \
                    or not 1 <= minutes <= MAX_TARGET_MINUTES:
                raise ValidationFailed(f"{field_name} is a whole number of business minutes "
                                       f"from 1 to {MAX_TARGET_MINUTES}",
                                       {field_name: "out of range"})
            targets[level][target] = minutes
    return targets


def _statuses_from_form(form: object) -> frozenset[Status]:
    if not isinstance(form, list | tuple):
        raise ValidationFailed("pause_statuses is a list of statuses",
                               {"pause_statuses": "not a list"})
    statuses = set()
    for value in form:
        try:
            status = Status(value)
        except ValueError:
            raise ValidationFailed(f"pause_statuses: {value!r} is not a status",
                                   {"pause_statuses": "unknown status"}) from None
        if status in _NEVER_PAUSED:
            raise ValidationFailed(f"pause_statuses: a {status.value} ticket's clocks are met "
                                   "or stopped, not paused", {"pause_statuses": "final status"})
        statuses.add(status)
    return frozenset(statuses)


def _ladders_from_form(form: object) -> dict[SlaTarget, tuple[LadderStep, ...]]:
    """``{"resolution": [steps], ...}``: the targets with a ladder of their own."""
    if not isinstance(form, Mapping):
        raise ValidationFailed("ladders map a target to its own list of steps, such as "
                               '{"resolution": [{"at_percent": 100, "actions": '
                               '["escalate_tier"]}]}', {"ladders": "not an object"})
    ladders: dict[SlaTarget, tuple[LadderStep, ...]] = {}
    for name, steps in form.items():
        try:
            target = SlaTarget(name)
        except ValueError:
            raise ValidationFailed(f"ladders: {name!r} is not a target; targets are "
                                   + ", ".join(t.value for t in SlaTarget),
                                   {f"ladders.{name}": "unknown target"}) from None
        ladders[target] = _ladder_from_form(steps, f"ladders.{target.value}")
    return ladders


def _ladder_from_form(form: object, where: str = "ladder") -> tuple[LadderStep, ...]:
    if not isinstance(form, list | tuple):
        raise ValidationFailed(f"{where} is a list of steps", {where: "not a list"})
    steps = []
    for index, entry in enumerate(form):
        field_name = f"{where}.{index}"
        if not isinstance(entry, Mapping) or set(entry) - {"at_percent", "actions"}:
            raise ValidationFailed(f"{field_name} is an object with at_percent and actions",
                                   {field_name: "not a step"})
        percent, actions = entry.get("at_percent"), entry.get("actions")
        if not isinstance(percent, int) or isinstance(percent, bool) \
                or not 1 <= percent <= BREACH_PERCENT:
            raise ValidationFailed(f"{field_name}.at_percent is from 1 to 100 (100: the "
                                   "breach)", {f"{field_name}.at_percent": "out of range"})
        if not isinstance(actions, list | tuple) or not actions:
            raise ValidationFailed(f"{field_name}.actions lists at least one action",
                                   {f"{field_name}.actions": "required"})
        try:
            chosen = tuple(dict.fromkeys(StepAction(a) for a in actions))
        except ValueError:
            raise ValidationFailed(f"{field_name}.actions: actions are "
                                   + ", ".join(a.value for a in StepAction),
                                   {f"{field_name}.actions": "unknown action"}) from None
        steps.append(LadderStep(percent, chosen))
    percents = [step.at_percent for step in steps]
    if len(set(percents)) != len(percents):
        raise ValidationFailed(f"{where}: two steps at the same percentage",
                               {where: "duplicate step"})
    return tuple(sorted(steps, key=lambda step: step.at_percent))


@dataclass(frozen=True)
class NamedCalendar:
    """A calendar stored under a name, which policies refer to by id."""

    id: int | None
    name: str
    calendar: BusinessCalendar

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, **self.calendar.to_dict()}
