"""Typed dependencies: the hub, and the agent behind the bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Agent
from hubdesk.domain.ids import LARGEST_ID
from hubdesk.domain.tokens import scope_refusal
from hubdesk.services.application import Application


async def get_hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(get_hub)]


async def get_app(request: Request) -> Application:
    hub: Hub = request.app.state.hub
    return hub.app


AppDep = Annotated[Application, Depends(get_app)]

_CHALLENGE = {"WWW-Authenticate": "Bearer"}


async def current_agent(request: Request, app: AppDep) -> Agent:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "send an API token as 'Authorization: Bearer <token>'; "
                                 "create one with `hubdesk tokens create --email you@example`",
                            headers=_CHALLENGE)
    token = token.strip()
    grant = app.auth.cached_token(token) or await run_in_threadpool(
        app.auth.authenticate_token, token)
    if grant is None:
        raise HTTPException(401, "the API token is invalid, expired or revoked; "
                                 "`hubdesk tokens list --email you@example` says which",
                            headers=_CHALLENGE)
    if not grant.allows(request.method):
        raise HTTPException(403, scope_refusal(grant.scope))
    return grant.agent


AgentDep = Annotated[Agent, Depends(current_agent)]


# Path and query ids: positive 64-bit integers, anything else is a 422, never a database error.
PathId = Annotated[int, Path(ge=1, le=LARGEST_ID)]
QueryId = Annotated[int | None, Query(ge=1, le=LARGEST_ID)]
