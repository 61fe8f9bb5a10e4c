"""Business calendars as request bodies: shared by the SLA calendars and policies and by a
department's OLA, so each describes a calendar the same way."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StrictBool

from hubdesk.api.schemas import NO_NUL, Strict
from hubdesk.domain.holidays import MAX_CLOSINGS

Opening = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                               examples=["09:00"])]
Closing = Annotated[str, Field(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
                               examples=["17:00"])]
Interval = Annotated[tuple[Opening, Closing],
                     Field(description="[opening, closing], local wall time")]
Intervals = Annotated[list[Interval], Field(max_length=12)]
IsoDate = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
                               examples=["2026-12-24"])]
MonthDay = Annotated[str, Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
                                examples=["12-25"])]
HolidayName = Annotated[str, Field(max_length=200, pattern=NO_NUL)]


class HoursIn(Strict):
    mon: Intervals = Field(default_factory=list)
    tue: Intervals = Field(default_factory=list)
    wed: Intervals = Field(default_factory=list)
    thu: Intervals = Field(default_factory=list)
    fri: Intervals = Field(default_factory=list)
    sat: Intervals = Field(default_factory=list)
    sun: Intervals = Field(default_factory=list)


class YearlyHolidayIn(Strict):
    date: MonthDay
    yearly: Literal[True]
    name: HolidayName = ""


class DatedHolidayIn(Strict):
    date: IsoDate
    name: HolidayName = ""


class WeekdayHolidayIn(Strict):
    """Every year on the nth weekday of a month: Thanksgiving is month 11, thu, nth 4."""

    month: Annotated[int, Field(ge=1, le=12)]
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    nth: Literal[1, 2, 3, 4, 5, -1, -2, -3, -4, -5] = Field(
        description="the weekday's place in the month: 1 to 5 from its start, -1 (the last) "
                    "to -5 from its end")
    yearly: Literal[True] = True
    name: HolidayName = ""


class ClosureIn(Strict):
    start: AwareDatetime
    end: AwareDatetime
    name: HolidayName = ""


Holiday = IsoDate | YearlyHolidayIn | DatedHolidayIn | WeekdayHolidayIn | ClosureIn


class CalendarFormIn(Strict):
    timezone: Annotated[str, Field(min_length=1, max_length=64, examples=["Europe/Berlin"])]
    hours: HoursIn | None = None
    always_open: StrictBool = False
    holidays: Annotated[list[Holiday], Field(max_length=MAX_CLOSINGS)] = Field(
        default_factory=list)

    def form(self) -> dict[str, Any]:
        form: dict[str, Any] = {"timezone": self.timezone, "holidays": [
            h if isinstance(h, str) else
            {k: (v.isoformat() if isinstance(v, datetime) else v)
             for k, v in h.model_dump().items() if v != ""} for h in self.holidays]}
        if self.always_open:
            form["always_open"] = True
            if self.hours is not None and any(self.hours.model_dump().values()):
                form["hours"] = self.hours.model_dump()  # refused: "conflicts with hours"
        else:  # no hours at all is refused by name ("never open"), not as a missing field
            form["hours"] = (self.hours or HoursIn()).model_dump()
        return form
