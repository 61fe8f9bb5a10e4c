"""A handoff's escalation ladder: whom to tell, and when, while its department has not
answered.

Like an SLA ladder, a step comes at a share of the OLA's time used (``at_percent``: 75 is
three quarters of the way to the deadline, 100 the deadline itself, 150 half the OLA's time
again past it), or at a number of business minutes past the deadline
(``after_deadline_minutes``). Each step tells the handoff's assignee, the department's lead,
the coordinators, or several of them, and fires once per handoff.

A department's OLA may name its ladder; without one it climbs ``default_ladder``: the
assignee at 75 %, the lead at the deadline, the coordinators ``coordinator_after`` later. A
handoff keeps the ladder it was opened with (copied with its OLA), so a changed ladder never
moves what an open handoff has promised; one opened before ladders could be set keeps the
two steps it had (`LEGACY_LADDER`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from hubdesk.domain.errors import ValidationFailed

MAX_STEPS = 10
MAX_PERCENT = 1000  # ten times the OLA's time: later than that, nobody is waiting any more
MAX_AFTER_MINUTES = 366 * 24 * 60
DEADLINE_PERCENT = 100
WARNING_PERCENT = 75


class Notify(StrEnum):
    """Whom a step tells."""

    ASSIGNEE = "assignee"  # the handoff's assignee in the department
    DEPARTMENT_LEAD = "department_lead"  # the OLA's lead
    COORDINATORS = "coordinators"  # every active coordinator


_WHO = {Notify.ASSIGNEE: "the assignee", Notify.DEPARTMENT_LEAD: "the department lead",
        Notify.COORDINATORS: "the coordinators"}


@dataclass(frozen=True)
class OlaStep:
    """One step: at ``at_percent`` of the OLA's time, or ``after_deadline`` past it."""

    notify: tuple[Notify, ...]
    at_percent: int | None = None
    after_deadline: timedelta | None = None

    def offset(self, target: timedelta) -> timedelta:
        """Business time from the handoff's opening to the step, for an OLA of ``target``:
        what orders a ladder's steps."""
        if self.at_percent is not None:
            return target * self.at_percent / 100
        assert self.after_deadline is not None
        return target + self.after_deadline

    @property
    def is_warning(self) -> bool:
        """Before the deadline: its notice warns rather than says the handoff is overdue."""
        return self.at_percent is not None and self.at_percent < DEADLINE_PERCENT

    @property
    def name(self) -> str:
        """How the step is named in its firing's record: ``75%`` or ``deadline+240m``."""
        if self.at_percent is not None:
            return f"{self.at_percent}%"
        assert self.after_deadline is not None
        return f"deadline+{_minutes(self.after_deadline)}m"

    @property
    def said(self) -> str:
        """In words, for the handoff's card: "the department lead told at the deadline"."""
        who = " and ".join(_WHO[n] for n in self.notify)
        if self.at_percent == DEADLINE_PERCENT:
            when = "at the deadline"
        elif self.at_percent is not None:
            when = f"at {self.at_percent} % of its time"
        else:
            when = f"{_minutes(self.after_deadline)} business minutes past the deadline"
        return f"{who} told {when}"

    def to_dict(self) -> dict[str, Any]:
        when: dict[str, Any] = ({"at_percent": self.at_percent} if self.at_percent is not None
                                else {"after_deadline_minutes": _minutes(self.after_deadline)})
        return {**when, "notify": [n.value for n in self.notify]}


def default_ladder(coordinator_after: timedelta) -> tuple[OlaStep, ...]:
    """The ladder of an OLA that names none: the assignee at 75 %, the department lead at
    the deadline, the coordinators ``coordinator_after`` of business time past it."""
    return (OlaStep((Notify.ASSIGNEE,), at_percent=WARNING_PERCENT),
            *legacy_ladder(coordinator_after))


def legacy_ladder(coordinator_after: timedelta) -> tuple[OlaStep, ...]:
    """The two steps every handoff climbed before ladders could be set."""
    return (OlaStep((Notify.DEPARTMENT_LEAD,), at_percent=DEADLINE_PERCENT),
            OlaStep((Notify.COORDINATORS,), after_deadline=coordinator_after))


def ladder_from_form(form: object, target: timedelta, where: str = "ladder"
                     ) -> tuple[OlaStep, ...]:
    """A list of steps in their plain form, validated field by field (errors name the field,
    e.g. ``ladder.1.at_percent``), in the order they come for an OLA of ``target``."""
    if not isinstance(form, list | tuple):
        raise ValidationFailed(f"{where} is a list of steps such as "
                               '{"at_percent": 75, "notify": ["assignee"]}',
                               {where: "not a list"})
    if len(form) > MAX_STEPS:
        raise ValidationFailed(f"{where} has at most {MAX_STEPS} steps",
                               {where: "too many steps"})
    steps = [_step(entry, f"{where}.{index}") for index, entry in enumerate(form)]
    offsets = [step.offset(target) for step in steps]
    for index, offset in enumerate(offsets):
        if offset in offsets[:index]:
            raise ValidationFailed(f"{where}.{index} comes at the same time as an earlier "
                                   "step: put both audiences in one step",
                                   {f"{where}.{index}": "same time as another step"})
    return tuple(sorted(steps, key=lambda step: step.offset(target)))


def _step(entry: object, where: str) -> OlaStep:
    keys = {"at_percent", "after_deadline_minutes", "notify"}
    if not isinstance(entry, Mapping) or set(entry) - keys:
        raise ValidationFailed(f"{where} is an object with at_percent (or "
                               "after_deadline_minutes) and notify", {where: "not a step"})
    percent, after = entry.get("at_percent"), entry.get("after_deadline_minutes")
    if (percent is None) == (after is None):
        raise ValidationFailed(f"{where} comes either at_percent of the OLA's time or "
                               "after_deadline_minutes past the deadline: give one of them",
                               {f"{where}.at_percent": "give this or after_deadline_minutes"})
    if percent is not None and not _whole(percent, 1, MAX_PERCENT):
        raise ValidationFailed(f"{where}.at_percent is a whole number from 1 to {MAX_PERCENT} "
                               "(100: the deadline)", {f"{where}.at_percent": "out of range"})
    if after is not None and not _whole(after, 0, MAX_AFTER_MINUTES):
        raise ValidationFailed(f"{where}.after_deadline_minutes is a whole number of business "
                               f"minutes from 0 to {MAX_AFTER_MINUTES}",
                               {f"{where}.after_deadline_minutes": "out of range"})
    notify = entry.get("notify")
    if not isinstance(notify, list | tuple) or not notify:
        raise ValidationFailed(f"{where}.notify names whom to tell: "
                               + ", ".join(n.value for n in Notify),
                               {f"{where}.notify": "required"})
    try:
        chosen = tuple(dict.fromkeys(Notify(str(n)) for n in notify))
    except ValueError:
        raise ValidationFailed(f"{where}.notify: whom to tell is one of "
                               + ", ".join(n.value for n in Notify),
                               {f"{where}.notify": "unknown"}) from None
    return OlaStep(chosen, at_percent=percent,
                   after_deadline=timedelta(minutes=after) if after is not None else None)


def _whole(value: object, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _minutes(duration: timedelta | None) -> int:
    assert duration is not None
    return int(duration.total_seconds() // 60)
