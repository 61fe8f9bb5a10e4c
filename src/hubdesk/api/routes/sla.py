"""/api/v1/sla: SLA policies and business calendars (managers and administrators), and a
ticket's clocks with their history (whoever may see the ticket).

Bodies are typed as far as a description can say; what only the domain can judge
(overlapping or reversed opening intervals, unknown time zones, iCalendar files that do not
parse, unknown calendars) is answered 422 with the field named, and nothing is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field, StrictBool

from hubdesk.api.calendar_schemas import CalendarFormIn
from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.schemas import NOT_BLANK, Strict, problem_responses
from hubdesk.domain.sla import NamedCalendar, SlaPolicy, StepAction
from hubdesk.domain.sla.policies import MAX_TARGET_MINUTES
from hubdesk.domain.sla.ticket_rules import RematchRun
from hubdesk.domain.tickets import Channel, Priority
from hubdesk.services.sla_admin import MAX_ICAL_CHARACTERS, calendar_from_input
from hubdesk.services.sla_reads import ClockHistoryEntry, ClockView
from hubdesk.services.sla_rematch import Rematch
from hubdesk.services.sla_risk import DEFAULT_THRESHOLD

router = APIRouter(prefix="/api/v1", tags=["sla"],
                   responses=problem_responses(400, 401, 403, 404, 409, 422))

Name = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK)]
class CalendarIn(CalendarFormIn):
    name: Name
    ical: Annotated[str, Field(max_length=MAX_ICAL_CHARACTERS, description=(
        "an iCalendar file's text: all-day events become holidays, timed events "
        "closures"))] | None = None


class CalendarOut(BaseModel):
    id: int
    name: str
    timezone: str
    always_open: bool = False
    hours: dict[str, list[list[str]]] | None = None
    holidays: list[Any]

    @classmethod
    def of(cls, named: NamedCalendar) -> CalendarOut:
        assert named.id is not None
        return cls(id=named.id, name=named.name, **named.calendar.to_dict())


class ConditionsIn(Strict):
    priority: Annotated[list[Priority], Field(min_length=1)] | None = None
    customer_tier: Annotated[list[Literal["standard", "premium", "vip"]],
                             Field(min_length=1)] | None = None
    organisation_id: Annotated[list[Annotated[int, Field(ge=1)]],
                               Field(min_length=1)] | None = None
    channel: Annotated[list[Channel], Field(min_length=1)] | None = None
    category: Annotated[list[Name], Field(min_length=1)] | None = None
    team_id: Annotated[list[Annotated[int, Field(ge=1)]],
                       Field(min_length=1)] | None = None


Minutes = Annotated[int, Field(ge=1, le=MAX_TARGET_MINUTES,
                                     description="business minutes")]


class GoalsIn(Strict):
    first_response: Minutes | None = None
    next_response: Minutes | None = None
    resolution: Minutes | None = None


class StepIn(Strict):
    at_percent: Annotated[int, Field(ge=1, le=100, description="100: the breach")]
    actions: Annotated[list[StepAction], Field(min_length=1, max_length=len(StepAction))]


Ladder = Annotated[list[StepIn], Field(max_length=10)]


class LaddersIn(Strict):
    """Targets with a ladder of their own; the others climb the policy's ``ladder``."""

    first_response: Ladder | None = None
    next_response: Ladder | None = None
    resolution: Ladder | None = None


class PolicyIn(Strict):
    name: Name
    position: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] = 0
    active: StrictBool = True
    conditions: ConditionsIn = Field(default_factory=ConditionsIn)
    targets: Annotated[dict[Priority, GoalsIn], Field(min_length=1)]
    calendar_id: Annotated[int, Field(ge=1)] | None = None
    calendar: CalendarFormIn | None = None
    pause_statuses: list[Literal["new", "open", "pending", "on_hold"]] | None = None
    ladder: Ladder | None = Field(default=None, description="the steps of targets without "
                                 "a ladder of their own in `ladders`")
    ladders: LaddersIn | None = None

    def form(self) -> dict[str, Any]:
        form: dict[str, Any] = {
            "name": self.name, "position": self.position, "active": self.active,
            "conditions": self.conditions.model_dump(mode="json", exclude_none=True),
            "targets": {p.value: goals.model_dump(exclude_none=True)
                        for p, goals in self.targets.items()}}
        if self.calendar_id is not None:
            form["calendar_id"] = self.calendar_id
        if self.calendar is not None:
            form["calendar"] = self.calendar.form()
        if self.pause_statuses is not None:
            form["pause_statuses"] = list(self.pause_statuses)
        if self.ladder is not None:
            form["ladder"] = [step.model_dump(mode="json") for step in self.ladder]
        if self.ladders is not None:
            form["ladders"] = {target: [step.model_dump(mode="json") for step in steps]
                               for target, steps in self.ladders if steps is not None}
        return form


class PolicyOut(BaseModel):
    id: int
    name: str
    position: int
    active: bool
    conditions: dict[str, list[Any]]
    targets: dict[str, dict[str, int]]
    calendar_id: int | None = None
    calendar: dict[str, Any] | None = None
    pause_statuses: list[str]
    ladder: list[dict[str, Any]]
    ladders: dict[str, list[dict[str, Any]]] = Field(
        description="the targets with a ladder of their own, by target")

    @classmethod
    def of(cls, policy: SlaPolicy) -> PolicyOut:
        assert policy.id is not None
        return cls(id=policy.id, **policy.to_dict())


class RematchRunOut(BaseModel):
    """A change of policies, calendars or a customer that moved more open tickets than one
    transaction holds, being matched again in ticket id order in the background."""

    id: int
    reason: str
    at: datetime
    total: int  # open tickets it may move, counted when the change was made
    done: int  # of them, matched again so far
    changed: int  # of those, whose clocks it changed
    finished_at: datetime | None

    @classmethod
    def of(cls, run: RematchRun) -> RematchRunOut:
        assert run.id is not None
        return cls(id=run.id, reason=run.reason, at=run.at, total=run.total, done=run.done,
                   changed=run.changed, finished_at=run.finished_at)


class ClockOut(BaseModel):
    target: str
    status: str = Field(description="running, paused, met, stopped, or breached (a live "
                                    "clock past its deadline)")
    cycle: int
    policy_id: int | None
    goal_seconds: float
    due_at: datetime | None
    business_seconds_left: float | None
    paused: bool
    risk: str | None = Field(description="low, medium, high or breached; null once met")
    breached_at: datetime | None
    met_at: datetime | None

    @classmethod
    def of(cls, view: ClockView) -> ClockOut:
        return cls(**view.__dict__)


class BreachForecastOut(BaseModel):
    ticket_id: int
    subject: str
    channel: str
    team_id: int | None
    target: str = Field(description="first_response or next_response")
    due_at: datetime | None
    business_seconds_left: float
    probability: float = Field(ge=0, le=1, description="of still waiting for an agent when "
                                                       "the clock runs out")
    ahead: int = Field(description="tickets the same agents will take first")
    free_slots: int
    busy_slots: int
    mean_handle_s: float
    expected_wait_s: float | None = Field(description="null: nobody online could take it")
    assignee_id: int | None = Field(
        default=None, description="set: an assigned ticket, forecast from this agent's own "
        "unanswered tickets due earlier")
    assignee_name: str | None = None
    assignee_presence: str | None = Field(
        default=None, description="the assignee's presence now (online, away, on_break, "
        "offline)")
    assignee_back_at: datetime | None = Field(
        default=None, description="when the assignee works on their pile again; null with a "
        "presence other than online: not known to come back")


class RiskReportOut(BaseModel):
    threshold: float
    waiting: int = Field(description="tickets waiting for an agent that were looked at")
    closed: int = Field(description="of those, on a calendar closed now: not forecast")
    forecast: int
    at_risk: int = Field(description="forecasts at or above the threshold, not breached yet")
    breached: int = Field(description="waiting tickets whose answer clock has run out")
    mean_handle_s: dict[str, float] = Field(description="per channel, from recent releases")
    forecasts: list[BreachForecastOut] = Field(description="the likeliest breach first")
    assigned: int = Field(description="assigned tickets awaiting their answer that were "
                          "looked at")
    assigned_closed: int = Field(description="of those, on a calendar closed now")
    assigned_at_risk: int
    assigned_forecasts: list[BreachForecastOut] = Field(
        description="assigned tickets, each forecast from its assignee's pile; the likeliest "
        "breach first")


class ClockHistoryOut(BaseModel):
    target: str
    cycle: int
    kind: str
    at: datetime
    data: dict[str, Any]

    @classmethod
    def of(cls, entry: ClockHistoryEntry) -> ClockHistoryOut:
        return cls(**entry.__dict__)


class TicketSlaOut(BaseModel):
    clocks: list[ClockOut]
    history: list[ClockHistoryOut]


def _named(body: CalendarIn) -> NamedCalendar:
    return calendar_from_input(body.name, body.form(), body.ical)


@router.get("/sla/calendars", response_model=list[CalendarOut])
def list_calendars(app: AppDep, agent: AgentDep) -> list[CalendarOut]:
    return [CalendarOut.of(c) for c in app.sla.calendars(agent)]


@router.post("/sla/calendars", status_code=201, response_model=CalendarOut)
def create_calendar(body: CalendarIn, app: AppDep, agent: AgentDep) -> CalendarOut:
    return CalendarOut.of(app.sla.create_calendar(agent, _named(body)))


@router.get("/sla/calendars/{calendar_id}", response_model=CalendarOut)
def get_calendar(calendar_id: PathId, app: AppDep, agent: AgentDep) -> CalendarOut:
    return CalendarOut.of(app.sla.calendar(agent, calendar_id))


@router.put("/sla/calendars/{calendar_id}", response_model=CalendarOut)
def replace_calendar(calendar_id: PathId, body: CalendarIn, app: AppDep, agent: AgentDep,
                     response: Response) -> CalendarOut:
    """Clocks running on this calendar go on under the new hours from now; the headers say
    how many open tickets were matched again (`Hubdesk-Tickets-Rematched`) or are being
    matched again in the background (`Hubdesk-Tickets-Rematching`)."""
    saved = app.sla.replace_calendar(agent, calendar_id, _named(body))
    _tell_rematch(response, saved.rematch)
    return CalendarOut.of(saved.calendar)


@router.delete("/sla/calendars/{calendar_id}", status_code=204, response_class=Response)
def delete_calendar(calendar_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    app.sla.delete_calendar(agent, calendar_id)
    return Response(status_code=204)


@router.get("/sla/policies", response_model=list[PolicyOut])
def list_policies(app: AppDep, agent: AgentDep) -> list[PolicyOut]:
    """In the order they are tried: the first whose conditions hold governs a ticket."""
    return [PolicyOut.of(p) for p in app.sla.policies(agent)]


@router.post("/sla/policies", status_code=201, response_model=PolicyOut)
def create_policy(body: PolicyIn, app: AppDep, agent: AgentDep,
                  response: Response) -> PolicyOut:
    """Open tickets the new policy is now the first to match go on under it; the headers
    say how many (as on a replacement)."""
    saved = app.sla.save_policy(agent, None, body.form())
    _tell_rematch(response, saved.rematch)
    return PolicyOut.of(saved.policy)


@router.get("/sla/policies/{policy_id}", response_model=PolicyOut)
def get_policy(policy_id: PathId, app: AppDep, agent: AgentDep) -> PolicyOut:
    return PolicyOut.of(app.sla.policy(agent, policy_id))


@router.put("/sla/policies/{policy_id}", response_model=PolicyOut)
def replace_policy(policy_id: PathId, body: PolicyIn, app: AppDep, agent: AgentDep,
                   response: Response) -> PolicyOut:
    """Open tickets this policy governed or now may govern are matched again and go on
    under the policy that governs them from now, keeping the business time they have used;
    the headers say how many were (`Hubdesk-Tickets-Rematched`) or are being matched again
    in the background (`Hubdesk-Tickets-Rematching`)."""
    saved = app.sla.save_policy(agent, policy_id, body.form())
    _tell_rematch(response, saved.rematch)
    return PolicyOut.of(saved.policy)


@router.delete("/sla/policies/{policy_id}", status_code=204, response_class=Response)
def delete_policy(policy_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    response = Response(status_code=204)
    _tell_rematch(response, app.sla.delete_policy(agent, policy_id))
    return response


def _tell_rematch(response: Response, rematch: Rematch) -> None:
    response.headers["Hubdesk-Tickets-Rematched"] = str(rematch.tickets)
    response.headers["Hubdesk-Tickets-Rematching"] = str(rematch.queued)


@router.get("/sla/rematch-runs", response_model=list[RematchRunOut])
def list_rematch_runs(app: AppDep, agent: AgentDep) -> list[RematchRunOut]:
    """The background re-matchings not finished yet, the newest first."""
    return [RematchRunOut.of(run) for run in app.sla.rematch_runs(agent)]


@router.get("/sla/at-risk", response_model=RiskReportOut)
def at_risk(app: AppDep, agent: AgentDep,
            threshold: Annotated[float, Query(gt=0, le=1)] = DEFAULT_THRESHOLD) -> RiskReportOut:
    """Breach forecasts for tickets waiting for an agent: from the line ahead of each, the
    online agents who could take it and recent handling times, not from the share of time
    used alone. Team leads, coordinators, managers and administrators."""
    return RiskReportOut(**app.sla.forecast_breaches(agent, threshold=threshold).to_dict())


@router.get("/tickets/{ticket_id}/sla", response_model=TicketSlaOut)
def ticket_sla(ticket_id: PathId, app: AppDep, agent: AgentDep) -> TicketSlaOut:
    clocks, history = app.sla.ticket_clocks(agent, ticket_id)
    return TicketSlaOut(clocks=[ClockOut.of(c) for c in clocks],
                        history=[ClockHistoryOut.of(h) for h in history])
