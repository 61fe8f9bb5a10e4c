"""A customer's wish not to be served by an agent again: coordinators record it (with why),
and routing never offers that customer's tickets to the agent (`Exclusion.EXCLUDED`, named in
every decision's explanation). Tickets the agent already holds stay with them: moving one is
a coordinator's call."""

from __future__ import annotations

from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import Conflict, NotFound, ValidationFailed
from hubdesk.services.intake import NO_TOOLS, IntakeTools, mask_line
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.routing_admin import check_coordinates
from hubdesk.services.routing_records import AgentExclusion

MAX_REASON = 500


def excluded_agents(uows: UnitOfWorkFactory, actor: Agent,
                    customer_id: int) -> list[AgentExclusion]:
    check_coordinates(actor, "seeing whom a customer asked not to be served by")
    with uows(write=False) as uow:
        _known_customer(uow, customer_id)
        return uow.exclusions.of_customer(customer_id)


def exclude_agent(uows: UnitOfWorkFactory, actor: Agent, customer_id: int, agent_id: int,
                  reason: str, *, now: datetime,
                  tools: IntakeTools = NO_TOOLS) -> AgentExclusion:
    """Routing offers none of the customer's tickets to the agent from now on. The reason is
    required and masked like any short text an agent writes (it may quote the customer)."""
    check_coordinates(actor, "excluding an agent from a customer's tickets")
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationFailed("say why the customer should not be served by this agent",
                               {"reason": "required"})
    if len(text) > MAX_REASON:
        raise ValidationFailed(f"the reason takes at most {MAX_REASON} characters",
                               {"reason": "too long"})
    with uows() as uow:
        _known_customer(uow, customer_id)
        agent = uow.agents.get(agent_id)
        if agent is None:
            raise ValidationFailed(f"agent {agent_id} does not exist", {"agent_id": "unknown"})
        exclusion = AgentExclusion(customer_id=customer_id, agent_id=agent_id,
                                   reason=mask_line(tools, text), created_at=now,
                                   created_by_id=actor.id, agent_name=agent.name)
        if not uow.exclusions.add(exclusion):
            raise Conflict(f"{agent.name} is already excluded from this customer's tickets")
        uow.commit()
    return exclusion


def allow_agent(uows: UnitOfWorkFactory, actor: Agent, customer_id: int,
                agent_id: int) -> None:
    """Lift an exclusion: routing may offer the customer's tickets to the agent again."""
    check_coordinates(actor, "lifting an agent's exclusion from a customer's tickets")
    with uows() as uow:
        _known_customer(uow, customer_id)
        if not uow.exclusions.remove(customer_id, agent_id):
            raise NotFound(f"agent {agent_id} is not excluded from this customer's tickets")
        uow.commit()


def _known_customer(uow: UnitOfWork, customer_id: int) -> None:
    if uow.customers.get(customer_id) is None:
        raise NotFound(f"customer {customer_id} was not found")
