"""A rule: when it runs (on ticket events, or after a ticket has stayed in a status for a
while), the conditions it checks and the actions it takes; parsed from and written back to
one validated plain form.

``{"name": "Remind after 3 days", "position": 10, "enabled": true,
   "trigger": {"type": "time", "status": "pending", "hours": 72},
   "conditions": {"all": [...]}, "actions": [{"type": "reply", "body": "..."}]}``

An event trigger names `EventKind` values (``{"type": "event", "on": ["created"]}``), so
events other capabilities add later (an SLA step reached, a handoff completed) are accepted
as triggers once they exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.rules.actions import Action, action_to_dict, parse_actions
from hubdesk.domain.rules.conditions import ALWAYS, Group, parse_conditions, referenced_fields
from hubdesk.domain.tickets import Status

MAX_NAME = 200
MAX_HOURS = 24 * 366
MAX_POSITION = 1_000_000
# Rules' own records: reacting to them would only make rules answer each other.
NOT_TRIGGERS = frozenset({EventKind.RULE_FIRED, EventKind.RULE_CHAIN_STOPPED})
TRIGGER_KINDS = tuple(kind for kind in EventKind if kind not in NOT_TRIGGERS)
TIMED_STATUSES = tuple(s for s in Status if s is not Status.CLOSED)
ANCHORS = ("status_changed", "updated")
_RULE_KEYS = {"name", "position", "enabled", "trigger", "conditions", "actions"}


@dataclass(frozen=True)
class EventTrigger:
    kinds: frozenset[EventKind]

    def to_dict(self) -> dict[str, Any]:
        return {"type": "event", "on": sorted(kind.value for kind in self.kinds)}


@dataclass(frozen=True)
class TimeTrigger:
    """Fires once a ticket has been in ``status`` for ``hours`` since it entered it (or since
    its last change, ``since="updated"``), counted in calendar time or, with a calendar, in
    business time."""

    status: Status
    hours: float
    since: str = "status_changed"
    calendar: BusinessCalendar | None = None

    @property
    def after(self) -> timedelta:
        return timedelta(hours=self.hours)

    def due_at(self, entered_at: datetime) -> datetime | None:
        """When the wait ends; None if its calendar never gets there (see `check_reachable`,
        which refuses such a trigger when it is saved)."""
        if self.calendar is None:
            return entered_at + self.after
        return self.calendar.reach(entered_at, self.after)

    def to_dict(self) -> dict[str, Any]:
        form: dict[str, Any] = {"type": "time", "status": self.status.value,
                                "hours": self.hours, "since": self.since}
        if self.calendar is not None:
            form["calendar"] = self.calendar.to_dict()
        return form


Trigger = EventTrigger | TimeTrigger


@dataclass(frozen=True)
class Rule:
    id: int | None
    name: str
    trigger: Trigger
    actions: tuple[Action, ...]
    conditions: Group = ALWAYS
    position: int = 0
    enabled: bool = True

    @property
    def kind(self) -> str:
        return "time" if isinstance(self.trigger, TimeTrigger) else "event"

    @property
    def order(self) -> tuple[int, int]:
        """Rules run by position, then by id (the older first)."""
        return self.position, self.id or 0

    @property
    def fields(self) -> frozenset[str]:
        return referenced_fields(self.conditions)

    def triggered_by(self, kind: EventKind) -> bool:
        return isinstance(self.trigger, EventTrigger) and kind in self.trigger.kinds

    def with_id(self, rule_id: int) -> Rule:
        return replace(self, id=rule_id)

    def names_department(self, department_id: int) -> bool:
        """Whether an action sets or hands off to the department, or a condition compares
        the ticket's department with it."""
        for action in self.definition()["actions"]:
            if action.get("department_id") == department_id or (
                    action.get("field") == "department_id"
                    and action.get("value") == department_id):
                return True
        return _compares_department(self.conditions.to_dict(), department_id)

    def definition(self) -> dict[str, Any]:
        """The stored plain form of what the rule does (name, position and the enabled flag
        are columns of their own)."""
        return {"trigger": self.trigger.to_dict(), "conditions": self.conditions.to_dict(),
                "actions": [action_to_dict(a) for a in self.actions]}

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "position": self.position,
                "enabled": self.enabled, **self.definition()}


def _compares_department(node: Any, department_id: int) -> bool:
    if isinstance(node, dict):
        if node.get("field") == "ticket.department_id":
            value = node.get("value")
            return value == department_id or (isinstance(value, list)
                                               and department_id in value)
        return any(_compares_department(child, department_id) for child in node.values())
    if isinstance(node, list):
        return any(_compares_department(child, department_id) for child in node)
    return False


def _invalid(where: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{where}: {message}", {where: message})


def parse_rule(form: Any, rule_id: int | None = None) -> Rule:
    """A validated rule from its plain form; every problem is a ValidationFailed naming the
    place (``trigger.status``, ``conditions.all[1]``, ``actions[0]`` …)."""
    if not isinstance(form, Mapping):
        raise _invalid("rule", "a rule is an object")
    unknown = set(form) - _RULE_KEYS
    if unknown:
        raise _invalid(sorted(unknown)[0], "unknown key; a rule has "
                       + ", ".join(sorted(_RULE_KEYS)))
    name = form.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
        raise _invalid("name", f"a rule needs a name of 1 to {MAX_NAME} characters")
    position = form.get("position", 0)
    if isinstance(position, bool) or not isinstance(position, int) \
            or not 0 <= position <= MAX_POSITION:
        raise _invalid("position", f"a whole number from 0 to {MAX_POSITION}")
    enabled = form.get("enabled", True)
    if not isinstance(enabled, bool):
        raise _invalid("enabled", "true or false")
    return Rule(id=rule_id, name=" ".join(name.split()), position=position, enabled=enabled,
                trigger=parse_trigger(form.get("trigger")),
                conditions=parse_conditions(form.get("conditions")),
                actions=parse_actions(form.get("actions")))


def parse_trigger(form: Any) -> Trigger:
    if not isinstance(form, Mapping):
        raise _invalid("trigger", 'give {"type": "event", "on": [...]} or {"type": "time", '
                                  '"status": ..., "hours": ...}')
    kind = form.get("type")
    if kind == "event":
        _keys(form, {"on"})
        kinds = form.get("on")
        if not isinstance(kinds, list) or not kinds:
            raise _invalid("trigger.on", "a non-empty list of event kinds")
        known = {k.value: k for k in TRIGGER_KINDS}
        for value in kinds:
            if value not in known:
                raise _invalid("trigger.on", f"unknown event kind {value!r}; use one of "
                               + ", ".join(known))
        return EventTrigger(frozenset(known[v] for v in kinds))
    if kind == "time":
        return _time_trigger(form)
    raise _invalid("trigger.type", f"unknown trigger type {kind!r}; use event or time")


def _time_trigger(form: Mapping[str, Any]) -> TimeTrigger:
    _keys(form, {"status", "hours", "since", "calendar"})
    status = form.get("status")
    if status not in {s.value for s in TIMED_STATUSES}:
        raise _invalid("trigger.status", f"status {status!r}; a time rule waits in one of "
                       + ", ".join(s.value for s in TIMED_STATUSES))
    hours = form.get("hours")
    if isinstance(hours, bool) or not isinstance(hours, int | float) \
            or not 0 < hours <= MAX_HOURS:
        raise _invalid("trigger.hours", f"a number of hours above 0, at most {MAX_HOURS}")
    since = form.get("since", "status_changed")
    if since not in ANCHORS:
        raise _invalid("trigger.since", f"{since!r}; count from one of " + ", ".join(ANCHORS))
    calendar = None
    if form.get("calendar") is not None:
        try:
            calendar = BusinessCalendar.from_dict(form["calendar"])
        except ValidationFailed as error:
            raise _invalid("trigger.calendar", str(error)) from None
    return TimeTrigger(Status(status), hours, since, calendar)


def _keys(form: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(form) - allowed - {"type"}
    if unknown:
        raise _invalid(f"trigger.{sorted(unknown)[0]}", "unknown key; this trigger takes "
                       + ", ".join(sorted(allowed)))


def ordered(rules: list[Rule]) -> list[Rule]:
    """The deterministic order rules run in: position, then id."""
    return sorted(rules, key=lambda rule: rule.order)
