"""/api/v1 webhooks: subscriptions to the desk's events and their delivery history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from hubdesk.api.deps import AgentDep, AppDep, PathId, QueryId
from hubdesk.api.schemas import Strict, problem_responses
from hubdesk.domain.webhooks import (
    MAX_URL_LENGTH,
    WEBHOOK_URL_PATTERN,
    WebhookDelivery,
    WebhookSubscription,
)
from hubdesk.services import webhooks as service

router = APIRouter(prefix="/api/v1", tags=["webhooks"],
                   responses=problem_responses(400, 401, 403, 404, 422))

EventKind = Annotated[str, Field(min_length=1, max_length=80,
                                 pattern=r"^(\*|[a-z_]+(\.[a-z_]+)*)$")]


WebhookUrl = Annotated[str, Field(min_length=1, max_length=MAX_URL_LENGTH,
                                  json_schema_extra={"pattern": WEBHOOK_URL_PATTERN},
                                  examples=["https://hooks.example.com/hubdesk"])]


class WebhookIn(Strict):
    url: WebhookUrl | SkipJsonSchema[None] = None
    event_kinds: list[EventKind] = Field(
        default_factory=lambda: ["*"], min_length=1, max_length=50,
        description="outbox topics such as ticket.created, or * for every event")
    active: StrictBool = True
    allow_private: StrictBool = Field(
        default=False, description="let the webhook reach loopback and private network "
                                   "addresses (administrators only)")


class NewWebhookIn(WebhookIn):
    url: WebhookUrl


class WebhookOut(BaseModel):
    id: int
    url: str
    event_kinds: list[str]
    active: bool
    allow_private: bool
    consecutive_failures: int
    disabled_reason: str | None
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> WebhookOut:
        assert subscription.id is not None
        return cls(id=subscription.id, url=subscription.url,
                   event_kinds=sorted(subscription.event_kinds), active=subscription.active,
                   allow_private=subscription.allow_private,
                   consecutive_failures=subscription.consecutive_failures,
                   disabled_reason=subscription.disabled_reason,
                   created_at=subscription.created_at, updated_at=subscription.updated_at)


class WebhookSecretOut(WebhookOut):
    secret: str = Field(description="the signing secret; shown only now, store it safely")


class DeliveryOut(BaseModel):
    id: int
    event: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    duration_ms: int | None
    created_at: datetime | None
    updated_at: datetime | None
    delivered_at: datetime | None

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> DeliveryOut:
        assert delivery.id is not None
        return cls(id=delivery.id, event=delivery.topic, payload=delivery.payload,
                   status=delivery.status.value, attempts=delivery.attempts,
                   next_attempt_at=delivery.next_attempt_at,
                   last_status_code=delivery.last_status_code, last_error=delivery.last_error,
                   duration_ms=delivery.duration_ms, created_at=delivery.created_at,
                   updated_at=delivery.updated_at, delivered_at=delivery.delivered_at)


def _input(body: WebhookIn) -> service.WebhookInput:
    return service.WebhookInput(fields_set=frozenset(body.model_fields_set), url=body.url,
                                event_kinds=tuple(body.event_kinds), active=body.active,
                                allow_private=body.allow_private)


def _with_secret(created: service.WebhookWithSecret) -> WebhookSecretOut:
    return WebhookSecretOut(**WebhookOut.of(created.subscription).model_dump(),
                            secret=created.secret)


@router.post("/webhooks", status_code=201, response_model=WebhookSecretOut)
def create_webhook(body: NewWebhookIn, app: AppDep, agent: AgentDep) -> WebhookSecretOut:
    """Deliveries are signed with the returned secret, shown only in this answer."""
    return _with_secret(app.webhooks.create(agent, _input(body)))


@router.get("/webhooks", response_model=list[WebhookOut])
def list_webhooks(app: AppDep, agent: AgentDep) -> list[WebhookOut]:
    return [WebhookOut.of(s) for s in app.webhooks.all(agent)]


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut)
def get_webhook(webhook_id: PathId, app: AppDep, agent: AgentDep) -> WebhookOut:
    return WebhookOut.of(app.webhooks.get(agent, webhook_id))


@router.patch("/webhooks/{webhook_id}", response_model=WebhookOut)
def patch_webhook(webhook_id: PathId, body: WebhookIn, app: AppDep,
                  agent: AgentDep) -> WebhookOut:
    """Setting ``active`` to true again clears a disabled webhook's failure count."""
    return WebhookOut.of(app.webhooks.update(agent, webhook_id, _input(body)))


@router.delete("/webhooks/{webhook_id}", status_code=204, response_class=Response)
def delete_webhook(webhook_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    app.webhooks.delete(agent, webhook_id)
    return Response(status_code=204)


@router.post("/webhooks/{webhook_id}/rotate-secret", response_model=WebhookSecretOut)
def rotate_secret(webhook_id: PathId, app: AppDep, agent: AgentDep) -> WebhookSecretOut:
    """A new signing secret, effective for the next delivery; shown only in this answer."""
    return _with_secret(app.webhooks.rotate_secret(agent, webhook_id))


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(webhook_id: PathId, app: AppDep, agent: AgentDep,
                    limit: Annotated[int, Query(ge=1, le=200)] = 50,
                    before: QueryId = None) -> list[DeliveryOut]:
    """Newest first; pass the last id seen as ``before`` for the next page."""
    return [DeliveryOut.of(d) for d in app.webhooks.deliveries(
        agent, webhook_id, limit=limit, before_id=before)]
