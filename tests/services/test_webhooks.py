"""Webhook use cases on both databases: administration, fan-out from the outbox, claiming."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.tickets import Status
from hubdesk.domain.webhooks import AttemptResult
from hubdesk.sealing import FernetSealer
from hubdesk.services.outbox import relay_outbox
from hubdesk.services.tickets import change_status
from hubdesk.services.webhooks import (
    WebhookInput,
    create_webhook,
    delete_webhook,
    deliver_due,
    get_webhook,
    list_deliveries,
    list_webhooks,
    rotate_webhook_secret,
    update_webhook,
)
from hubdesk.store.tables import webhook_deliveries, webhook_subscriptions
from tests import factories

URL = "https://hooks.example.com/in"


@pytest.fixture
def sealer(hub):
    return FernetSealer(hub.settings.secret_key)


def _input(**values):
    return WebhookInput(frozenset(values), **values)


def _stored_secret(hub, subscription_id):
    with hub.engine.connect() as connection:
        return connection.execute(select(webhook_subscriptions.c.sealed_secret).where(
            webhook_subscriptions.c.id == subscription_id)).scalar_one()


class Answering:
    """A sender answering a fixed status, recording what it was asked to send."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def send(self, url, body, headers, *, allow_private):
        self.sent.append((url, body, headers))
        return AttemptResult(self.status, None, 3)


def test_the_secret_is_shown_once_and_stored_sealed(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    created = create_webhook(hub.uows, sealer, admin,
                             _input(url=URL, event_kinds=("ticket.created",)))
    stored = _stored_secret(hub, created.subscription.id)
    assert created.secret not in stored
    assert sealer.unseal(stored) == created.secret
    rotated = rotate_webhook_secret(hub.uows, sealer, admin, created.subscription.id)
    assert rotated.secret != created.secret
    assert sealer.unseal(_stored_secret(hub, created.subscription.id)) == rotated.secret
    listed = list_webhooks(hub.uows, admin)
    assert [(s.url, s.event_kinds) for s in listed] == [(URL, frozenset({"ticket.created"}))]


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.TEAM_LEAD, Role.COORDINATOR,
                                  Role.MANAGER, Role.LIAISON])
def test_only_administrators_manage_webhooks(hub, sealer, role):
    admin = factories.staff(hub, Role.ADMIN).agent
    other = factories.staff(hub, role).agent
    existing = create_webhook(hub.uows, sealer, admin, _input(url=URL)).subscription
    with pytest.raises(PermissionDenied):
        create_webhook(hub.uows, sealer, other, _input(url=URL))
    with pytest.raises(PermissionDenied):
        update_webhook(hub.uows, other, existing.id, _input(url="https://evil.example/x"))
    with pytest.raises(PermissionDenied):
        rotate_webhook_secret(hub.uows, sealer, other, existing.id)
    with pytest.raises(PermissionDenied):
        delete_webhook(hub.uows, other, existing.id)
    with pytest.raises(PermissionDenied):
        list_deliveries(hub.uows, other, existing.id)
    assert [s.url for s in list_webhooks(hub.uows, admin)] == [URL]


def test_updates_recheck_the_url_when_private_targets_are_withdrawn(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    local = create_webhook(hub.uows, sealer, admin,
                           _input(url="http://127.0.0.1:9/x", allow_private=True),
                           private_targets=True).subscription
    with pytest.raises(ValidationFailed):
        update_webhook(hub.uows, admin, local.id, _input(allow_private=False))
    assert get_webhook(hub.uows, admin, local.id).allow_private
    changed = update_webhook(hub.uows, admin, local.id,
                             _input(url=URL, allow_private=False, event_kinds=("*",)))
    assert (changed.url, changed.allow_private, changed.event_kinds) == \
        (URL, False, frozenset({"*"}))
    with pytest.raises(NotFound):
        update_webhook(hub.uows, admin, 999_999, _input(active=False))


def test_relayed_events_fan_out_to_the_subscriptions_that_want_them(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    created_only = create_webhook(hub.uows, sealer, admin, _input(
        url=URL, event_kinds=("ticket.created",))).subscription
    everything = create_webhook(hub.uows, sealer, admin, _input(url=URL)).subscription
    paused = create_webhook(hub.uows, sealer, admin, _input(url=URL, active=False)).subscription
    detail = factories.ticket(hub, admin)
    change_status(hub.uows, admin, detail.ticket.id, Status.OPEN)
    assert relay_outbox(hub.uows, hub.publisher) == 2

    def topics(subscription_id):
        return [d.topic for d in list_deliveries(hub.uows, admin, subscription_id)]

    assert topics(created_only.id) == ["ticket.created"]
    assert topics(everything.id) == ["ticket.status_changed", "ticket.created"]
    assert topics(paused.id) == []
    [first] = list_deliveries(hub.uows, admin, created_only.id)
    assert first.payload["ticket_id"] == detail.ticket.id and "outbox_id" in first.payload
    assert relay_outbox(hub.uows, hub.publisher) == 0
    assert len(topics(everything.id)) == 2


def test_deliveries_page_newest_first(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    subscription = create_webhook(hub.uows, sealer, admin, _input(url=URL)).subscription
    for n in range(5):
        factories.ticket(hub, admin, subject=f"Ticket {n}")
    relay_outbox(hub.uows, hub.publisher)
    first = list_deliveries(hub.uows, admin, subscription.id, limit=2)
    rest = list_deliveries(hub.uows, admin, subscription.id, limit=10, before_id=first[-1].id)
    ids = [d.id for d in first + rest]
    assert len(ids) == 5 and ids == sorted(ids, reverse=True)


def test_a_claimed_delivery_is_not_claimed_again_while_leased(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    create_webhook(hub.uows, sealer, admin, _input(url=URL))
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    now = utcnow()
    with hub.uows() as uow:
        claimed = uow.webhooks.claim_due(now, now + timedelta(minutes=5), 10)
        uow.commit()
    with hub.uows() as uow:
        again = uow.webhooks.claim_due(now + timedelta(minutes=4), now, 10)
        uow.commit()
    with hub.uows() as uow:
        expired = uow.webhooks.claim_due(now + timedelta(minutes=6), now, 10)
        uow.commit()
    assert [len(claimed), len(again), len(expired)] == [1, 0, 1]
    assert expired[0].delivery.attempts == 2


def test_success_resets_the_failure_count(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    subscription = create_webhook(hub.uows, sealer, admin, _input(url=URL)).subscription
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    now = utcnow()
    failing = Answering(500)
    deliver_due(hub.uows, failing, sealer, now)
    assert get_webhook(hub.uows, admin, subscription.id).consecutive_failures == 1
    healthy = Answering(200)
    assert deliver_due(hub.uows, healthy, sealer, now + timedelta(minutes=1)) == 1
    assert get_webhook(hub.uows, admin, subscription.id).consecutive_failures == 0
    assert [url for url, _, _ in failing.sent + healthy.sent] == [URL, URL]


def test_reactivating_a_disabled_webhook_resumes_its_pending_deliveries(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    subscription = create_webhook(hub.uows, sealer, admin, _input(url=URL)).subscription
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    now = utcnow()
    deliver_due(hub.uows, Answering(500), sealer, now, failure_limit=1)
    disabled = get_webhook(hub.uows, admin, subscription.id)
    assert not disabled.active and disabled.disabled_reason is not None
    later = now + timedelta(hours=1)
    assert deliver_due(hub.uows, Answering(200), sealer, later) == 0
    update_webhook(hub.uows, admin, subscription.id, _input(active=True))
    assert deliver_due(hub.uows, Answering(200), sealer, later) == 1
    [delivery] = list_deliveries(hub.uows, admin, subscription.id)
    assert (delivery.status.value, delivery.attempts) == ("delivered", 2)


def test_deleting_a_webhook_deletes_its_deliveries(hub, sealer):
    admin = factories.staff(hub, Role.ADMIN).agent
    subscription = create_webhook(hub.uows, sealer, admin, _input(url=URL)).subscription
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    delete_webhook(hub.uows, admin, subscription.id)
    with hub.engine.connect() as connection:
        assert connection.execute(select(webhook_deliveries.c.id)).all() == []
    with pytest.raises(NotFound):
        get_webhook(hub.uows, admin, subscription.id)
    with pytest.raises(NotFound):
        delete_webhook(hub.uows, admin, subscription.id)
