"""The departments settings screen (administrators): each department with its OLA (target
in business minutes, calendar, lead, its handoffs' escalation ladder: one step a line,
``75%: assignee`` or ``+240: coordinators`` for business minutes past the deadline; blank:
the default ladder, the coordinators told ``coordinator_after_minutes`` past the deadline),
saved in one transaction through `services/departments.py`; what is refused is shown
beside its field and nothing is saved. A department nothing refers to may be deleted, once
confirmed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent, Department
from hubdesk.domain.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.handoff_ladders import Notify, OlaStep
from hubdesk.domain.handoffs import Ola
from hubdesk.services.handoffs import OlaInput
from hubdesk.web.numbers import required_number, whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash
from hubdesk.web.settings import place_errors, refused
from hubdesk.web.sla_forms import calendar_choices, calendar_key

router = APIRouter(include_in_schema=False)

FIELDS = ["name", "description", "email", "target_minutes", "calendar", "lead_id",
          "coordinator_after_minutes", "ladder"]


def department_fields(department: Department | None, ola: Ola | None) -> dict[str, str]:
    """A stored department and its OLA as the form's values."""
    fields = dict.fromkeys(FIELDS, "")
    fields["coordinator_after_minutes"] = "240"
    if department is not None:
        fields.update(name=department.name, description=department.description,
                      email=department.email or "")
    if ola is not None:
        plain = ola.to_dict()
        fields.update(target_minutes=str(plain["target_minutes"]),
                      calendar=calendar_key(plain["calendar"]),
                      lead_id=str(plain["lead_id"] or ""),
                      coordinator_after_minutes=str(plain["coordinator_after_minutes"]),
                      ladder=ladder_lines(ola.steps) if ola.ladder is not None else "")
    return fields


def ladder_lines(steps: Iterable[OlaStep]) -> str:
    """A ladder as the form's lines: ``75%: assignee``, ``+240: coordinators``."""
    lines = []
    for step in steps:
        plain = step.to_dict()
        when = (f"{plain['at_percent']}%" if "at_percent" in plain
                else f"+{plain['after_deadline_minutes']}")
        lines.append(f"{when}: {', '.join(plain['notify'])}")
    return "\n".join(lines)


def ladder_form(text: str) -> list[dict[str, Any]] | None:
    """The ladder's lines as the API's plain form; None (the default ladder) when blank.
    What is not a number is passed on as typed, for the domain to name the field."""
    steps: list[dict[str, Any]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        when, _, who = line.partition(":")
        when = when.strip()
        notify = [n.strip() for n in who.replace(" ", ",").split(",") if n.strip()]
        if when.startswith("+"):
            minutes = when[1:].strip().removesuffix("min").removesuffix("m").strip()
            steps.append({"after_deadline_minutes": _number(minutes), "notify": notify})
        else:
            steps.append({"at_percent": _number(when.rstrip("%").strip()), "notify": notify})
    return steps or None


def _number(text: str) -> int | str:
    number = whole_number(text, digits=9)
    return text if number is None else number


def ola_input(form: FormData) -> OlaInput | None:
    """The OLA as typed: none without a target; numbers that are not numbers named."""
    target = _whole(form, "target_minutes")
    if target is None:
        return None
    calendar = str(form.get("calendar") or "").strip()
    try:
        plain = json.loads(calendar) if calendar else None
    except ValueError:
        raise ValidationFailed("calendar: choose one of the calendars listed",
                               {"calendar": "not a calendar"}) from None
    after = _whole(form, "coordinator_after_minutes")
    return OlaInput(target_minutes=target, calendar=plain, lead_id=_whole(form, "lead_id"),
                    coordinator_after_minutes=240 if after is None else after,
                    ladder=ladder_form(str(form.get("ladder") or "")))


def _whole(form: FormData, name: str) -> int | None:
    text = str(form.get(name) or "").strip()
    if not text:
        return None
    return required_number(text, name, f"{name.replace('_', ' ')} is a whole number",
                           reason="not a number", digits=9)


async def _page(request: Request, agent: Agent, department_id: int | None = None, *,
                error: DomainError | None = None, form: dict[str, Any] | None = None
                ) -> Response:
    try:
        screen = await run_in_threadpool(app_of(request).directory.departments_screen, agent)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    editing = next((d for d in screen.departments if d.id == department_id), None)
    if department_id is not None and editing is None:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"There is no department {department_id}.")
    fields = form if form is not None else department_fields(
        editing, screen.olas.get(department_id) if department_id is not None else None)
    return render(request, "settings_departments.html", error.status if error else 200,
                  agent=agent, screen=screen, editing=editing, form=fields,
                  calendars=calendar_choices(screen.calendars, fields["calendar"]),
                  calendar_names={calendar_key(n.calendar.to_dict()): n.name
                                  for n in screen.calendars},
                  calendar_key=calendar_key, notify_choices=[n.value for n in Notify],
                  errors=place_errors(error, FIELDS) if error else {})


@router.get("/settings/departments")
async def departments_page(request: Request, agent: AgentDep) -> Response:
    return await _page(request, agent)


@router.get("/settings/departments/{department_id:id}")
async def department_page(request: Request, department_id: int, agent: AgentDep) -> Response:
    return await _page(request, agent, department_id)


@router.post("/settings/departments")
async def create_department(request: Request, form: FormDep, agent: AgentDep) -> Response:
    return await _save(request, form, agent, None)


@router.post("/settings/departments/{department_id:id}")
async def update_department(request: Request, department_id: int, form: FormDep,
                            agent: AgentDep) -> Response:
    return await _save(request, form, agent, department_id)


@router.post("/settings/departments/{department_id:id}/delete")
async def delete_department(request: Request, department_id: int, form: FormDep,
                            agent: AgentDep) -> Response:
    """Delete once confirmed; what still refers to the department is said, and it stays."""
    back = RedirectResponse(f"/settings/departments/{department_id}#delete-department",
                            status_code=303)
    if form.get("confirmed") != "yes":
        flash(request, "error", "Tick the box to confirm the deletion: nothing was deleted.")
        return back
    try:
        await run_in_threadpool(app_of(request).directory.delete_department, agent,
                                department_id)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    except NotFound as missing:
        flash(request, "error", str(missing))
        return RedirectResponse("/settings/departments", status_code=303)
    except DomainError as error:
        flash(request, "error", str(error))
        return back
    flash(request, "ok", "Department deleted.")
    return RedirectResponse("/settings/departments", status_code=303)


async def _save(request: Request, form: FormData, agent: Agent,
                department_id: int | None) -> Response:
    department = Department(id=department_id, name=str(form.get("name") or ""),
                            description=str(form.get("description") or "").strip(),
                            email=str(form.get("email") or "").strip() or None)
    try:
        saved = await run_in_threadpool(app_of(request).directory.save_department, agent,
                                        department, ola_input(form))
    except DomainError as error:
        if isinstance(error, NotFound):
            department_id = None
        return await _page(request, agent, department_id, error=error,
                           form={key: str(form.get(key) or "") for key in FIELDS})
    flash(request, "ok", f"Department “{saved.name}” saved.")
    return RedirectResponse("/settings/departments", status_code=303)
