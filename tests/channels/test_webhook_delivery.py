"""End to end: a ticket opened through the service reaches a real local receiver, signed;
a failing receiver gets retries with growing delays and its webhook is disabled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from hubdesk.bootstrap import assemble
from hubdesk.channels.webhooks import HttpWebhookSender
from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.webhooks import (
    DEFAULT_FAILURE_LIMIT,
    DEFAULT_SCHEDULE,
    WebhookSubscription,
    new_secret,
    verify_signature,
)
from hubdesk.services.outbox import relay_outbox
from hubdesk.services.webhooks import (
    WebhookInput,
    create_webhook,
    deliver_due,
    get_webhook,
    list_deliveries,
)
from tests import factories

ALL = frozenset({"url", "event_kinds", "allow_private"})


@pytest.fixture
def sender() -> Iterator[HttpWebhookSender]:
    client = HttpWebhookSender()
    yield client
    client.close()


# The receiver listens on loopback: these desks' servers let webhooks reach private targets.
def _subscribe(hub, admin, url, kinds=("ticket.created",), allow_private=True):
    return create_webhook(hub.uows, hub.intake.sealer, admin,
                          WebhookInput(ALL, url=url, event_kinds=kinds,
                                       allow_private=allow_private), private_targets=True)


def test_an_opened_ticket_reaches_the_receiver_signed(hub, receiver, sender):
    admin = factories.staff(hub, Role.ADMIN).agent
    created = _subscribe(hub, admin, receiver.url)
    detail = factories.ticket(hub, admin, subject="Broken kettle")
    assert relay_outbox(hub.uows, hub.publisher) == 1
    now = utcnow()
    assert deliver_due(hub.uows, sender, hub.intake.sealer, now, private_targets=True) == 1

    [arrived] = receiver.received
    headers = {k.lower(): v for k, v in arrived.headers.items()}
    assert verify_signature(created.secret, headers["hubdesk-signature"], arrived.body,
                            now=int(now.timestamp()))
    assert headers["hubdesk-event"] == "ticket.created"
    assert headers["content-type"] == "application/json"
    envelope = json.loads(arrived.body)
    assert envelope["event"] == "ticket.created"
    assert envelope["data"]["ticket_id"] == detail.ticket.id
    assert headers["hubdesk-delivery"] == envelope["id"]
    [delivery] = list_deliveries(hub.uows, admin, created.subscription.id)
    assert (delivery.status.value, delivery.attempts, delivery.last_status_code) == \
        ("delivered", 1, 200)
    assert deliver_due(hub.uows, sender, hub.intake.sealer, now, private_targets=True) == 0


def test_a_failing_receiver_is_retried_with_growing_delays_then_disabled(hub, receiver,
                                                                        sender):
    receiver.status = 500
    admin = factories.staff(hub, Role.ADMIN).agent
    created = _subscribe(hub, admin, receiver.url)
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    now = utcnow()
    delays = []
    for _ in range(DEFAULT_FAILURE_LIMIT):
        assert deliver_due(hub.uows, sender, hub.intake.sealer, now, private_targets=True) == 1
        [delivery] = list_deliveries(hub.uows, admin, created.subscription.id)
        assert delivery.next_attempt_at is not None
        delays.append(delivery.next_attempt_at - now)
        now = delivery.next_attempt_at
    assert delays == [DEFAULT_SCHEDULE.delay_after(n) for n in range(1, 11)]
    assert delays[0] == timedelta(seconds=30) and delays[1] == timedelta(minutes=1)
    assert len(receiver.received) == DEFAULT_FAILURE_LIMIT
    assert (delivery.status.value, delivery.last_status_code, delivery.last_error) == \
        ("failed", 500, "HTTP 500")

    subscription = get_webhook(hub.uows, admin, created.subscription.id)
    assert not subscription.active
    assert subscription.disabled_reason == \
        "disabled after 10 consecutive failed deliveries; last: HTTP 500"
    # a disabled webhook is neither attempted nor fed new events
    assert deliver_due(hub.uows, sender, hub.intake.sealer, now + timedelta(days=1),
                       private_targets=True) == 0
    factories.ticket(hub, admin, subject="Another")
    relay_outbox(hub.uows, hub.publisher)
    assert len(list_deliveries(hub.uows, admin, created.subscription.id)) == 1
    assert len(receiver.received) == DEFAULT_FAILURE_LIMIT


def test_the_schedule_ends_in_gave_up(hub, receiver, sender):
    receiver.status = 503
    admin = factories.staff(hub, Role.ADMIN).agent
    created = _subscribe(hub, admin, receiver.url)
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    now = utcnow()
    short = type(DEFAULT_SCHEDULE)(first_delay=timedelta(seconds=1), attempts=3)
    for _ in range(3):
        deliver_due(hub.uows, sender, hub.intake.sealer, now, schedule=short,
                    failure_limit=100, private_targets=True)
        now += timedelta(hours=1)
    [delivery] = list_deliveries(hub.uows, admin, created.subscription.id)
    assert (delivery.status.value, delivery.attempts, delivery.next_attempt_at) == \
        ("gave_up", 3, None)
    assert deliver_due(hub.uows, sender, hub.intake.sealer, now, private_targets=True) == 0
    assert len(receiver.received) == 3


def test_loopback_is_refused_without_the_flag(hub, receiver, sender):
    admin = factories.staff(hub, Role.ADMIN).agent
    with pytest.raises(ValidationFailed):
        _subscribe(hub, admin, receiver.url, allow_private=False)
    localhost = f"http://localhost:{receiver.port}/hook"
    result = sender.send(localhost, b"{}", {}, allow_private=False)
    assert result.status_code is None and result.error is not None
    assert result.error.startswith("refused:")
    assert receiver.received == []


def test_a_public_name_resolving_to_an_internal_address_is_refused(receiver):
    rebinding = HttpWebhookSender(resolver=lambda host, port: ["93.184.216.34", "127.0.0.1"])
    try:
        result = rebinding.send(f"http://hooks.example.test:{receiver.port}/hook", b"{}", {},
                                allow_private=False)
    finally:
        rebinding.close()
    assert result.error is not None and "127.0.0.1" in result.error
    assert receiver.received == []


def test_the_connection_goes_to_the_checked_address_with_the_original_host(receiver):
    resolved: list[str] = []

    def resolve_once(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["127.0.0.1"]

    pinned = HttpWebhookSender(resolver=resolve_once)
    try:
        result = pinned.send(f"http://hooks.example.test:{receiver.port}/hook", b"{}",
                             {"Content-Type": "application/json"}, allow_private=True)
    finally:
        pinned.close()
    assert result.status_code == 200
    assert resolved == ["hooks.example.test"]
    [arrived] = receiver.received
    assert arrived.headers["Host"] == f"hooks.example.test:{receiver.port}"


def test_redirects_are_not_followed(receiver, sender):
    receiver.status = 302
    receiver.extra_headers = {"Location": "http://127.0.0.1:1/elsewhere"}
    result = sender.send(receiver.url, b"{}", {}, allow_private=True)
    assert result.status_code == 302 and not result.succeeded
    assert len(receiver.received) == 1


def test_a_silent_receiver_times_out():
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    port = listener.getsockname()[1]
    impatient = HttpWebhookSender(total_timeout=0.5, connect_timeout=0.5)
    try:
        result = impatient.send(f"http://127.0.0.1:{port}/hook", b"{}", {},
                                allow_private=True)
    finally:
        impatient.close()
        listener.close()
    assert result.status_code is None and result.error is not None
    assert result.error.startswith("timed out") and 400 <= result.duration_ms < 5000


def test_https_keeps_the_host_name_for_sni_and_the_certificate_check(tmp_path, receiver):
    import ssl

    from tests.channels.tls import certificate_for

    cert, key = certificate_for("hooks.example.test", tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    seen_names: list[str | None] = []
    server_tls.sni_callback = lambda sock, name, ctx: seen_names.append(name)
    receiver.server.socket = server_tls.wrap_socket(receiver.server.socket, server_side=True)
    trusting = ssl.create_default_context(cafile=str(cert))
    pinned = HttpWebhookSender(resolver=lambda host, port: ["127.0.0.1"], tls=trusting)
    try:
        good = pinned.send(f"https://hooks.example.test:{receiver.port}/hook", b"{}", {},
                           allow_private=True)
        wrong = pinned.send(f"https://other.example.test:{receiver.port}/hook", b"{}", {},
                            allow_private=True)
    finally:
        pinned.close()
    assert good.status_code == 200, good.error
    assert seen_names[0] == "hooks.example.test"
    assert wrong.status_code is None and "certificate" in (wrong.error or "").lower()
    assert len(receiver.received) == 1


def test_the_delivery_loop_sends_until_stopped(hub, receiver):
    import threading
    import time

    from hubdesk.channels.webhooks import run_webhook_deliveries

    admin = factories.staff(hub, Role.ADMIN).agent
    _subscribe(hub, admin, receiver.url)
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    stop = threading.Event()
    opened = assemble(hub.settings.model_copy(update={"webhook_private_targets": True}),
                      hub.engine)
    loop = threading.Thread(target=run_webhook_deliveries, args=(opened.app, stop),
                            kwargs={"idle_seconds": 0.05})
    loop.start()
    deadline = time.monotonic() + 10
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    loop.join(timeout=5)
    assert not loop.is_alive()
    assert len(receiver.received) == 1


def test_a_webhook_given_private_targets_is_refused_once_the_server_disallows_them(hub,
                                                                                   receiver):
    admin = factories.staff(hub, Role.ADMIN).agent
    with hub.uows() as uow:  # allowed to reach the receiver while the server still let it
        subscription = WebhookSubscription(None, receiver.url, frozenset({"*"}),
                                           allow_private=True)
        uow.webhooks.add(subscription, hub.intake.sealer.seal(new_secret()), admin.id,
                         utcnow())
        uow.commit()
    factories.ticket(hub, admin)
    relay_outbox(hub.uows, hub.publisher)
    sender = HttpWebhookSender()
    try:
        assert hub.app.webhooks.deliver_due(sender) == 1
    finally:
        sender.close()
    assert receiver.received == []
    [delivery] = list_deliveries(hub.uows, admin, subscription.id)
    assert delivery.status.value == "failed"
    assert (delivery.last_error or "").startswith("refused:")
