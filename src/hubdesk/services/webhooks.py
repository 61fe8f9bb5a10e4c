"""Use cases for outbound webhooks: administering subscriptions, fanning committed events out
to them, and delivering what is due."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound
from hubdesk.domain.permissions import check_private_webhook_targets, check_webhook_admin
from hubdesk.domain.webhooks import (
    DEFAULT_FAILURE_LIMIT,
    DEFAULT_SCHEDULE,
    AttemptResult,
    DueDelivery,
    RetrySchedule,
    WebhookDelivery,
    WebhookSubscription,
    check_webhook_url,
    delivery_body,
    delivery_headers,
    new_secret,
    normalise_event_kinds,
    record_attempt,
)
from hubdesk.services.ports import (
    Sealer,
    UnitOfWork,
    UnitOfWorkFactory,
    WebhookSender,
)

log = logging.getLogger("hubdesk.webhooks")

# A claimed delivery is hidden from other workers this long per delivery in the batch: more
# than one attempt's worst case (connect and response limits), so a batch is never sent twice
# while its worker is alive; a worker that dies leaves its batch to be retried.
LEASE_PER_DELIVERY = timedelta(seconds=20)


@dataclass(frozen=True)
class WebhookInput:
    fields_set: frozenset[str]
    url: str | None = None
    event_kinds: tuple[str, ...] = ("*",)
    active: bool = True
    allow_private: bool = False


@dataclass(frozen=True)
class WebhookWithSecret:
    """A subscription and its signing secret, shown this once (creation, rotation)."""

    subscription: WebhookSubscription
    secret: str


def create_webhook(uows: UnitOfWorkFactory, sealer: Sealer, actor: Agent,
                   data: WebhookInput, *, private_targets: bool = False) -> WebhookWithSecret:
    """``private_targets``: whether the server lets webhooks reach private addresses at all
    (`Settings.webhook_private_targets`)."""
    check_webhook_admin(actor)
    if data.allow_private:
        check_private_webhook_targets(actor, server_allows=private_targets)
    subscription = WebhookSubscription(
        id=None, url=check_webhook_url(data.url or "", data.allow_private),
        event_kinds=normalise_event_kinds(data.event_kinds), active=data.active,
        allow_private=data.allow_private)
    secret = new_secret()
    with uows() as uow:
        uow.webhooks.add(subscription, sealer.seal(secret), actor.id, utcnow())
        uow.commit()
    return WebhookWithSecret(subscription, secret)


def list_webhooks(uows: UnitOfWorkFactory, actor: Agent) -> list[WebhookSubscription]:
    check_webhook_admin(actor)
    with uows(write=False) as uow:
        return uow.webhooks.all()


def _existing(uow: UnitOfWork, subscription_id: int, *,
              for_update: bool = False) -> WebhookSubscription:
    subscription = uow.webhooks.get(subscription_id, for_update=for_update)
    if subscription is None:
        raise NotFound(f"webhook {subscription_id} was not found")
    return subscription


def get_webhook(uows: UnitOfWorkFactory, actor: Agent,
                subscription_id: int) -> WebhookSubscription:
    check_webhook_admin(actor)
    with uows(write=False) as uow:
        return _existing(uow, subscription_id)


def update_webhook(uows: UnitOfWorkFactory, actor: Agent, subscription_id: int,
                   data: WebhookInput, *, private_targets: bool = False
                   ) -> WebhookSubscription:
    check_webhook_admin(actor)
    fields = data.fields_set
    if "allow_private" in fields and data.allow_private:
        check_private_webhook_targets(actor, server_allows=private_targets)
    with uows() as uow:
        subscription = _existing(uow, subscription_id, for_update=True)
        if "allow_private" in fields:
            subscription.allow_private = data.allow_private
        if "url" in fields or "allow_private" in fields:
            # the stored URL is checked again: withdrawing the permission may rule it out
            url = data.url if "url" in fields else subscription.url
            subscription.url = check_webhook_url(url or "", subscription.allow_private)
        if "event_kinds" in fields:
            subscription.event_kinds = normalise_event_kinds(data.event_kinds)
        if "active" in fields:
            if data.active and not subscription.active:
                subscription.reactivate()
            elif not data.active:
                subscription.active = False
        uow.webhooks.save(subscription, utcnow())
        uow.commit()
    return subscription


def delete_webhook(uows: UnitOfWorkFactory, actor: Agent, subscription_id: int) -> None:
    check_webhook_admin(actor)
    with uows() as uow:
        if not uow.webhooks.delete(subscription_id):
            raise NotFound(f"webhook {subscription_id} was not found")
        uow.commit()


def rotate_webhook_secret(uows: UnitOfWorkFactory, sealer: Sealer, actor: Agent,
                          subscription_id: int) -> WebhookWithSecret:
    """A new secret at once; deliveries sent from now on are signed with it."""
    check_webhook_admin(actor)
    secret = new_secret()
    with uows() as uow:
        subscription = _existing(uow, subscription_id, for_update=True)
        uow.webhooks.set_secret(subscription_id, sealer.seal(secret), utcnow())
        uow.commit()
    return WebhookWithSecret(subscription, secret)


def list_deliveries(uows: UnitOfWorkFactory, actor: Agent, subscription_id: int,
                    limit: int = 50, before_id: int | None = None) -> list[WebhookDelivery]:
    check_webhook_admin(actor)
    with uows(write=False) as uow:
        _existing(uow, subscription_id)
        return uow.webhooks.deliveries(subscription_id, max(1, min(limit, 200)), before_id)


def enqueue_deliveries(uow: UnitOfWork, topic: str, payload: dict[str, Any],
                       at: datetime,
                       subscriptions: list[WebhookSubscription] | None = None) -> int:
    """One pending delivery per active subscription wanting ``topic``, in ``uow``'s
    transaction (the outbox relay's, so an event fans out exactly when it is relayed).
    ``subscriptions``: the active ones, when the caller loaded them once for a batch."""
    active = uow.webhooks.active() if subscriptions is None else subscriptions
    called = _called_by_rule(payload)
    deliveries = [WebhookDelivery(id=None, subscription_id=subscription.id, topic=topic,
                                  payload=payload, next_attempt_at=at, created_at=at)
                  for subscription in active
                  if subscription.id is not None
                  and (subscription.wants(topic) or subscription.id in called)]
    uow.webhooks.add_deliveries(deliveries)
    return len(deliveries)


def _called_by_rule(payload: dict[str, Any]) -> frozenset[int]:
    """Webhooks an automation rule's firing calls (`domain.rules` ``webhook`` actions): they
    receive that firing whatever events they subscribe to."""
    data = payload.get("data")
    if payload.get("kind") != "rule_fired" or not isinstance(data, dict):
        return frozenset()
    return frozenset(i for i in data.get("webhook_ids", ()) if isinstance(i, int))


def deliver_due(uows: UnitOfWorkFactory, sender: WebhookSender, sealer: Sealer,
                now: datetime, limit: int = 50, *, schedule: RetrySchedule = DEFAULT_SCHEDULE,
                failure_limit: int = DEFAULT_FAILURE_LIMIT, private_targets: bool = False
                ) -> int:
    """Send up to ``limit`` due deliveries; returns how many were attempted. A webhook's
    ``allow_private`` counts only where the server allows private targets
    (``private_targets``), so withdrawing that permission stops webhooks that had it.

    Claiming and recording are two short transactions; nothing is held open while waiting
    on a receiver, so a slow endpoint never blocks the desk's writers. The delivery loop asks
    every second: when nothing is due it only reads, and never queues behind the writers.
    """
    with uows(write=False) as uow:
        if not uow.webhooks.any_due(now):
            return 0
    with uows() as uow:
        due = uow.webhooks.claim_due(now, now + LEASE_PER_DELIVERY * limit, limit)
        uow.commit()
    if not due:
        return 0
    attempts = [(item.delivery, _attempt(item, sender, sealer, now, private_targets))
                for item in due]
    # Subscriptions are locked in id order so two workers recording at once cannot deadlock.
    attempts.sort(key=lambda pair: (pair[0].subscription_id, pair[0].id or 0))
    with uows() as uow:
        for delivery, result in attempts:
            _record(uow, delivery, result, now, schedule, failure_limit)
        uow.commit()
    return len(due)


def _attempt(item: DueDelivery, sender: WebhookSender, sealer: Sealer,
             now: datetime, private_targets: bool) -> AttemptResult:
    delivery = item.delivery
    assert delivery.id is not None and delivery.created_at is not None
    try:
        secret = sealer.unseal(item.sealed_secret)
    except Exception:  # a changed secret key: no delivery can be signed until rotation
        return AttemptResult(None, "the signing secret cannot be unsealed with the current "
                                   "secret key; rotate the webhook's secret", 0)
    body = delivery_body(delivery.id, delivery.topic, delivery.payload, delivery.created_at)
    headers = delivery_headers(secret, delivery.id, delivery.topic, body,
                               int(now.timestamp()))
    try:
        return sender.send(item.url, body, headers,
                           allow_private=item.allow_private and private_targets)
    except Exception as error:  # senders should not raise; one that does is a failed try
        return AttemptResult(None, f"{type(error).__name__}: {error}", 0)


def _record(uow: UnitOfWork, delivery: WebhookDelivery, result: AttemptResult,
            now: datetime, schedule: RetrySchedule, failure_limit: int) -> None:
    record_attempt(delivery, result, now, schedule)
    uow.webhooks.save_delivery(delivery)
    subscription = uow.webhooks.get(delivery.subscription_id, for_update=True)
    if subscription is None:  # deleted while the attempt was under way
        return
    if result.succeeded:
        if subscription.consecutive_failures == 0:
            return
        subscription.record_success()
    elif subscription.record_failure(result.reason(), failure_limit):
        log.warning("webhook disabled", extra={"webhook_id": subscription.id,
                                               "reason": subscription.disabled_reason})
    uow.webhooks.save(subscription, now)

