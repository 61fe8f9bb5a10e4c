"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from starlette.responses import Response

from hubdesk.api.deps import HubDep
from hubdesk.api.problems import problem, retry_after
from hubdesk.api.responses import JsonResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    # Liveness is the process answering: it never waits on the database or a thread pool, so
    # a stalled database cannot make an orchestrator restart healthy servers.
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"content": {"application/problem+json": {}}}})
async def readyz(request: Request, hub: HubDep) -> Response:
    # The probe bounds itself (Hub.database_ready); it runs on the loop's own executor so a
    # request thread pool filled with requests stuck on the database cannot delay it.
    ready, reason = await asyncio.get_running_loop().run_in_executor(None, hub.database_ready)
    if not ready:
        return problem(503, reason, headers={"Retry-After": retry_after(request)})
    return JsonResponse({"status": "ok", "detail": reason})
