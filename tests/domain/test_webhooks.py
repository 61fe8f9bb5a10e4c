"""Webhook rules: signatures a receiver can check, the address rule, backoff and disabling."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.webhooks import (
    AttemptResult,
    DeliveryStatus,
    RetrySchedule,
    WebhookDelivery,
    WebhookSubscription,
    check_webhook_url,
    delivery_body,
    delivery_headers,
    is_internal_address,
    new_secret,
    normalise_event_kinds,
    record_attempt,
    verify_signature,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_receiver_verifies_the_signature_with_its_own_hmac():
    secret = new_secret()
    body = delivery_body(7, "ticket.created", {"ticket_id": 3}, NOW)
    headers = delivery_headers(secret, 7, "ticket.created", body, 1_700_000_000)
    t, v1 = (part.split("=", 1)[1] for part in headers["Hubdesk-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    assert t == "1700000000" and v1 == expected
    assert headers["Hubdesk-Event"] == "ticket.created"
    assert headers["Hubdesk-Delivery"] == "7"


def test_verification_refuses_tampering_a_wrong_secret_and_stale_timestamps():
    secret = new_secret()
    body = b'{"a":1}'
    header = delivery_headers(secret, 1, "x", body, 1000)["Hubdesk-Signature"]
    assert verify_signature(secret, header, body, now=1100)
    assert not verify_signature(secret, header, b'{"a":2}', now=1100)
    assert not verify_signature(new_secret(), header, body, now=1100)
    assert not verify_signature(secret, header, body, now=1000 + 301)
    assert not verify_signature(secret, "v1=abc", body, now=1000)


def test_secrets_are_random_and_long():
    first, second = new_secret(), new_secret()
    assert first != second and len(first) > 40


INTERNAL = [
    "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
    "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "100.64.0.1",
    "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "fec0::1",
    "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
    "2002:7f00:1::", "2002:a00:1::", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe",
    "2001:db8::1",
]
PUBLIC = ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111",
          "::ffff:93.184.216.34", "2a00:1450:4001:82a::200e"]


@pytest.mark.parametrize("text", INTERNAL)
def test_internal_addresses_are_refused(text):
    assert is_internal_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_pass(text):
    assert not is_internal_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://[::1]/x", "http://[::ffff:127.0.0.1]/x",
    "http://localhost/x", "https://api.localhost/x", "http://10.0.0.5/x",
])
def test_urls_on_internal_literals_need_the_flag(url):
    with pytest.raises(ValidationFailed):
        check_webhook_url(url, allow_private=False)
    assert check_webhook_url(url, allow_private=True) == url


@pytest.mark.parametrize("url", [
    "ftp://example.com/x", "file:///etc/passwd", "gopher://example.com", "example.com/hook",
    "https://user:pass@example.com/hook", "https://token@example.com/", "http:///nohost",
    "https://example.com:99999/", "https://example.com/" + "a" * 2000,
    "HTTP://hooks0*", "https://exa mple.com/in", "https://bücher.example/in",
    "https://example.com/in put", "http://[fe80::1%25eth0]/x", "https://example.com_/x",
])
def test_bad_urls_are_refused_even_with_the_flag(url):
    with pytest.raises(ValidationFailed):
        check_webhook_url(url, allow_private=True)


def test_public_host_names_pass_until_resolved():
    assert check_webhook_url(" https://hooks.example.com/in ", False) == \
        "https://hooks.example.com/in"
    for url in ("HTTPS://xn--bcher-kva.example:8443/in?x=1#y", "http://93.184.216.34/hook",
                "https://[2606:4700::1111]:443/in"):
        assert check_webhook_url(url, False) == url


def test_the_described_url_pattern_is_the_one_checked():
    """The API's description promises the same shape the domain checks: a URL one accepts
    and the other refuses would be a broken promise to whoever generates requests from it."""
    import re

    from hubdesk.api.routes.webhooks import WebhookUrl

    [field] = [m for m in WebhookUrl.__metadata__ if hasattr(m, "json_schema_extra")]
    described = re.compile(field.json_schema_extra["pattern"])
    for url in ("https://hooks.example.com/in", " https://a.example/x ", "HTTP://hooks0*",
                "https://exa mple.com/in", "https://[2001:db8::1]/in", "https://a.example:99/",
                "ftp://a.example/", "HtTps://[6ed7Bc999aaf]", "http://[::ffff:10.0.0.1]/x",
                "http://[1:2:3:4:5:6:7:8:9]/", "http://[fe80::1%25eth0]/x",
                "http://[::e]:66438/", "http://a.example:65535/", "http://a.example:01234/",
                "\x0b https://a.example/x\u3000", "https://a.example/\x1cx",
                "https://a.example/\ufeffx"):
        try:
            check_webhook_url(url, allow_private=True)
            accepted = True
        except ValidationFailed:
            accepted = False
        assert accepted == (described.fullmatch(url) is not None), url


def test_backoff_grows_exponentially_to_a_cap_then_ends():
    schedule = RetrySchedule(first_delay=timedelta(seconds=30), factor=2,
                             max_delay=timedelta(minutes=10), attempts=8)
    delays = [schedule.delay_after(n) for n in range(1, 9)]
    assert delays == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                      timedelta(minutes=4), timedelta(minutes=8), timedelta(minutes=10),
                      timedelta(minutes=10), None]


def _delivery(attempts: int) -> WebhookDelivery:
    return WebhookDelivery(id=1, subscription_id=1, topic="ticket.created", payload={},
                           attempts=attempts)


def test_a_failed_attempt_is_rescheduled_and_the_last_one_gives_up():
    schedule = RetrySchedule(first_delay=timedelta(seconds=10), attempts=3)
    first = _delivery(1)
    record_attempt(first, AttemptResult(500, None, 12), NOW, schedule)
    assert (first.status, first.next_attempt_at) == (DeliveryStatus.FAILED,
                                                     NOW + timedelta(seconds=10))
    assert (first.last_status_code, first.last_error, first.duration_ms) == (500, "HTTP 500", 12)
    last = _delivery(3)
    record_attempt(last, AttemptResult(None, "timed out", 10000), NOW, schedule)
    assert (last.status, last.next_attempt_at, last.last_error) == \
        (DeliveryStatus.GAVE_UP, None, "timed out")


def test_a_2xx_delivers():
    delivery = _delivery(2)
    record_attempt(delivery, AttemptResult(204, None, 5), NOW)
    assert (delivery.status, delivery.delivered_at, delivery.next_attempt_at,
            delivery.last_error) == (DeliveryStatus.DELIVERED, NOW, None, None)


def test_redirects_count_as_failures():
    assert not AttemptResult(302, None, 1).succeeded
    assert AttemptResult(299, None, 1).succeeded


def test_consecutive_failures_disable_and_a_success_resets_the_count():
    subscription = WebhookSubscription(id=1, url="https://x.example", event_kinds=frozenset("*"))
    for _ in range(2):
        assert not subscription.record_failure("HTTP 500", limit=3)
    subscription.record_success()
    assert subscription.consecutive_failures == 0
    disabled = [subscription.record_failure("HTTP 503", limit=3) for _ in range(3)]
    assert disabled == [False, False, True]
    assert not subscription.active
    assert subscription.disabled_reason == \
        "disabled after 3 consecutive failed deliveries; last: HTTP 503"
    assert not subscription.wants("ticket.created")
    subscription.reactivate()
    assert subscription.active and subscription.consecutive_failures == 0
    assert subscription.disabled_reason is None


def test_event_kinds_and_wildcard():
    only = WebhookSubscription(1, "https://x.example", normalise_event_kinds(["ticket.created"]))
    assert only.wants("ticket.created") and not only.wants("ticket.status_changed")
    every = WebhookSubscription(2, "https://x.example",
                                normalise_event_kinds(["ticket.created", "*"]))
    assert every.event_kinds == frozenset({"*"}) and every.wants("anything.at_all")
    with pytest.raises(ValidationFailed):
        normalise_event_kinds([" "])
