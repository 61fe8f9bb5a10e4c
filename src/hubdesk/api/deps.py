"""Typed dependencies: the hub, and the agent behind the bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.exceptions import HTTPException

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Agent
from hubdesk.services.auth import authenticate_token


def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def current_agent(request: Request, hub: HubDep) -> Agent:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "send an API token as 'Authorization: Bearer <token>'; "
                                 "create one with `hubdesk tokens create --email you@example`",
                            headers=_CHALLENGE)
    agent = authenticate_token(hub.uows, token.strip())
    if agent is None:
        raise HTTPException(401, "the API token is invalid or revoked", headers=_CHALLENGE)
    return agent


AgentDep = Annotated[Agent, Depends(current_agent)]
