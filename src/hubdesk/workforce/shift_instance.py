"""A shift-scheduling instance: demand per interval and the one shift shape that may cover it.

Read from the JSON of ``hubdesk wfm schedule --instance`` and checked field by field, so that a
mistake is reported with the name of the field that holds it (``demand[17]``,
``shift.break_offsets[2]``), never as a solver failure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hubdesk.domain.errors import ValidationFailed

MINUTES_PER_DAY = 24 * 60
MODES = ("shifts", "tours")
FIELDS = {"interval_minutes", "days", "demand", "shift", "mode", "tour_work_days", "cyclic",
          "description"}
SHIFT_FIELDS = {"length_intervals", "break_offsets"}

Mode = Literal["shifts", "tours"]


@dataclass(frozen=True)
class ShiftInstance:
    """``demand[t]`` agents are needed in interval ``t`` of a horizon of ``days`` days.

    A shift starting at interval ``start`` covers ``length_intervals`` consecutive intervals
    except the one at ``start + break_offset``; with ``cyclic`` the horizon is a week that
    repeats, so a shift may run past its end into its beginning. In mode ``tours`` one agent
    works the same shift on ``tour_work_days`` consecutive days.
    """

    interval_minutes: int
    days: int
    demand: tuple[int, ...]
    length_intervals: int
    break_offsets: tuple[int, ...]
    mode: Mode = "shifts"
    tour_work_days: int = 5
    cyclic: bool = True

    @property
    def intervals_per_day(self) -> int:
        return MINUTES_PER_DAY // self.interval_minutes

    @property
    def horizon(self) -> int:
        return self.days * self.intervals_per_day

    def describe_interval(self, interval: int) -> str:
        """``interval 17 (day 1, 08:30)``: how errors name an interval."""
        day, index = divmod(interval, self.intervals_per_day)
        minutes = index * self.interval_minutes
        return f"interval {interval} (day {day + 1}, {minutes // 60:02d}:{minutes % 60:02d})"


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", {field: message})


def _whole(field: str, value: Any, *, minimum: int, maximum: int | None = None) -> int:
    """A whole number within bounds; ``3.0`` is 3, ``2.5``, ``true`` and ``"3"`` are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(field, f"must be a whole number, not {value!r}")
    if isinstance(value, float) and not value.is_integer():
        raise _fail(field, f"must be a whole number, not {value!r}")
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        bound = (f"between {minimum} and {maximum}" if maximum is not None
                 else f"{minimum} or more")
        raise _fail(field, f"must be {bound}, not {number}")
    return number


def _unknown(payload: Mapping[str, Any], known: set[str], prefix: str) -> None:
    unknown = sorted(set(payload) - known)
    if unknown:
        raise _fail(f"{prefix}{unknown[0]}", "is not a field of a schedule instance (known: "
                    + ", ".join(sorted(known)) + ")")


def _demand(value: Any, horizon: int, days: int, per_day: int) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise _fail("demand", "must be a list with one whole number per interval")
    if len(value) != horizon:
        raise _fail("demand", f"has {len(value)} values but {days} days of {per_day} intervals "
                    f"need {horizon}")
    found = []
    for index, item in enumerate(value):
        if item is None:
            raise _fail(f"demand[{index}]", "is missing: give 0 for an interval that needs "
                        "nobody")
        found.append(_whole(f"demand[{index}]", item, minimum=0))
    return tuple(found)


def _shift(value: Any, per_day: int) -> tuple[int, tuple[int, ...]]:
    if not isinstance(value, Mapping):
        raise _fail("shift", "must be an object with length_intervals and break_offsets")
    _unknown(value, SHIFT_FIELDS, "shift.")
    if "length_intervals" not in value:
        raise _fail("shift.length_intervals", "is required")
    length = _whole("shift.length_intervals", value["length_intervals"], minimum=1,
                    maximum=per_day)
    offsets = value.get("break_offsets", [])
    if not isinstance(offsets, list):
        raise _fail("shift.break_offsets", "must be a list of offsets within the shift")
    breaks = []
    for index, item in enumerate(offsets):
        field = f"shift.break_offsets[{index}]"
        offset = _whole(field, item, minimum=0)
        if offset >= length:
            raise _fail(field, f"{offset} is outside the shift of {length} intervals "
                        f"(offsets run from 0 to {length - 1})")
        if offset in breaks:
            raise _fail(field, f"{offset} is given twice")
        breaks.append(offset)
    if length == 1 and breaks:
        raise _fail("shift.break_offsets", "a shift of one interval has no room for a break")
    return length, tuple(breaks)


def parse_instance(payload: Any) -> ShiftInstance:
    """The instance a JSON object describes, or ``ValidationFailed`` naming the bad field."""
    if not isinstance(payload, Mapping):
        raise _fail("instance", "must be a JSON object")
    _unknown(payload, FIELDS, "")
    for required in ("interval_minutes", "days", "demand", "shift"):
        if required not in payload:
            raise _fail(required, "is required")
    minutes = _whole("interval_minutes", payload["interval_minutes"], minimum=1,
                     maximum=MINUTES_PER_DAY)
    if MINUTES_PER_DAY % minutes:
        raise _fail("interval_minutes", f"{minutes} does not divide a day of 1440 minutes")
    days = _whole("days", payload["days"], minimum=1, maximum=366)
    per_day = MINUTES_PER_DAY // minutes
    demand = _demand(payload["demand"], days * per_day, days, per_day)
    length, breaks = _shift(payload["shift"], per_day)
    mode = payload.get("mode", "shifts")
    if mode not in MODES:
        raise _fail("mode", f"must be \"shifts\" or \"tours\", not {mode!r}")
    # Only a tour must fit its working days into the horizon; shifts ignore the field.
    work_days = _whole("tour_work_days", payload.get("tour_work_days", 5), minimum=1,
                       maximum=days if mode == "tours" else None)
    cyclic = payload.get("cyclic", True)
    if not isinstance(cyclic, bool):
        raise _fail("cyclic", f"must be true or false, not {cyclic!r}")
    if not isinstance(payload.get("description", ""), str):
        raise _fail("description", "must be text")
    return ShiftInstance(minutes, days, demand, length, breaks, mode, work_days, cyclic)
