"""/api/v1 customers, agents, teams and departments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from hubdesk.api.deps import AgentDep, HubDep, PathId, QueryId
from hubdesk.api.schemas import (
    AgentIn,
    AgentOut,
    CustomerIn,
    CustomerOut,
    DepartmentOut,
    GroupIn,
    PasswordChangeIn,
    SessionsEndedOut,
    TeamOut,
    problem_responses,
)
from hubdesk.domain.agents import Department, Team
from hubdesk.services import directory as service
from hubdesk.services import sessions

router = APIRouter(prefix="/api/v1", tags=["directory"],
                   responses=problem_responses(401, 403, 404, 409, 413, 422))


def _customer_input(body: CustomerIn) -> service.CustomerInput:
    return service.CustomerInput(
        fields_set=frozenset(body.model_fields_set), name=body.name,
        emails=tuple(str(e) for e in body.emails), phones=tuple(body.phones),
        chat_handles=tuple(body.chat_handles), organisation_id=body.organisation_id,
        tier=body.tier, language=body.language, notes=body.notes,
        custom_fields=body.custom_fields)


@router.get("/customers", response_model=list[CustomerOut])
def list_customers(hub: HubDep, agent: AgentDep,
                   q: Annotated[str | None, Query(max_length=200)] = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50,
                   after: QueryId = None) -> list[CustomerOut]:
    return [CustomerOut.of(c) for c in service.list_customers(hub.uows, agent, q, limit, after)]


@router.post("/customers", status_code=201, response_model=CustomerOut)
def create_customer(body: CustomerIn, hub: HubDep, agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(service.create_customer(hub.uows, agent, _customer_input(body)))


@router.get("/customers/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: PathId, hub: HubDep, agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(service.get_customer(hub.uows, agent, customer_id))


@router.patch("/customers/{customer_id}", response_model=CustomerOut)
def patch_customer(customer_id: PathId, body: CustomerIn, hub: HubDep,
                   agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(service.update_customer(hub.uows, agent, customer_id,
                                                  _customer_input(body)))


def _agent_input(body: AgentIn) -> service.AgentInput:
    return service.AgentInput(
        fields_set=frozenset(body.model_fields_set), email=str(body.email) if body.email
        else None, name=body.name, role=body.role, tier=body.tier, active=body.active,
        team_ids=frozenset(body.team_ids), department_ids=frozenset(body.department_ids),
        languages=tuple(body.languages), skills=tuple(body.skills),
        sensitive_access=body.sensitive_access, password=body.password)


@router.get("/agents", response_model=list[AgentOut])
def list_agents(hub: HubDep, agent: AgentDep) -> list[AgentOut]:
    return [AgentOut.of(a) for a in service.list_agents(hub.uows, agent)]


@router.post("/agents", status_code=201, response_model=AgentOut)
def create_agent(body: AgentIn, hub: HubDep, agent: AgentDep) -> AgentOut:
    return AgentOut.of(service.create_agent(hub.uows, agent, _agent_input(body)))


@router.get("/agents/{agent_id}", response_model=AgentOut)
def get_agent(agent_id: PathId, hub: HubDep, agent: AgentDep) -> AgentOut:
    return AgentOut.of(service.get_agent(hub.uows, agent, agent_id))


@router.patch("/agents/{agent_id}", response_model=AgentOut)
def patch_agent(agent_id: PathId, body: AgentIn, hub: HubDep, agent: AgentDep) -> AgentOut:
    changed = service.update_agent(hub.uows, agent, agent_id, _agent_input(body))
    if not changed.active or body.password:
        # This process drops the agent's cached tokens now; others within their cache time.
        hub.tokens.forget_agent(agent_id)
    return AgentOut.of(changed)


@router.post("/agents/me/password", response_model=SessionsEndedOut,
             responses=problem_responses(429))
def change_password(body: PasswordChangeIn, request: Request, hub: HubDep,
                    agent: AgentDep) -> SessionsEndedOut:
    """Change your own password; your console sessions end (sign in again)."""
    ended = sessions.change_own_password(
        hub.uows, agent, body.current_password, body.new_password,
        address=request.client.host if request.client else "unknown")
    return SessionsEndedOut(ended=ended)


@router.post("/agents/me/sessions/revoke", response_model=SessionsEndedOut)
def revoke_my_sessions(hub: HubDep, agent: AgentDep) -> SessionsEndedOut:
    """Sign out everywhere: every console session of yours ends at once."""
    return SessionsEndedOut(ended=sessions.sign_out_everywhere(hub.uows, agent))


@router.get("/teams", response_model=list[TeamOut])
def list_teams(hub: HubDep, agent: AgentDep) -> list[TeamOut]:
    return [TeamOut.of(t) for t in service.list_teams(hub.uows, agent)]


@router.post("/teams", status_code=201, response_model=TeamOut)
def create_team(body: GroupIn, hub: HubDep, agent: AgentDep) -> TeamOut:
    team = Team(id=None, name=body.name or "", description=body.description or "")
    return TeamOut.of(service.create_team(hub.uows, agent, team))


@router.patch("/teams/{team_id}", response_model=TeamOut)
def patch_team(team_id: PathId, body: GroupIn, hub: HubDep, agent: AgentDep) -> TeamOut:
    return TeamOut.of(service.update_team(hub.uows, agent, team_id, name=body.name,
                                          description=body.description))


@router.get("/departments", response_model=list[DepartmentOut])
def list_departments(hub: HubDep, agent: AgentDep) -> list[DepartmentOut]:
    return [DepartmentOut.of(d) for d in service.list_departments(hub.uows, agent)]


@router.post("/departments", status_code=201, response_model=DepartmentOut)
def create_department(body: GroupIn, hub: HubDep, agent: AgentDep) -> DepartmentOut:
    department = Department(id=None, name=body.name or "", description=body.description or "",
                            email=str(body.email) if body.email else None)
    return DepartmentOut.of(service.create_department(hub.uows, agent, department))


@router.patch("/departments/{department_id}", response_model=DepartmentOut)
def patch_department(department_id: PathId, body: GroupIn, hub: HubDep,
                     agent: AgentDep) -> DepartmentOut:
    return DepartmentOut.of(service.update_department(
        hub.uows, agent, department_id, name=body.name, description=body.description,
        email=str(body.email) if body.email else None))
