"""Every error leaves as RFC 9457 application/problem+json, with a detail a person can act on."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hubdesk.api.responses import JsonResponse
from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.services.ports import DuplicateKey, StoreUnavailable

log = logging.getLogger("hubdesk.api")

# The tags of request bodies that take one of two shapes (`rule_schemas.DryRunBody`): which
# shape was read is no part of a field's name.
BODY_VARIANTS = frozenset({"stored-rules-on-a-ticket", "unsaved-rule"})


UNAVAILABLE_DETAIL = ("the database is not answering; nothing was changed. Try again in a "
                      "few seconds")

_TITLES = {400: "Bad request", 401: "Not authenticated", 403: "Forbidden", 404: "Not found",
           405: "Method not allowed", 409: "Conflict", 413: "Request too large",
           414: "URI too long", 415: "Unsupported media type", 422: "Invalid request",
           429: "Too many requests",
           500: "Internal error", 503: "Unavailable"}


def problem(status: int, detail: str, *, errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": _TITLES.get(status, "Error"),
                            "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JsonResponse(body, status_code=status, media_type="application/problem+json",
                          headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, error: DomainError) -> JsonResponse:
        errors = None
        if isinstance(error, ValidationFailed) and error.fields:
            errors = [{"field": k, "message": v} for k, v in error.fields.items()]
        retry_after = getattr(error, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None
        return problem(error.status, str(error), errors=errors, headers=headers)

    @app.exception_handler(DuplicateKey)
    async def _duplicate(_: Request, error: DuplicateKey) -> JsonResponse:
        return problem(409, "that would duplicate an existing record")

    @app.exception_handler(StoreUnavailable)
    async def _unavailable(request: Request, error: StoreUnavailable) -> JsonResponse:
        return unavailable(request, error)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JsonResponse:
        errors = [{"field": ".".join(str(p) for p in loc
                            if p != "body" and p not in BODY_VARIANTS) or "body",
                   "message": message} for loc, message in _without_null_branches(error.errors())]
        names = ", ".join(e["field"] for e in errors[:10])
        return problem(422, f"the request is not valid: check {names}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JsonResponse:
        return problem(error.status_code, str(error.detail),
                       headers=dict(error.headers) if error.headers else None)


def _without_null_branches(
        errors: Sequence[Mapping[str, Any]]) -> list[tuple[tuple[Any, ...], str]]:
    """Each error's location and message, as the client sent the field.

    A field that may be left out but not sent as null is a union of its type and None
    (`schemas.TicketPatch`): a wrong value fails both members, and pydantic reports each under
    the member's tag ("status.str-enum[Status]", and "status.none": "Input should be None").
    The None member's error says nothing the client can act on, and the tag is no part of the
    field's name: both are dropped where that None member shows the field is such a union.
    """
    nullable = {tuple(e["loc"][:-1]) for e in errors
                if e["type"] == "none_required" and tuple(e["loc"][-1:]) == ("none",)}
    kept = []
    for e in errors:
        loc = tuple(e["loc"])
        union = next((p for p in nullable if len(loc) > len(p) and loc[:len(p)] == p), None)
        if union is None:
            kept.append((loc, str(e["msg"])))
        elif e["type"] != "none_required" or loc[len(union)] != "none":
            kept.append((union + loc[len(union) + 1:], str(e["msg"])))
    return kept


def retry_after(request: Request) -> str:
    return str(request.app.state.hub.settings.retry_after_seconds)


def unavailable(request: Request, error: StoreUnavailable) -> JsonResponse:
    # The message names the kind of failure only (see store/uow.py), never a statement.
    log.warning("database unavailable", extra={"fields": {
        "request_id": request.scope.get("state", {}).get("request_id"), "error": str(error)}})
    return problem(503, UNAVAILABLE_DETAIL, headers={"Retry-After": retry_after(request)})
