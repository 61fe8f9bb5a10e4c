"""Webhook subscriptions and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from hubdesk.domain.webhooks import (
    DeliveryStatus,
    DueDelivery,
    WebhookDelivery,
    WebhookSubscription,
)
from hubdesk.store.tables import webhook_deliveries as deliveries_table
from hubdesk.store.tables import webhook_subscriptions as subscriptions_table

_RETRYABLE = (DeliveryStatus.PENDING.value, DeliveryStatus.FAILED.value)
# Read by the outbox relay on every pass: built once.
_ACTIVE = (select(subscriptions_table).where(subscriptions_table.c.active.is_(True))
           .order_by(subscriptions_table.c.id))


def _subscription(row: Row[Any]) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id, url=row.url, event_kinds=frozenset(row.event_kinds), active=row.active,
        allow_private=row.allow_private, consecutive_failures=row.consecutive_failures,
        disabled_reason=row.disabled_reason, created_at=row.created_at,
        updated_at=row.updated_at)


def _delivery(row: Row[Any]) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id, subscription_id=row.subscription_id, topic=row.topic,
        payload=dict(row.payload), status=DeliveryStatus(row.status), attempts=row.attempts,
        next_attempt_at=row.next_attempt_at, last_status_code=row.last_status_code,
        last_error=row.last_error, duration_ms=row.duration_ms, created_at=row.created_at,
        updated_at=row.updated_at, delivered_at=row.delivered_at)


def _subscription_values(subscription: WebhookSubscription) -> dict[str, Any]:
    return {"url": subscription.url, "event_kinds": sorted(subscription.event_kinds),
            "active": subscription.active, "allow_private": subscription.allow_private,
            "consecutive_failures": subscription.consecutive_failures,
            "disabled_reason": subscription.disabled_reason}


class SqlWebhookRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def add(self, subscription: WebhookSubscription, sealed_secret: str,
            created_by_id: int | None, at: datetime) -> int:
        new_id: int = self.db.execute(
            insert(subscriptions_table).values(
                **_subscription_values(subscription), sealed_secret=sealed_secret,
                created_by_id=created_by_id, created_at=at, updated_at=at)
            .returning(subscriptions_table.c.id)).scalar_one()
        subscription.id, subscription.created_at, subscription.updated_at = new_id, at, at
        return new_id

    def get(self, subscription_id: int, *,
            for_update: bool = False) -> WebhookSubscription | None:
        query = select(subscriptions_table).where(subscriptions_table.c.id == subscription_id)
        if for_update and self.db.dialect.name != "sqlite":
            query = query.with_for_update()
        row = self.db.execute(query).first()
        return _subscription(row) if row else None

    def all(self) -> list[WebhookSubscription]:
        rows = self.db.execute(select(subscriptions_table).order_by(subscriptions_table.c.id))
        return [_subscription(row) for row in rows]

    def active(self) -> list[WebhookSubscription]:
        return [_subscription(row) for row in self.db.execute(_ACTIVE)]

    def save(self, subscription: WebhookSubscription, at: datetime) -> None:
        self.db.execute(update(subscriptions_table)
                        .where(subscriptions_table.c.id == subscription.id)
                        .values(**_subscription_values(subscription), updated_at=at))
        subscription.updated_at = at

    def set_secret(self, subscription_id: int, sealed_secret: str, at: datetime) -> None:
        self.db.execute(update(subscriptions_table)
                        .where(subscriptions_table.c.id == subscription_id)
                        .values(sealed_secret=sealed_secret, updated_at=at))

    def delete(self, subscription_id: int) -> bool:
        # Deleted explicitly rather than by cascade: SQLite enforces foreign keys only when
        # asked to, and a subscription's history goes with it either way.
        self.db.execute(delete(deliveries_table)
                        .where(deliveries_table.c.subscription_id == subscription_id))
        result = self.db.execute(delete(subscriptions_table)
                                 .where(subscriptions_table.c.id == subscription_id))
        return result.rowcount > 0

    def add_deliveries(self, deliveries: list[WebhookDelivery]) -> None:
        if not deliveries:
            return
        self.db.execute(insert(deliveries_table), [
            {"subscription_id": d.subscription_id, "topic": d.topic, "payload": d.payload,
             "status": d.status.value, "attempts": d.attempts,
             "next_attempt_at": d.next_attempt_at, "created_at": d.created_at,
             "updated_at": d.created_at} for d in deliveries])

    def any_due(self, now: datetime) -> bool:
        d, s = deliveries_table, subscriptions_table
        return self.db.execute(select(d.c.id).join(s, s.c.id == d.c.subscription_id)
                               .where(*_due(now)).limit(1)).first() is not None

    def claim_due(self, now: datetime, lease_until: datetime,
                  limit: int) -> list[DueDelivery]:
        d, s = deliveries_table, subscriptions_table
        query = (select(d, s.c.url, s.c.allow_private, s.c.sealed_secret)
                 .join(s, s.c.id == d.c.subscription_id)
                 .where(*_due(now))
                 .order_by(d.c.next_attempt_at, d.c.id).limit(limit))
        if self.db.dialect.name != "sqlite":
            query = query.with_for_update(skip_locked=True, of=d)
        rows = self.db.execute(query).all()
        if not rows:
            return []
        self.db.execute(update(d).where(d.c.id.in_([row.id for row in rows]))
                        .values(attempts=d.c.attempts + 1, next_attempt_at=lease_until))
        claimed = []
        for row in rows:
            delivery = _delivery(row)
            delivery.attempts += 1
            delivery.next_attempt_at = lease_until
            claimed.append(DueDelivery(delivery, row.url, row.allow_private,
                                       row.sealed_secret))
        return claimed

    def save_delivery(self, delivery: WebhookDelivery) -> None:
        self.db.execute(update(deliveries_table).where(deliveries_table.c.id == delivery.id)
                        .values(status=delivery.status.value, attempts=delivery.attempts,
                                next_attempt_at=delivery.next_attempt_at,
                                last_status_code=delivery.last_status_code,
                                last_error=delivery.last_error,
                                duration_ms=delivery.duration_ms,
                                updated_at=delivery.updated_at,
                                delivered_at=delivery.delivered_at))

    def deliveries(self, subscription_id: int, limit: int,
                   before_id: int | None) -> list[WebhookDelivery]:
        query = (select(deliveries_table)
                 .where(deliveries_table.c.subscription_id == subscription_id)
                 .order_by(deliveries_table.c.id.desc()).limit(limit))
        if before_id is not None:
            query = query.where(deliveries_table.c.id < before_id)
        return [_delivery(row) for row in self.db.execute(query)]


def _due(now: datetime) -> tuple[Any, ...]:
    """Deliveries whose next attempt has come, of subscriptions still active."""
    return (deliveries_table.c.status.in_(_RETRYABLE), deliveries_table.c.next_attempt_at <= now,
            subscriptions_table.c.active.is_(True))
