"""Routing: why a ticket went where it went, the team board, presence and profiles, the next
best ticket for the caller, locks, agents a customer asked not to be served by, and the desk's
routing configuration."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Response

from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.routing_schemas import (
    AgentRoutingOut,
    DecisionOut,
    ExclusionIn,
    ExclusionOut,
    LockIn,
    PresenceIn,
    RoutedOut,
    RoutingConfigIn,
    RoutingOut,
    RoutingProfileIn,
    TicketRoutingOut,
)
from hubdesk.api.schemas import TicketOut, problem_responses
from hubdesk.services.routing_records import ProfileChange

router = APIRouter(prefix="/api/v1", tags=["routing"],
                   responses=problem_responses(400, 401, 403, 404, 409, 422))


@router.get("/tickets/{ticket_id}/routing", response_model=RoutingOut)
def ticket_routing(ticket_id: PathId, app: AppDep, agent: AgentDep) -> RoutingOut:
    """The ticket's routing state and every routing decision about it, newest first: the
    chosen agent, the top candidates with their score parts, who was excluded and why."""
    state, decisions = app.routing.decisions(agent, ticket_id)
    return RoutingOut(state=TicketRoutingOut.of(state) if state else None,
                      decisions=[DecisionOut.of(d) for d in decisions])


@router.post("/tickets/{ticket_id}/routing", response_model=RoutedOut)
def route_now(ticket_id: PathId, app: AppDep, agent: AgentDep) -> RoutedOut:
    """Route an unassigned ticket now (it is not moved if assigned, locked or finished)."""
    decision = app.routing.route(agent, ticket_id)
    return RoutedOut(routed=decision is not None and decision.agent_id is not None,
                     agent_id=decision.agent_id if decision else None,
                     decision=decision.to_dict() if decision else None)


@router.put("/tickets/{ticket_id}/routing/lock", response_model=TicketRoutingOut)
def lock_assignment(ticket_id: PathId, body: LockIn, app: AppDep,
                    agent: AgentDep) -> TicketRoutingOut:
    """A locked ticket is never moved by routing (people still may). Coordinators."""
    return TicketRoutingOut.of(app.routing.lock(agent, ticket_id, body.locked))


@router.post("/routing/next", response_model=TicketOut,
             responses={204: {"description": "nothing waiting that you can take now"}})
def next_ticket(app: AppDep, agent: AgentDep) -> Any:
    """Pull mode: the most urgent waiting ticket you can serve, assigned to you."""
    detail = app.routing.next(agent)
    return Response(status_code=204) if detail is None else TicketOut.of(detail)


@router.get("/routing/agents", response_model=list[AgentRoutingOut])
def routing_board(app: AppDep, agent: AgentDep) -> list[AgentRoutingOut]:
    """The team board: each agent's presence, load and capacity, skills, tier and wellbeing
    (difficult contacts today and in the guard's window, guarded, cool-down due)."""
    return [AgentRoutingOut.of(line) for line in app.routing.board(agent)]


@router.get("/routing/unroutable", response_model=list[TicketRoutingOut])
def unroutable(app: AppDep, agent: AgentDep) -> list[TicketRoutingOut]:
    """Tickets no agent in the roster could ever serve, with why."""
    return [TicketRoutingOut.of(state) for state in app.routing.unroutable(agent)]


@router.put("/agents/{agent_id}/presence", response_model=AgentRoutingOut)
def set_presence(agent_id: PathId, body: PresenceIn, app: AppDep,
                 agent: AgentDep) -> AgentRoutingOut:
    """Your own presence, or (coordinators) anyone's."""
    return AgentRoutingOut.of(app.routing.set_presence(agent, agent_id, body.presence))


@router.put("/agents/{agent_id}/routing-profile", response_model=AgentRoutingOut)
def update_profile(agent_id: PathId, body: RoutingProfileIn, app: AppDep,
                   agent: AgentDep) -> AgentRoutingOut:
    """Skills (known to the desk, 1–5), languages, tier, capacity, channel costs, shift and
    pause. Coordinators, managers and administrators."""
    shift = body.shift
    change = ProfileChange(
        skills=dict(body.skills), languages=tuple(body.languages) if body.languages is not None
        else None, tier=body.tier, capacity=body.capacity,
        channel_costs=body.channel_costs.costs() if body.channel_costs else None,
        shift_starts_at=shift.starts_at if shift else None,
        shift_ends_at=shift.starts_at + timedelta(hours=shift.hours) if shift else None,
        clear_shift=body.clear_shift, paused=body.paused)
    return AgentRoutingOut.of(app.routing.update_profile(agent, agent_id, change))


@router.get("/routing/config", response_model=RoutingConfigIn)
def routing_config(app: AppDep, agent: AgentDep) -> Any:
    """The desk's routing configuration (defaults until an administrator sets one)."""
    return RoutingConfigIn.shown(app.routing.config(agent))


@router.put("/routing/config", response_model=RoutingConfigIn)
def update_routing_config(body: RoutingConfigIn, app: AppDep, agent: AgentDep) -> Any:
    """Replace the desk's routing configuration. Administrators."""
    return RoutingConfigIn.shown(app.routing.update_config(agent, body.document()))


@router.get("/customers/{customer_id}/excluded-agents", response_model=list[ExclusionOut])
def excluded_agents(customer_id: PathId, app: AppDep, agent: AgentDep) -> list[ExclusionOut]:
    """Agents the customer asked not to be served by again (coordinators, managers,
    administrators)."""
    return [ExclusionOut.of(x) for x in app.routing.excluded_agents(agent, customer_id)]


@router.post("/customers/{customer_id}/excluded-agents", status_code=201,
             response_model=ExclusionOut)
def exclude_agent(customer_id: PathId, body: ExclusionIn, app: AppDep,
                  agent: AgentDep) -> ExclusionOut:
    """Routing never offers the customer's tickets to the agent from now on; every decision
    names the exclusion. The customer's unresolved tickets the agent holds are routed to
    someone else (``moved``). 409 when the agent is excluded already."""
    return ExclusionOut.of(app.routing.exclude_agent(agent, customer_id, body.agent_id,
                                                     body.reason))


@router.delete("/customers/{customer_id}/excluded-agents/{agent_id}", status_code=204,
               response_class=Response)
def allow_agent(customer_id: PathId, agent_id: PathId, app: AppDep,
                agent: AgentDep) -> Response:
    """Lift the exclusion: routing may offer the customer's tickets to the agent again."""
    app.routing.allow_agent(agent, customer_id, agent_id)
    return Response(status_code=204)
