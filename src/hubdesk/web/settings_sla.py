"""Settings screens for business calendars and SLA policies (managers and administrators),
through the SLA use cases the API calls: the same validation, the message beside its field,
nothing saved when refused."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.calendar_trial import Deadline, TargetsDue, read_moment, target_of
from hubdesk.domain.customers import Tier
from hubdesk.domain.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.sla import NamedCalendar, SlaPolicy
from hubdesk.domain.sla.policies import SlaTarget, StepAction
from hubdesk.domain.tickets import Channel, Priority, Status
from hubdesk.services.settings_screens import SlaScreen
from hubdesk.services.sla_admin import calendar_from_input
from hubdesk.web.actions import act
from hubdesk.web.numbers import whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash
from hubdesk.web.settings import place_errors, refused
from hubdesk.web.sla_forms import (
    CALENDAR_FIELDS,
    POLICY_FIELDS,
    calendar_fields,
    calendar_plain_form,
    policy_fields,
    policy_form_fields,
    policy_plain_form,
)

router = APIRouter(include_in_schema=False)

CHOICES = {"priorities": [p.value for p in Priority], "targets": [t.value for t in SlaTarget],
           "channels": [c.value for c in Channel], "tiers": [t.value for t in Tier],
           "statuses": [Status.NEW.value, Status.OPEN.value, Status.PENDING.value,
                        Status.ON_HOLD.value], "actions": [a.value for a in StepAction]}


@dataclass(frozen=True)
class Screen:
    """What differs between the calendars screen and the policies screen."""

    template: str
    noun: str
    items: Callable[[SlaScreen], Sequence[NamedCalendar | SlaPolicy]]
    fields: Callable[[Any], dict[str, Any]]  # a stored item (or None) as the form's values
    shown: list[str]  # the form's fields, for errors to be put under


CALENDARS = Screen("settings_calendars.html", "calendar", lambda s: s.calendars,
                   calendar_fields, CALENDAR_FIELDS)
POLICIES = Screen("settings_sla.html", "policy", lambda s: s.policies, policy_fields,
                  POLICY_FIELDS)


async def _page(request: Request, agent: Agent, kind: Screen, item_id: int | None, *,
                error: DomainError | None = None,
                form: dict[str, Any] | None = None, trial: Any = None,
                trial_error: DomainError | None = None,
                asked: dict[str, str] | None = None) -> Response:
    """The list, and the form for a new item or for ``item_id``: as stored, or as typed
    (``form``) with ``error`` under the fields it names; with what the item's "Try" form
    ``asked``, its ``trial`` or why it was refused."""
    try:
        screen = await run_in_threadpool(app_of(request).sla.screen, agent)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    editing = next((i for i in kind.items(screen) if i.id == item_id), None)
    if item_id is not None and editing is None:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"There is no {kind.noun} {item_id}; it may have been removed.")
    failed = error or trial_error
    return render(request, kind.template, failed.status if failed else 200, agent=agent,
                  screen=screen, editing=editing,
                  form=form if form is not None else kind.fields(editing),
                  errors=place_errors(error, kind.shown) if error else {}, **CHOICES,
                  trial=trial, trial_error=trial_error and str(trial_error),
                  asked=asked or {})


# --- calendars -----------------------------------------------------------------------------

async def _calendars(request: Request, agent: Agent, calendar_id: int | None = None, *,
                     error: DomainError | None = None, form: FormData | None = None
                     ) -> Response:
    return await _page(request, agent, CALENDARS, calendar_id, error=error,
                       form=dict(form.items()) if form is not None else None)


@router.get("/settings/calendars")
async def calendars_page(request: Request, agent: AgentDep) -> Response:
    return await _calendars(request, agent)


@router.get("/settings/calendars/{calendar_id:id}")
async def calendar_page(request: Request, calendar_id: int, agent: AgentDep) -> Response:
    """The calendar's form, and with ``start`` and ``minutes`` when such a target falls due
    on the calendar as stored (the form "Try" under it)."""
    def run(asked: dict[str, str]) -> Deadline:
        minutes = whole_number(asked["minutes"])
        if minutes is None:
            raise ValidationFailed("give the target in whole business minutes",
                                   {"minutes": "not a number"})
        return app_of(request).sla.calendar_deadline(
            agent, calendar_id, read_moment(asked["start"]), target_of(minutes))
    return await _tried(request, agent, CALENDARS, calendar_id, ("start", "minutes"), run)


async def _tried(request: Request, agent: Agent, kind: Screen, item_id: int,
                 names: tuple[str, ...], run: Callable[[dict[str, str]], Any]) -> Response:
    """An item's page; with the query's ``names`` given, what ``run`` makes of them too (a
    trial of the item as stored), or why it refused them beside its form."""
    asked = {name: str(request.query_params.get(name) or "")[:40] for name in names}
    if not any(asked.values()):
        return await _page(request, agent, kind, item_id)
    try:
        trial = await run_in_threadpool(run, asked)
    except (NotFound, PermissionDenied):
        return await _page(request, agent, kind, item_id)  # which says so
    except DomainError as error:
        return await _page(request, agent, kind, item_id, trial_error=error, asked=asked)
    return await _page(request, agent, kind, item_id, trial=trial, asked=asked)


@router.post("/settings/calendars")
async def create_calendar(request: Request, form: FormDep, agent: AgentDep) -> Response:
    return await _save_calendar(request, form, agent, None)


@router.post("/settings/calendars/{calendar_id:id}")
async def update_calendar(request: Request, calendar_id: int, form: FormDep,
                          agent: AgentDep) -> Response:
    return await _save_calendar(request, form, agent, calendar_id)


async def _save_calendar(request: Request, form: FormData, agent: Agent,
                         calendar_id: int | None) -> Response:
    sla = app_of(request).sla
    try:
        ical = str(form.get("ical") or "").strip() or None
        named = calendar_from_input(form.get("name"), calendar_plain_form(form), ical)
        if calendar_id is None:
            saved = await run_in_threadpool(sla.create_calendar, agent, named)
            told = ""
        else:
            replaced = await run_in_threadpool(sla.replace_calendar, agent, calendar_id, named)
            saved, told = replaced.calendar, f" {replaced.rematch.describe()}"
    except DomainError as error:
        if isinstance(error, NotFound):
            calendar_id = None
        return await _calendars(request, agent, calendar_id, error=error, form=form)
    flash(request, "ok", f"Calendar “{saved.name}” saved.{told}")
    return RedirectResponse("/settings/calendars", status_code=303)


@router.post("/settings/calendars/{calendar_id:id}/delete")
async def delete_calendar(request: Request, calendar_id: int, form: FormDep,
                          agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).sla.delete_calendar, agent, calendar_id),
                     done="Calendar removed.", to="/settings/calendars")


# --- policies ------------------------------------------------------------------------------

async def _policies(request: Request, agent: Agent, policy_id: int | None = None, *,
                    error: DomainError | None = None, form: FormData | None = None
                    ) -> Response:
    return await _page(request, agent, POLICIES, policy_id, error=error,
                       form=policy_form_fields(form) if form is not None else None)


@router.get("/settings/sla")
async def policies_page(request: Request, agent: AgentDep) -> Response:
    return await _policies(request, agent)


@router.get("/settings/sla/{policy_id:id}")
async def policy_page(request: Request, policy_id: int, agent: AgentDep) -> Response:
    """The policy's form, and with ``start`` and ``priority`` when a ticket of that priority
    received then falls due on each target (the form "Try" under it)."""
    def run(asked: dict[str, str]) -> TargetsDue:
        try:
            priority = Priority(asked["priority"])
        except ValueError:
            raise ValidationFailed("choose a priority", {"priority": "unknown"}) from None
        return app_of(request).sla.policy_deadlines(agent, policy_id, priority,
                                                    read_moment(asked["start"]))
    return await _tried(request, agent, POLICIES, policy_id, ("start", "priority"), run)


@router.post("/settings/sla")
async def create_policy(request: Request, form: FormDep, agent: AgentDep) -> Response:
    return await _save_policy(request, form, agent, None)


@router.post("/settings/sla/{policy_id:id}")
async def update_policy(request: Request, policy_id: int, form: FormDep,
                        agent: AgentDep) -> Response:
    return await _save_policy(request, form, agent, policy_id)


async def _save_policy(request: Request, form: FormData, agent: Agent,
                       policy_id: int | None) -> Response:
    sla = app_of(request).sla
    plain = policy_plain_form(form)
    try:
        saved = await run_in_threadpool(sla.save_policy, agent, policy_id, plain)
    except DomainError as error:
        if isinstance(error, NotFound):
            policy_id = None
        return await _policies(request, agent, policy_id, error=error, form=form)
    flash(request, "ok", f"SLA policy “{saved.policy.name}” saved. "
                         f"{saved.rematch.describe()}")
    return RedirectResponse("/settings/sla", status_code=303)


@router.post("/settings/sla/{policy_id:id}/delete")
async def delete_policy(request: Request, policy_id: int, form: FormDep,
                        agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).sla.delete_policy, agent, policy_id),
                     done=lambda rematch: f"SLA policy removed. {rematch.describe()}",
                     to="/settings/sla")
