"""/api/v1/rules: automation rules (administrators and managers), their dry runs, and why
rules did or would fire on a ticket."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.rule_schemas import DryRunBody, RuleIn
from hubdesk.api.schemas import EventOut, problem_responses
from hubdesk.domain.agents import Agent
from hubdesk.domain.events import EventKind
from hubdesk.domain.rules import Rule, RuleVerdict
from hubdesk.domain.rules.trial import RuleTrial
from hubdesk.domain.rules.usage import NEVER_FIRED, RuleUsage
from hubdesk.services.application import Application
from hubdesk.services.rules.admin import RuleTryout

router = APIRouter(prefix="/api/v1", tags=["rules"],
                   responses=problem_responses(400, 401, 403, 404, 422))


class UsageOut(BaseModel):
    last_24_hours: int
    last_7_days: int
    last_30_days: int
    last_fired_at: datetime | None = Field(
        description="its latest firing in the last 30 days (null: none)")


class RuleOut(BaseModel):
    id: int
    name: str
    position: int
    enabled: bool
    trigger: dict[str, Any]
    conditions: dict[str, Any]
    actions: list[dict[str, Any]]
    usage: UsageOut = Field(
        description="how often it fired in the last 24 hours, 7 and 30 days (UTC hours; "
        "firings are counted as they are relayed, within seconds of the change)")

    @classmethod
    def of(cls, rule: Rule, usage: RuleUsage = NEVER_FIRED) -> RuleOut:
        return cls(**rule.to_dict(), usage=UsageOut(**asdict(usage)))


def _with_usage(app: Application, agent: Agent, rule: Rule) -> RuleOut:
    rule_id = rule.id or 0
    return RuleOut.of(rule, app.rules.usage(agent, rule_ids=[rule_id]).get(rule_id, NEVER_FIRED))


class VerdictOut(BaseModel):
    rule_id: int | None
    rule: str
    kind: str
    would_fire: bool
    reason: str
    due_at: datetime | None
    conditions: dict[str, Any]
    macros: list[dict[str, Any]] = Field(
        description="the macros the rule's actions apply, in order: macro_id and name (null: "
        "it no longer exists, and would be skipped)")

    @classmethod
    def of(cls, verdict: RuleVerdict) -> VerdictOut:
        return cls(**verdict.to_dict())


class TicketRulesOut(BaseModel):
    ticket_id: int
    fired: list[EventOut]
    verdicts: list[VerdictOut]


@router.post("/rules", status_code=201, response_model=RuleOut)
def create_rule(body: RuleIn, app: AppDep, agent: AgentDep) -> RuleOut:
    """Validated whole (fields, operators, values, what the actions name, loops with the
    other rules) before anything is stored."""
    return RuleOut.of(app.rules.create(agent, body.plain()))


@router.get("/rules", response_model=list[RuleOut])
def list_rules(app: AppDep, agent: AgentDep) -> list[RuleOut]:
    """In the order they run: position, then id."""
    rules = app.rules.list(agent)
    usage = app.rules.usage(agent)
    return [RuleOut.of(rule, usage.get(rule.id or 0, NEVER_FIRED)) for rule in rules]


class TrialOut(BaseModel):
    ticket_id: int
    subject: str
    would_fire: bool
    reason: str
    due_at: datetime | None
    conditions: dict[str, Any]
    macros: list[dict[str, Any]] = Field(description="the macros it would apply")
    changes: dict[str, list[Any]] = Field(
        description="each field the rule would change: [before, after]")
    applied: list[dict[str, Any]] = Field(description="the actions that would take effect")
    skipped: list[dict[str, Any]] = Field(
        description="the actions the ticket would refuse or that change nothing, with why")

    @classmethod
    def of(cls, trial: RuleTrial) -> TrialOut:
        return cls(**trial.to_dict())


class TryoutOut(BaseModel):
    rule: dict[str, Any] = Field(description="the rule as it was read, never stored")
    tried: int = Field(description="how many recent tickets it was tried on")
    matched: int = Field(description="on how many it would fire")
    tickets: list[TrialOut] = Field(description="each ticket tried, latest change first")

    @classmethod
    def of(cls, tryout: RuleTryout) -> TryoutOut:
        return cls(rule=tryout.rule.to_dict(), tried=len(tryout.trials),
                   matched=len(tryout.matched),
                   tickets=[TrialOut.of(trial) for trial in tryout.trials])


@router.post("/rules/dry-run", response_model=list[VerdictOut] | TryoutOut)
def dry_run(body: DryRunBody, app: AppDep, agent: AgentDep) -> list[VerdictOut] | TryoutOut:
    """With `ticket_id`: which stored rules would fire for the ticket now, and why,
    condition by condition. With a rule (the body of `POST /rules`): validated as saving it
    would be, then tried on recent tickets: which it would fire on and what it would change.
    Nothing is stored either way."""
    if isinstance(body, RuleIn):
        return TryoutOut.of(app.rules.try_unsaved(agent, body.plain()))
    event = EventKind(body.event) if body.event else None
    return [VerdictOut.of(v) for v in app.rules.dry_run(agent, body.ticket_id, event=event,
                                                        changed=body.changed)]


@router.get("/rules/{rule_id:int}", response_model=RuleOut)
def get_rule(rule_id: PathId, app: AppDep, agent: AgentDep) -> RuleOut:
    return _with_usage(app, agent, app.rules.get(agent, rule_id))


@router.put("/rules/{rule_id:int}", response_model=RuleOut)
def replace_rule(rule_id: PathId, body: RuleIn, app: AppDep, agent: AgentDep) -> RuleOut:
    return _with_usage(app, agent, app.rules.update(agent, rule_id, body.plain()))


@router.post("/rules/{rule_id:int}/enable", response_model=RuleOut)
def enable_rule(rule_id: PathId, app: AppDep, agent: AgentDep) -> RuleOut:
    """Switch the rule on, the rest of it unchanged; checked with the other rules as saving
    it is (a loop is a 422). A rule that is on already stays as it is."""
    return _with_usage(app, agent, app.rules.set_enabled(agent, rule_id, True))


@router.post("/rules/{rule_id:int}/disable", response_model=RuleOut)
def disable_rule(rule_id: PathId, app: AppDep, agent: AgentDep) -> RuleOut:
    """Switch the rule off, the rest of it unchanged; one that is off already stays so."""
    return _with_usage(app, agent, app.rules.set_enabled(agent, rule_id, False))


@router.delete("/rules/{rule_id:int}", status_code=204, response_class=Response)
def delete_rule(rule_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    app.rules.delete(agent, rule_id)
    return Response(status_code=204)


@router.get("/tickets/{ticket_id}/rules", response_model=TicketRulesOut)
def ticket_rules(ticket_id: PathId, app: AppDep, agent: AgentDep) -> TicketRulesOut:
    """Why rules fired on the ticket (its history's firings) and which would fire now."""
    explained = app.rules.for_ticket(agent, ticket_id)
    return TicketRulesOut(ticket_id=ticket_id,
                          fired=[EventOut.of(e.id, e.event) for e in explained.fired],
                          verdicts=[VerdictOut.of(v) for v in explained.verdicts])
