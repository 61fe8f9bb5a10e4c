"""The console's settings area for those who oversee the desk: teams and their members, each
agent's routing profile, and the desk's routing configuration.

Every change goes through the use case the API calls, so the validation and its messages are
the same; a refused change re-renders the form with what was typed and the message next to
the field it names, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent, Team
from hubdesk.domain.errors import DomainError, PermissionDenied, ValidationFailed
from hubdesk.domain.tickets import Channel
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.settings_screens import AgentRoutingScreen
from hubdesk.services.workforce_plan import zone_name
from hubdesk.web.actions import act
from hubdesk.web.numbers import required_number, whole_number
from hubdesk.web.render import render
from hubdesk.web.routing_form import config_from_form, config_to_form
from hubdesk.web.session import AgentDep, FormDep, app_of, flash

router = APIRouter(include_in_schema=False)

CHANNELS = [c.value for c in Channel]
ZONE_NAMES = sorted(available_timezones())  # offered while typing a team's time zone


def place_errors(error: DomainError, shown: Iterable[str]) -> dict[str, str]:
    """The error's message under each field of the form it names (``weights.affinity`` goes
    under ``weights.affinity``, ``hours.mon`` under ``hours.mon``, ``channel_costs.phone``
    under ``channel_costs.phone`` or else ``channel_costs``); under "" what names no field
    shown."""
    names = list(error.fields) if isinstance(error, ValidationFailed) else []
    fields = sorted(shown, key=len, reverse=True)  # the most precise field first
    placed = {}
    for name in names:
        placed[next((f for f in fields if name == f or name.startswith((f + ".", f + "["))),
                    "")] = str(error)
    return placed or {"": str(error)}


def refused(request: Request, agent: Agent, error: PermissionDenied) -> Response:
    return render(request, "error.html", 403, agent=agent, title="Not for your role",
                  detail=str(error))


@router.get("/settings")
async def settings_home(agent: AgentDep) -> Response:
    return RedirectResponse("/settings/teams", status_code=303)


# --- teams and members ---------------------------------------------------------------------

async def _teams_page(request: Request, agent: Agent, *, failed: str = "",
                      error: DomainError | None = None, form: FormData | None = None
                      ) -> Response:
    try:
        screen = await run_in_threadpool(app_of(request).directory.teams_screen, agent)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    return render(request, "settings_teams.html", error.status if error else 200,
                  agent=agent, screen=screen, failed=failed, form=form or {},
                  desk_zone=zone_name(app_of(request).workforce.zone), zone_names=ZONE_NAMES,
                  errors=place_errors(error, ["name", "agent_id", "time_zone"]) if error
                  else {})


@router.get("/settings/teams")
async def teams_page(request: Request, agent: AgentDep) -> Response:
    return await _teams_page(request, agent)


@router.post("/settings/teams")
async def create_team(request: Request, form: FormDep, agent: AgentDep) -> Response:
    team = Team(None, str(form.get("name") or ""), str(form.get("description") or ""))
    return await act(request, partial(app_of(request).directory.create_team, agent, team),
                     done=lambda created: f"Team “{created.name}” created.",
                     to=lambda created: f"/settings/teams#team-{created.id}",
                     again=lambda error: _teams_page(request, agent, failed="new",
                                                     error=error, form=form))


@router.post("/settings/teams/{team_id:id}")
async def rename_team(request: Request, team_id: int, form: FormDep,
                      agent: AgentDep) -> Response:
    return await act(request, partial(app_of(request).directory.update_team, agent, team_id,
                                      name=str(form.get("name") or "")),
                     done=lambda team: f"Team renamed “{team.name}”.",
                     to=f"/settings/teams#team-{team_id}",
                     again=lambda error: _teams_page(request, agent, failed=str(team_id),
                                                     error=error, form=form))


@router.post("/settings/teams/{team_id:id}/time-zone")
async def set_time_zone(request: Request, team_id: int, form: FormDep,
                        agent: AgentDep) -> Response:
    """The team's own time zone for workforce planning; empty: the desk's."""
    return await act(request, partial(app_of(request).directory.update_team, agent, team_id,
                                      time_zone=str(form.get("time_zone") or "")),
                     done=lambda team: f"“{team.name}” plans in {team.time_zone}."
                     if team.time_zone else f"“{team.name}” plans in the desk's time zone.",
                     to=f"/settings/teams#team-{team_id}",
                     again=lambda error: _teams_page(request, agent, failed=str(team_id),
                                                     error=error, form=form))


@router.post("/settings/teams/{team_id:id}/members")
async def change_member(request: Request, team_id: int, form: FormDep,
                        agent: AgentDep) -> Response:
    """Add the chosen agent to the team (``member=no``: take them out of it)."""
    raw = str(form.get("agent_id") or "")
    member = form.get("member") != "no"

    def change() -> Agent:
        agent_id = whole_number(raw)
        if agent_id is None:
            raise ValidationFailed("choose an agent", {"agent_id": "required"})
        return app_of(request).directory.set_team_member(agent, team_id, agent_id, member)

    return await act(request, change,
                     done=lambda changed: f"{changed.name} "
                                          f"{'added to' if member else 'removed from'} the team.",
                     to=f"/settings/teams#team-{team_id}",
                     again=lambda error: _teams_page(request, agent, failed=str(team_id),
                                                     error=error, form=form))


# --- an agent's routing profile ------------------------------------------------------------

PROFILE_FIELDS = ["skills", "languages", "tier", "capacity", "channel_costs"]


async def _agent_page(request: Request, agent: Agent, agent_id: int, *,
                      error: DomainError | None = None, form: FormData | None = None
                      ) -> Response:
    try:
        screen = await run_in_threadpool(app_of(request).routing.agent_screen, agent,
                                         agent_id)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    except DomainError as missing:
        return render(request, "error.html", missing.status, agent=agent, title="Not found",
                      detail=str(missing))
    return render(request, "settings_agent.html", error.status if error else 200,
                  agent=agent, screen=screen, channels=CHANNELS,
                  form=form if form is not None else _profile_form(screen),
                  errors=place_errors(error, PROFILE_FIELDS) if error else {})


def _profile_form(screen: AgentRoutingScreen) -> dict[str, str]:
    """The stored profile as the form's fields (defaults before the first one is set)."""
    row, person = screen.row, screen.agent
    skills = row.skills if row else {}
    costs = row.channel_costs if row else screen.default_costs
    fields = {f"skill.{name}": str(level) for name, level in skills.items()}
    fields |= {f"cost.{channel}": str(cost) for channel, cost in costs.items()}
    fields |= {"languages": ", ".join(row.languages if row else person.languages),
               "tier": str(row.tier if row else person.tier),
               "capacity": str(row.capacity if row else screen.default_capacity)}
    return fields


def _whole(form: FormData, name: str, field: str) -> int:
    """A whole number typed into a form; anything else is refused naming the field (the
    ranges are the use case's to judge)."""
    return required_number(form.get(name), field, f"{field} must be a whole number",
                           reason="not a number", digits=9)


def profile_change(form: FormData) -> ProfileChange:
    skills = {key.removeprefix("skill."): _whole(form, key, f"skills.{key[6:]}")
              for key in form if key.startswith("skill.") and str(form.get(key) or "")}
    costs = {key.removeprefix("cost."): _whole(form, key, f"channel_costs.{key[5:]}")
             for key in form if key.startswith("cost.") and str(form.get(key) or "").strip()}
    languages = tuple(t for t in str(form.get("languages") or "").replace(",", " ").split())
    return ProfileChange(skills=skills, languages=languages, tier=_whole(form, "tier", "tier"),
                         capacity=_whole(form, "capacity", "capacity"), channel_costs=costs)


@router.get("/settings/agents/{agent_id:id}/routing")
async def agent_page(request: Request, agent_id: int, agent: AgentDep) -> Response:
    return await _agent_page(request, agent, agent_id)


@router.post("/settings/agents/{agent_id:id}/routing")
async def save_profile(request: Request, agent_id: int, form: FormDep,
                       agent: AgentDep) -> Response:
    return await act(request, lambda: app_of(request).routing.update_profile(
        agent, agent_id, profile_change(form)),
        done="Routing profile saved.", to=f"/settings/agents/{agent_id}/routing",
        again=lambda error: _agent_page(request, agent, agent_id, error=error, form=form))


# --- the desk's routing configuration ------------------------------------------------------

async def _routing_page(request: Request, agent: Agent, *, error: DomainError | None = None,
                        form: FormData | None = None) -> Response:
    try:
        document = await run_in_threadpool(app_of(request).routing.config, agent)
    except PermissionDenied as denied:
        return refused(request, agent, denied)
    fields = config_to_form(document)
    return render(request, "settings_routing.html", error.status if error else 200,
                  agent=agent, fields=fields, form=form if form is not None else fields,
                  errors=place_errors(error, list(fields)) if error else {})


@router.get("/settings/routing")
async def routing_page(request: Request, agent: AgentDep) -> Response:
    return await _routing_page(request, agent)


@router.post("/settings/routing")
async def save_routing(request: Request, form: FormDep, agent: AgentDep) -> Response:
    try:
        document = config_from_form(form)
        await run_in_threadpool(app_of(request).routing.update_config, agent, document)
    except DomainError as error:
        return await _routing_page(request, agent, error=error, form=form)
    flash(request, "ok", "Routing configuration saved.")
    return RedirectResponse("/settings/routing", status_code=303)
