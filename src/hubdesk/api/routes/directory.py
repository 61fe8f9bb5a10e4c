"""/api/v1 customers, agents, teams and departments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hubdesk.api.deps import AgentDep, AppDep, PathId, QueryId
from hubdesk.api.schemas import (
    AgentIn,
    AgentOut,
    CustomerIn,
    CustomerMergeIn,
    CustomerMergeOut,
    CustomerOut,
    DepartmentOut,
    GroupIn,
    NewAgentIn,
    NewCustomerIn,
    NewGroupIn,
    NewTeamIn,
    PasswordChangeIn,
    SessionsEndedOut,
    TeamIn,
    TeamOut,
    problem_responses,
)
from hubdesk.domain.agents import Department, Team
from hubdesk.services import directory as service

router = APIRouter(prefix="/api/v1", tags=["directory"],
                   responses=problem_responses(400, 401, 403, 404, 409, 413, 422))


def _customer_input(body: CustomerIn) -> service.CustomerInput:
    return service.CustomerInput(
        fields_set=frozenset(body.model_fields_set), name=body.name,
        emails=tuple(str(e) for e in body.emails), phones=tuple(body.phones),
        chat_handles=tuple(body.chat_handles), organisation_id=body.organisation_id,
        tier=body.tier, language=body.language, notes=body.notes,
        custom_fields=body.custom_fields)


@router.get("/customers", response_model=list[CustomerOut])
def list_customers(app: AppDep, agent: AgentDep,
                   q: Annotated[str | None, Query(max_length=200)] = None,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50,
                   after: QueryId = None) -> list[CustomerOut]:
    return [CustomerOut.of(c) for c in app.directory.customers(agent, q, limit, after)]


@router.post("/customers", status_code=201, response_model=CustomerOut)
def create_customer(body: NewCustomerIn, app: AppDep, agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(app.directory.create_customer(agent, _customer_input(body)))


@router.get("/customers/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: PathId, app: AppDep, agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(app.directory.customer(agent, customer_id))


@router.patch("/customers/{customer_id}", response_model=CustomerOut)
def patch_customer(customer_id: PathId, body: CustomerIn, app: AppDep,
                   agent: AgentDep) -> CustomerOut:
    return CustomerOut.of(app.directory.update_customer(agent, customer_id,
                                                  _customer_input(body)))


@router.post("/customers/{customer_id}/merge", response_model=CustomerMergeOut)
def merge_customers(customer_id: PathId, body: CustomerMergeIn, app: AppDep,
                    agent: AgentDep) -> CustomerMergeOut:
    merged = app.directory.merge_customers(agent, customer_id, body.source_id)
    return CustomerMergeOut(customer=CustomerOut.of(merged.customer),
                            absorbed_id=merged.absorbed_id, tickets_moved=merged.tickets_moved)


def _agent_input(body: AgentIn) -> service.AgentInput:
    return service.AgentInput(
        fields_set=frozenset(body.model_fields_set), email=str(body.email) if body.email
        else None, name=body.name, role=body.role, tier=body.tier, active=body.active,
        team_ids=frozenset(body.team_ids), department_ids=frozenset(body.department_ids),
        languages=tuple(body.languages), skills=tuple(body.skills),
        sensitive_access=body.sensitive_access, password=body.password)


@router.get("/agents", response_model=list[AgentOut])
def list_agents(app: AppDep, agent: AgentDep) -> list[AgentOut]:
    return [AgentOut.of(a) for a in app.directory.agents(agent)]


@router.post("/agents", status_code=201, response_model=AgentOut)
def create_agent(body: NewAgentIn, app: AppDep, agent: AgentDep) -> AgentOut:
    return AgentOut.of(app.directory.create_agent(agent, _agent_input(body)))


@router.get("/agents/{agent_id}", response_model=AgentOut)
def get_agent(agent_id: PathId, app: AppDep, agent: AgentDep) -> AgentOut:
    return AgentOut.of(app.directory.agent(agent, agent_id))


@router.patch("/agents/{agent_id}", response_model=AgentOut)
def patch_agent(agent_id: PathId, body: AgentIn, app: AppDep, agent: AgentDep) -> AgentOut:
    return AgentOut.of(app.directory.update_agent(agent, agent_id, _agent_input(body)))


@router.post("/agents/me/password", response_model=SessionsEndedOut,
             responses=problem_responses(429))
def change_password(body: PasswordChangeIn, request: Request, app: AppDep,
                    agent: AgentDep) -> SessionsEndedOut:
    """Change your own password; your console sessions end (sign in again)."""
    ended = app.auth.change_own_password(
        agent, body.current_password, body.new_password,
        address=request.client.host if request.client else "unknown")
    return SessionsEndedOut(ended=ended)


@router.post("/agents/me/sessions/revoke", response_model=SessionsEndedOut)
def revoke_my_sessions(app: AppDep, agent: AgentDep) -> SessionsEndedOut:
    """Sign out everywhere: every console session of yours ends at once."""
    return SessionsEndedOut(ended=app.auth.sign_out_everywhere(agent))


@router.post("/agents/{agent_id}/sessions/revoke", response_model=SessionsEndedOut)
def revoke_agent_sessions(agent_id: PathId, app: AppDep, agent: AgentDep) -> SessionsEndedOut:
    """Sign another agent out everywhere: every console session of theirs ends at once, their
    account and API tokens stay. Administrators, and managers for those they outrank."""
    return SessionsEndedOut(ended=app.auth.sign_agent_out_everywhere(agent, agent_id).ended)


@router.get("/teams", response_model=list[TeamOut])
def list_teams(app: AppDep, agent: AgentDep) -> list[TeamOut]:
    return [TeamOut.of(t) for t in app.directory.teams(agent)]


@router.post("/teams", status_code=201, response_model=TeamOut)
def create_team(body: NewTeamIn, app: AppDep, agent: AgentDep) -> TeamOut:
    team = Team(id=None, name=body.name or "", description=body.description or "",
                time_zone=body.zone_change() or None)
    return TeamOut.of(app.directory.create_team(agent, team))


@router.patch("/teams/{team_id}", response_model=TeamOut)
def patch_team(team_id: PathId, body: TeamIn, app: AppDep, agent: AgentDep) -> TeamOut:
    """Send only what changes; a ``time_zone`` (an IANA name, or "" for the desk's) needs
    an administrator."""
    return TeamOut.of(app.directory.update_team(agent, team_id, name=body.name,
                                                description=body.description,
                                                time_zone=body.zone_change()))


@router.get("/departments", response_model=list[DepartmentOut])
def list_departments(app: AppDep, agent: AgentDep) -> list[DepartmentOut]:
    return [DepartmentOut.of(d) for d in app.directory.departments(agent)]


@router.post("/departments", status_code=201, response_model=DepartmentOut)
def create_department(body: NewGroupIn, app: AppDep, agent: AgentDep) -> DepartmentOut:
    department = Department(id=None, name=body.name or "", description=body.description or "",
                            email=str(body.email) if body.email else None)
    return DepartmentOut.of(app.directory.create_department(agent, department))


@router.delete("/departments/{department_id}", status_code=204, response_class=Response)
def delete_department(department_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    """Administrators. Refused with 409 while members, tickets, handoffs or rules refer to
    the department, naming them; its OLA goes with it."""
    app.directory.delete_department(agent, department_id)
    return Response(status_code=204)


@router.patch("/departments/{department_id}", response_model=DepartmentOut)
def patch_department(department_id: PathId, body: GroupIn, app: AppDep,
                     agent: AgentDep) -> DepartmentOut:
    return DepartmentOut.of(app.directory.update_department(
        agent, department_id, name=body.name, description=body.description,
        email=str(body.email) if body.email else None))
