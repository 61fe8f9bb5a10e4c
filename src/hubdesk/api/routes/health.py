"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter

from hubdesk.api.deps import HubDep
from hubdesk.api.responses import JsonResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(hub: HubDep) -> JsonResponse:
    ready, reason = hub.database_ready()
    return JsonResponse({"status": "ok" if ready else "unavailable", "detail": reason},
                          status_code=200 if ready else 503)
