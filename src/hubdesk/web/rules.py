"""Console pages for automation rules (administrators and managers): the rules in the order
they run, a form to add or change one, switching one on or off, removing one, trying the form's rule
on recent tickets without saving it, and a dry run that shows which would fire for a ticket
and why. Every change goes through the rule use
cases the API calls, so a refused rule (a loop, an unknown field) is the API's message,
shown beside the field it names, and nothing is saved."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, NotFound, PermissionDenied
from hubdesk.domain.events import EventKind
from hubdesk.domain.rules.actions import NOTIFY_TARGETS, SETTABLE
from hubdesk.domain.rules.fields import CATALOGUE, OPS_BY_TYPE, FieldType
from hubdesk.domain.rules.model import ANCHORS, TIMED_STATUSES, TRIGGER_KINDS
from hubdesk.services.rules.admin import RulesScreen, RuleTryout
from hubdesk.web.actions import act
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.rule_forms import (
    RULE_FIELDS,
    beside_the_picker,
    rule_fields,
    rule_plain_form,
    typed_fields,
)
from hubdesk.web.session import AgentDep, FormDep, app_of, flash
from hubdesk.web.settings import place_errors
from hubdesk.web.sla_forms import calendar_choices

router = APIRouter(include_in_schema=False)

TRIGGER_KIND_NAMES = [k.value for k in TRIGGER_KINDS]
CHOICES = {"trigger_kinds": TRIGGER_KIND_NAMES,
           "timed_statuses": [s.value for s in TIMED_STATUSES], "anchors": list(ANCHORS),
           "catalogue": sorted(CATALOGUE.values(), key=lambda spec: spec.name),
           "settable": list(SETTABLE), "notify_targets": list(NOTIFY_TARGETS),
           "custom_operators": sorted(op.value for op in OPS_BY_TYPE[FieldType.CUSTOM]),
           "field_notes": {"message.body": "the customer's message that set the rule off, "
                                           "else their latest; words searched in any case"}}


def _asked_ticket(request: Request) -> tuple[str, int | None, EventKind | None]:
    raw = request.query_params.get("ticket", "").strip().lstrip("#")
    ticket_id = whole_number(raw)
    event = request.query_params.get("event", "")
    return raw, ticket_id, EventKind(event) if event in TRIGGER_KIND_NAMES else None


def changed_fields(typed: str) -> list[str] | dict[str, Any]:
    """The dry run's "as if changed" box: ``ticket.status=solved, ticket.tags`` (a field
    alone changed to the value it has now; ``field=`` to nothing; digits are ids) in the
    API's form. Bare names and pairs do not mix: pairs win, bare names then read now."""
    items = [item.strip() for item in typed.split(",") if item.strip()]
    if not any("=" in item for item in items):
        return items
    pairs: dict[str, Any] = {}
    for item in items:
        name, _, value = (part.strip() for part in item.partition("="))
        number = whole_number(value)
        pairs[name] = number if number is not None else (value or None)
    return pairs


async def _page(request: Request, agent: Agent, rule_id: int | None = None, *,
                error: DomainError | None = None, form: dict[str, Any] | None = None,
                tryout: RuleTryout | None = None) -> Response:
    """The rules, the form (a new rule, ``rule_id`` as stored, or ``form`` as typed with
    ``error`` beside its fields), the ``tryout`` of the form's rule beside it, and the dry
    run asked for in the query."""
    app = app_of(request)
    raw, ticket_id, event = _asked_ticket(request)
    changed = request.query_params.get("changed", "")[:500]
    dry_run_error = None
    try:
        screen: RulesScreen = await run_in_threadpool(
            lambda: app.rules.screen(agent, ticket_id=ticket_id, event=event,
                                     changed=changed_fields(changed)))
    except PermissionDenied:
        return render(request, "error.html", 403, agent=agent, title="Forbidden",
                      detail="Automation rules are managed by administrators and managers.")
    except DomainError as asked_wrong:  # the ticket asked about: not found, out of scope
        dry_run_error = asked_wrong
        screen = await run_in_threadpool(lambda: app.rules.screen(agent))
    editing = next((r for r in screen.rules if r.id == rule_id), None)
    if rule_id is not None and editing is None:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"There is no rule {rule_id}; it may have been removed.")
    fields = form if form is not None else rule_fields(editing)
    status = error.status if error else dry_run_error.status if dry_run_error else 200
    return render(request, "rules.html", status, agent=agent, screen=screen,
                  editing=editing, form=fields,
                  calendars=calendar_choices(screen.calendars, fields["trigger_calendar"]),
                  errors=place_errors(error, RULE_FIELDS) if error else {},
                  error=str(dry_run_error) if dry_run_error else None, asked=raw,
                  asked_event=event.value if event else "", asked_changed=changed,
                  tryout=tryout, **CHOICES)


@router.get("/rules")
async def rules_page(request: Request, agent: AgentDep) -> Response:
    return await _page(request, agent)


@router.get("/rules/{rule_id:id}")
async def rule_page(request: Request, rule_id: int, agent: AgentDep) -> Response:
    return await _page(request, agent, rule_id)


@router.post("/rules")
async def create_rule(request: Request, form: FormDep, agent: AgentDep) -> Response:
    return await _save(request, form, agent, None)


@router.post("/rules/{rule_id:id}")
async def update_rule(request: Request, rule_id: int, form: FormDep,
                      agent: AgentDep) -> Response:
    return await _save(request, form, agent, rule_id)


async def _save(request: Request, form: Any, agent: Agent, rule_id: int | None) -> Response:
    rules = app_of(request).rules
    try:
        plain = rule_plain_form(form)
        if rule_id is None:
            saved = await run_in_threadpool(rules.create, agent, plain)
        else:
            saved = await run_in_threadpool(rules.update, agent, rule_id, plain)
    except DomainError as error:
        if isinstance(error, NotFound):
            rule_id = None
        return await _page(request, agent, rule_id, error=beside_the_picker(error, form),
                           form=typed_fields(form))
    flash(request, "ok", f"Rule “{saved.name}” saved.")
    return RedirectResponse("/rules", status_code=303)


@router.post("/rules/try")
async def try_rule(request: Request, form: FormDep, agent: AgentDep) -> Response:
    """The form's rule, unsaved, tried on recent tickets: shown beside the form, which keeps
    what was typed (and whether it was a rule being changed)."""
    raw_id = str(form.get("rule_id") or "")
    rule_id = whole_number(raw_id)
    try:
        tryout = await run_in_threadpool(app_of(request).rules.try_unsaved, agent,
                                         rule_plain_form(form))
    except DomainError as error:
        if isinstance(error, PermissionDenied):
            return await _page(request, agent)
        return await _page(request, agent, rule_id, error=beside_the_picker(error, form),
                           form=typed_fields(form))
    return await _page(request, agent, rule_id, form=typed_fields(form), tryout=tryout)


@router.post("/rules/{rule_id:id}/enabled")
async def switch_rule(request: Request, rule_id: int, form: FormDep,
                      agent: AgentDep) -> Response:
    enabled = form.get("enabled") == "yes"
    return await act(request, partial(app_of(request).rules.set_enabled, agent, rule_id,
                                      enabled),
                     done=lambda rule: f"Rule “{rule.name}” "
                                       f"{'enabled' if enabled else 'disabled'}.",
                     to="/rules")


@router.post("/rules/{rule_id:id}/delete")
async def delete_rule(request: Request, rule_id: int, form: FormDep,
                      agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).rules.delete, agent, rule_id),
                     done="Rule removed.", to="/rules")
