"""The console's agents screen: every agent with role, teams, tier and whether active; an
administrator or a manager creates agents, changes them, deactivates and reactivates them and
sets a new password.

Every change goes through the use case the API calls (``create_agent``, ``update_agent``),
which decides who may change what: a manager never changes an administrator's password,
e-mail or active flag, and nobody sets their own password without the current one. A form
sends only the fields that differ from the stored agent, as the API's PATCH does, so that
renaming an administrator does not count as touching their e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from hubdesk.domain.agents import Agent, Department, Role
from hubdesk.domain.errors import DomainError, PermissionDenied, ValidationFailed
from hubdesk.services.application import Application
from hubdesk.services.directory import AgentInput
from hubdesk.services.settings_screens import TeamsScreen
from hubdesk.web.actions import act
from hubdesk.web.landing import may_manage_agents
from hubdesk.web.numbers import required_number, whole_number
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of
from hubdesk.web.settings import place_errors, refused

router = APIRouter(include_in_schema=False)

ROLES = {Role.REPRESENTATIVE: "Representative", Role.TEAM_LEAD: "Team lead",
         Role.COORDINATOR: "Coordinator", Role.MANAGER: "Manager",
         Role.ADMIN: "Administrator", Role.LIAISON: "Department liaison"}
AGENT_FIELDS = ["name", "email", "role", "tier", "team_ids", "department_ids", "password",
                "password_again"]
MAX_TEXT = 320


@dataclass(frozen=True)
class AgentsScreen:
    teams: TeamsScreen
    departments: list[Department]

    @property
    def agents(self) -> list[Agent]:
        return sorted(self.teams.agents, key=lambda a: (not a.active, a.name.lower()))

    def find(self, agent_id: int) -> Agent | None:
        return next((a for a in self.teams.agents if a.id == agent_id), None)


def _screen(app: Application, actor: Agent) -> AgentsScreen:
    return AgentsScreen(app.directory.teams_screen(actor), app.directory.departments(actor))


def _ids(form: FormData, name: str) -> frozenset[int]:
    numbers = [whole_number(v) for v in form.getlist(name)]
    if None in numbers:
        raise ValidationFailed("choose from the list", {name: "invalid"})
    return frozenset(n for n in numbers if n is not None)


def _role(form: FormData) -> Role:
    try:
        return Role(str(form.get("role") or ""))
    except ValueError:
        raise ValidationFailed("choose the role from the list", {"role": "unknown"}) from None


def _tier(form: FormData) -> int:
    return required_number(form.get("tier"), "tier", "tier is 1, 2 or 3",
                           reason="not a number", digits=2)


def _text(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()[:MAX_TEXT]


def new_agent(form: FormData) -> AgentInput:
    """The create form as the use case's input (its rules judge the values)."""
    password = str(form.get("password") or "")
    return AgentInput(
        fields_set=frozenset({"name", "email", "role", "tier", "team_ids", "department_ids"}
                             | ({"password"} if password else set())),
        name=_text(form, "name"), email=_text(form, "email"), role=_role(form),
        tier=_tier(form), team_ids=_ids(form, "team_ids"),
        department_ids=_ids(form, "department_ids"), password=password or None)


def changed_agent(form: FormData, stored: Agent) -> AgentInput:
    """What the edit form changes of ``stored``: only the fields whose value differs."""
    values: dict[str, Any] = {
        "name": _text(form, "name"), "email": _text(form, "email").lower(),
        "role": _role(form), "tier": _tier(form), "team_ids": _ids(form, "team_ids"),
        "department_ids": _ids(form, "department_ids")}
    if not values["email"]:
        raise ValidationFailed("an agent needs an e-mail address", {"email": "required"})
    differ = frozenset(name for name, value in values.items() if value != getattr(stored, name))
    return AgentInput(fields_set=differ, **values)


async def _list_page(request: Request, agent: Agent, *, error: DomainError | None = None,
                     form: FormData | None = None) -> Response:
    try:
        screen = await run_in_threadpool(_screen, app_of(request), agent)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    return render(request, "settings_agents.html", error.status if error else 200,
                  agent=agent, screen=screen, roles=ROLES, may_manage=may_manage_agents(agent),
                  form=form if form is not None else {"role": "representative", "tier": "1"},
                  chosen=_chosen(form), errors=place_errors(error, AGENT_FIELDS) if error
                  else {})


def _chosen(form: FormData | None, stored: Agent | None = None) -> dict[str, set[str]]:
    """The teams and departments ticked on the form (as typed, or as stored)."""
    if form is not None:
        return {n: {str(v) for v in form.getlist(n)} for n in ("team_ids", "department_ids")}
    if stored is not None:
        return {"team_ids": {str(i) for i in stored.team_ids},
                "department_ids": {str(i) for i in stored.department_ids}}
    return {"team_ids": set(), "department_ids": set()}


async def _edit_page(request: Request, agent: Agent, agent_id: int, *, failed: str = "",
                     error: DomainError | None = None, form: FormData | None = None
                     ) -> Response:
    try:
        screen = await run_in_threadpool(_screen, app_of(request), agent)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    person = screen.find(agent_id)
    if person is None:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"Agent {agent_id} was not found.")
    stored = {"name": person.name, "email": person.email, "role": person.role.value,
              "tier": str(person.tier)}
    shown = form if form is not None and failed == "details" else stored
    return render(request, "settings_agent_edit.html", error.status if error else 200,
                  agent=agent, screen=screen, person=person, roles=ROLES, failed=failed,
                  may_manage=may_manage_agents(agent), form=shown,
                  chosen=_chosen(form if failed == "details" else None, person),
                  errors=place_errors(error, AGENT_FIELDS) if error else {})


@router.get("/settings/agents")
async def agents_page(request: Request, agent: AgentDep) -> Response:
    return await _list_page(request, agent)


@router.post("/settings/agents")
async def create_agent(request: Request, form: FormDep, agent: AgentDep) -> Response:
    app = app_of(request)
    return await act(request, lambda: app.directory.create_agent(agent, new_agent(form)),
                     done=lambda created: f"Agent “{created.name}” created.",
                     to=lambda created: f"/settings/agents/{created.id}",
                     again=lambda error: _list_page(request, agent, error=error, form=form))


@router.get("/settings/agents/{agent_id:id}")
async def agent_page(request: Request, agent_id: int, agent: AgentDep) -> Response:
    return await _edit_page(request, agent, agent_id)


@router.post("/settings/agents/{agent_id:id}")
async def update_agent(request: Request, agent_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    app = app_of(request)

    def change() -> Agent:
        stored = app.directory.agent(agent, agent_id)
        return app.directory.update_agent(agent, agent_id, changed_agent(form, stored))

    return await act(request, change, done=lambda changed: f"{changed.name} saved.",
                     to=f"/settings/agents/{agent_id}",
                     again=lambda error: _edit_page(request, agent, agent_id,
                                                    failed="details", error=error, form=form))


@router.post("/settings/agents/{agent_id:id}/sign-out")
async def sign_out_everywhere(request: Request, agent_id: int, form: FormDep,
                              agent: AgentDep) -> Response:
    """End every console session of another agent; their account stays as it is."""
    return await act(request, partial(app_of(request).auth.sign_agent_out_everywhere, agent,
                                      agent_id),
                     done=lambda result: f"{result.agent.name} is signed out everywhere "
                     f"({_sessions(result.ended)} ended).",
                     to=f"/settings/agents/{agent_id}",
                     again=lambda error: _edit_page(request, agent, agent_id,
                                                    failed="sessions", error=error))


def _sessions(count: int) -> str:
    return "1 session" if count == 1 else f"{count} sessions"


@router.post("/settings/agents/{agent_id:id}/active")
async def set_active(request: Request, agent_id: int, form: FormDep,
                     agent: AgentDep) -> Response:
    """Deactivate (``active=no``: their sessions end at once) or reactivate an agent."""
    active = form.get("active") != "no"
    change = AgentInput(fields_set=frozenset({"active"}), active=active)
    return await act(request, partial(app_of(request).directory.update_agent, agent,
                                      agent_id, change),
                     done=lambda changed: f"{changed.name} "
                     + ("reactivated." if active else "deactivated: signed out everywhere."),
                     to=f"/settings/agents/{agent_id}",
                     again=lambda error: _edit_page(request, agent, agent_id,
                                                    failed="active", error=error))


@router.post("/settings/agents/{agent_id:id}/password")
async def set_password(request: Request, agent_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    """A new password chosen for someone else (theirs ends every session of theirs)."""
    password = str(form.get("password") or "")[:1000]

    def change() -> Agent:
        if not password:
            raise ValidationFailed("type the new password", {"password": "required"})
        if password != str(form.get("password_again") or ""):
            raise ValidationFailed("the two passwords differ", {"password_again": "differs"})
        return app_of(request).directory.update_agent(
            agent, agent_id, AgentInput(fields_set=frozenset({"password"}), password=password))

    return await act(request, change,
                     done=lambda changed: f"New password set for {changed.name}: they are "
                     "signed out everywhere.",
                     to=f"/settings/agents/{agent_id}",
                     again=lambda error: _edit_page(request, agent, agent_id,
                                                    failed="password", error=error))
