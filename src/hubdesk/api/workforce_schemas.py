"""Request bodies and answers of /api/v1/wfm (`api/routes/workforce.py`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from hubdesk.api.schemas import Id, Strict
from hubdesk.domain.adherence import Adherence
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.schedules import (
    MAX_NOTE,
    ChangeRequest,
    PlannedShift,
    RequestKind,
    ShiftInput,
    TeamWeek,
)
from hubdesk.services.workforce import WantedChange

# Days and instants of this century, so that every date the description allows can be
# planned (a day's history reaches weeks back, its intervals a day forward).
DAY_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
INSTANT_PATTERN = (r"^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d"
                   r"(:[0-5]\d)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$")
SHOWS_SOMETHING = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"
DayText = Annotated[str, Field(pattern=DAY_PATTERN, examples=["2026-11-30"])]
InstantText = Annotated[str, Field(pattern=INSTANT_PATTERN, examples=["2026-11-30T09:00:00Z"])]


def _instant(text: str | None, name: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        raise ValidationFailed(f"{name} {text} is not a time of the calendar",
                               {name: "bad date"}) from None


# --- answers ----------------------------------------------------------------------------------

class StaffingIntervalOut(BaseModel):
    start: datetime
    forecast: float
    lower: float
    upper: float
    required: int
    staff: float


class StaffingOut(BaseModel):
    team_id: int | None
    first_day: date
    days: int
    interval_minutes: int
    aht_s: float = Field(description="handling seconds per contact staffed with")
    aht_method: str = Field(description="how aht_s was found: given, measured from the "
                            "tickets (and how), or the desk's setting with the reason")
    history_days: int
    timezone: str = Field(description="the team's time zone (the desk's for a team without "
                          "one, or the whole desk): days and intervals follow its local clock "
                          "(46 or 50 half hours on a day the clock changes)")
    methods: dict[str, str]
    notes: list[str]
    intervals: list[StaffingIntervalOut]


class ChartIntervalOut(BaseModel):
    start: datetime
    forecast: float
    required: int
    scheduled: int
    arrived: int | None = Field(description="null until the interval is over")


class DayChartOut(BaseModel):
    team_id: int | None
    day: date
    interval_minutes: int
    notes: list[str]
    aht_s: float
    aht_method: str
    timezone: str = Field(description="the team's time zone, as in the staffing answer")
    intervals: list[ChartIntervalOut]


class ShiftOut(BaseModel):
    id: int
    agent_id: int
    starts_at: datetime
    ends_at: datetime
    break_starts_at: datetime | None
    break_ends_at: datetime | None

    @classmethod
    def of(cls, shift: PlannedShift) -> ShiftOut:
        assert shift.id is not None
        return cls(id=shift.id, agent_id=shift.agent_id, starts_at=shift.starts_at,
                   ends_at=shift.ends_at, break_starts_at=shift.break_starts_at,
                   break_ends_at=shift.break_ends_at)


class SwapOptionOut(ShiftOut):
    agent_name: str

    @classmethod
    def named(cls, shift: PlannedShift, names: dict[int, str]) -> SwapOptionOut:
        return cls(**ShiftOut.of(shift).model_dump(),
                   agent_name=names.get(shift.agent_id, f"agent {shift.agent_id}"))


class SwapOptionsOut(BaseModel):
    shift: ShiftOut = Field(description="the caller's own shift")
    options: list[SwapOptionOut] = Field(description="other agents' shifts of the same "
                                         "published week, by start")


class ScheduleOut(BaseModel):
    id: int
    team_id: int
    week_start: date
    status: Literal["draft", "published"]
    updated_at: datetime | None
    updated_by: int | None
    shifts: list[ShiftOut]
    problems: list[str] = Field(default_factory=list,
                                description="what a drafted week leaves short")
    notes: list[str] = Field(default_factory=list,
                             description="about the forecast and demand behind a draft")

    @classmethod
    def of(cls, week: TeamWeek, problems: list[str] | None = None,
           notes: list[str] | None = None) -> ScheduleOut:
        assert week.id is not None
        return cls(id=week.id, team_id=week.team_id, week_start=week.week_start,
                   status=week.status.value, updated_at=week.updated_at,
                   updated_by=week.updated_by, shifts=[ShiftOut.of(s) for s in week.shifts],
                   problems=problems or [], notes=notes or [])


KIND_DESCRIPTION = ("note: approving records the answer only; swap: the shift and "
                    "swap_shift_id change hands; day_off: the shift is removed; time_change: "
                    "the shift moves to new_starts_at–new_ends_at, its break with it")


class RequestOut(BaseModel):
    id: int
    agent_id: int
    shift_id: int | None
    kind: Literal["note", "swap", "day_off", "time_change"] = Field(
        description=KIND_DESCRIPTION)
    swap_shift_id: int | None
    new_starts_at: datetime | None
    new_ends_at: datetime | None
    note: str
    status: Literal["open", "approved", "declined"]
    answer: str | None
    answered_by: int | None
    created_at: datetime | None

    @classmethod
    def of(cls, request: ChangeRequest) -> RequestOut:
        assert request.id is not None
        return cls(id=request.id, agent_id=request.agent_id, shift_id=request.shift_id,
                   kind=request.kind.value, swap_shift_id=request.swap_shift_id,
                   new_starts_at=request.new_starts_at, new_ends_at=request.new_ends_at,
                   note=request.note, status=request.status.value, answer=request.answer,
                   answered_by=request.answered_by, created_at=request.created_at)


class AdherenceOut(BaseModel):
    scheduled_minutes: float
    adherent_minutes: float
    fraction: float | None = Field(description="adherent over scheduled; null before any "
                                               "scheduled minute has passed")
    online_outside_shifts: float


class AgentAdherenceOut(BaseModel):
    agent_id: int
    name: str
    adherence: AdherenceOut
    presence_now: str
    expected_now: str = Field(description="what the schedule asks now: working, on_break "
                                          "or off")
    out_of_adherence_now: bool


class TeamAdherenceOut(BaseModel):
    team_id: int
    day: date
    total: AdherenceOut
    agents: list[AgentAdherenceOut]


class GapOut(BaseModel):
    start: datetime
    forecast: float
    reforecast: float
    required: int
    scheduled: int
    gap: int = Field(description="scheduled minus required: agents to spare, or short if "
                                 "negative")


class IntradayOut(BaseModel):
    team_id: int | None
    day: date
    method: str
    factor: float
    arrived_so_far: int
    forecast_so_far: float
    absent: list[str]
    intervals: list[GapOut]
    suggestions: list[str]
    notes: list[str]


def adherence_out(value: Adherence) -> AdherenceOut:
    return AdherenceOut(scheduled_minutes=value.scheduled_minutes,
                        adherent_minutes=value.adherent_minutes, fraction=value.fraction,
                        online_outside_shifts=value.online_outside_shifts)


# --- bodies -----------------------------------------------------------------------------------

class WeekIn(Strict):
    team_id: Id
    week_start: DayText = Field(description="any day of the week (Monday to Sunday, in the "
                                            "team's time zone)")
    generate: bool = Field(default=True, description="false: an empty week to fill by hand")
    service_level: float = Field(default=0.8, gt=0, lt=1)
    answer_within_s: float = Field(default=20.0, ge=0, le=3600)
    aht_s: float | None = Field(default=None, gt=0, le=86_400,
                                description="none: measured from the team's tickets, or the "
                                            "desk's HUBDESK_WFM_AHT_S when they are too few")
    shrinkage: float = Field(default=0.0, ge=0, lt=1)
    level_from: DayText | None = Field(
        default=None, description="the first day of a lasting change of volume (a launch, a "
        "client gained or lost): the week is forecast from the level since")


class ShiftIn(Strict):
    agent_id: Id
    starts_at: InstantText
    ends_at: InstantText
    break_starts_at: InstantText | None = None
    break_ends_at: InstantText | None = None

    def shift(self) -> ShiftInput:
        starts, ends = _instant(self.starts_at, "starts_at"), _instant(self.ends_at, "ends_at")
        assert starts is not None and ends is not None
        return ShiftInput(self.agent_id, starts, ends,
                          _instant(self.break_starts_at, "break_starts_at"),
                          _instant(self.break_ends_at, "break_ends_at"))


class SwapIn(Strict):
    first_shift_id: Id
    second_shift_id: Id


Note = Annotated[str, Field(min_length=1, max_length=MAX_NOTE, pattern=SHOWS_SOMETHING)]


class NoteRequestIn(Strict):
    """Approving records the answer only: the coordinator edits the week by hand."""

    shift_id: Id | None = Field(default=None, description="null: the schedule at large")
    note: Note
    kind: Literal["note"] = "note"

    def wanted(self) -> WantedChange:
        return WantedChange()


class DayOffIn(Strict):
    """Approving removes the shift."""

    shift_id: Id
    note: Note
    kind: Literal["day_off"]

    def wanted(self) -> WantedChange:
        return WantedChange(RequestKind.DAY_OFF)


class SwapRequestIn(Strict):
    """Approving exchanges the shift with another agent's published shift of the same week."""

    shift_id: Id
    note: Note
    kind: Literal["swap"]
    swap_shift_id: Id

    def wanted(self) -> WantedChange:
        return WantedChange(RequestKind.SWAP, swap_shift_id=self.swap_shift_id)


class TimeChangeIn(Strict):
    """Approving moves the shift to the new times, its break with it."""

    shift_id: Id
    note: Note
    kind: Literal["time_change"]
    new_starts_at: InstantText
    new_ends_at: InstantText

    def wanted(self) -> WantedChange:
        return WantedChange(RequestKind.TIME_CHANGE, None,
                            _instant(self.new_starts_at, "new_starts_at"),
                            _instant(self.new_ends_at, "new_ends_at"))


RequestIn = NoteRequestIn | DayOffIn | SwapRequestIn | TimeChangeIn


class AnswerIn(Strict):
    approve: bool
    answer: Annotated[str, Field(max_length=MAX_NOTE, pattern="^[^\\u0000]*$")] | None = None
