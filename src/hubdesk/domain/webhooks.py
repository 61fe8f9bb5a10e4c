"""Outbound webhooks: who wants which events, how a delivery is signed, retried and refused.

Everything here is a pure rule over values; sending, storing and resolving host names are
adapters' work.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from hubdesk.domain.errors import ValidationFailed

ALL_EVENTS = "*"
DEFAULT_FAILURE_LIMIT = 10
MAX_URL_LENGTH = 2000


def _ipv6_address() -> str:
    """RFC 3986's IPv6address: eight groups, or up to seven around one "::" (at most k
    groups before it and 7 - k after), the last two of them possibly an IPv4 address."""
    group = "[0-9A-Fa-f]{1,4}"
    octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
    last_two = rf"(?:{group}:{group}|{octet}(?:\.{octet}){{3}})"
    forms = [rf"(?:{group}:){{6}}{last_two}", rf"::(?:{group}:){{5}}{last_two}"]
    for most_before in range(1, 8):
        before = rf"(?:(?:{group}:){{0,{most_before - 1}}}{group})?"
        after = {6: group, 7: ""}.get(most_before,
                                      rf"(?:{group}:){{{5 - most_before}}}{last_two}")
        forms.append(rf"{before}::{after}")
    return "(?:" + "|".join(forms) + ")"


# What str.strip() removes, spelt in escapes both Python's and ECMAScript's regular
# expressions read alike (their \s differ), so that the API's description states the rule
# the domain checks with the same pattern.
_SPACES = ("\\u0009-\\u000d\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029"
           "\\u202f\\u205f\\u3000")
_PORT = ("(?:[0-9]{1,4}|0[0-9]{4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]"
         "|6553[0-5])")
# http(s); a host name of letters, digits, dots and hyphens (an international name in its
# xn-- form) or an IP address (IPv6 in brackets); an optional port from 0 to 65535; then a
# path, query or fragment without spaces or control characters; spaces around are trimmed.
WEBHOOK_URL_PATTERN = (
    f"^[{_SPACES}]*[Hh][Tt][Tt][Pp][Ss]?://"
    f"(?:[A-Za-z0-9.-]*[A-Za-z0-9]|\\[{_ipv6_address()}\\])"
    f"(?::{_PORT})?(?:[/?#][^\\u0000-\\u0020\\u007f{_SPACES}]*)?[{_SPACES}]*$")
_WEBHOOK_URL = re.compile(WEBHOOK_URL_PATTERN)
MAX_ERROR_LENGTH = 500
SIGNATURE_HEADER = "Hubdesk-Signature"
EVENT_HEADER = "Hubdesk-Event"
DELIVERY_HEADER = "Hubdesk-Delivery"

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DeliveryStatus(StrEnum):
    PENDING = "pending"      # not tried yet
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"        # the last attempt failed; another is scheduled
    GAVE_UP = "gave_up"      # the retry schedule ran out


@dataclass
class WebhookSubscription:
    """An integrator's endpoint. The signing secret is not part of it: it is stored sealed and
    shown only when created or rotated."""

    id: int | None
    url: str
    event_kinds: frozenset[str]
    active: bool = True
    allow_private: bool = False
    consecutive_failures: int = 0
    disabled_reason: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def wants(self, topic: str) -> bool:
        return self.active and (ALL_EVENTS in self.event_kinds or topic in self.event_kinds)

    def record_success(self) -> None:
        self.consecutive_failures = 0

    def record_failure(self, reason: str, limit: int = DEFAULT_FAILURE_LIMIT) -> bool:
        """Count a failed attempt; True when this one made the subscription disabled."""
        self.consecutive_failures += 1
        if self.active and self.consecutive_failures >= limit:
            self.active = False
            self.disabled_reason = (f"disabled after {self.consecutive_failures} consecutive "
                                    f"failed deliveries; last: {reason}")[:MAX_ERROR_LENGTH]
            return True
        return False

    def reactivate(self) -> None:
        """Turned back on by an administrator: the failure count starts again."""
        self.active = True
        self.consecutive_failures = 0
        self.disabled_reason = None


@dataclass
class WebhookDelivery:
    id: int | None
    subscription_id: int
    topic: str
    payload: dict[str, Any]
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    duration_ms: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class AttemptResult:
    """What one HTTP attempt gave: a status code, or a network error (never the body)."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def reason(self) -> str:
        if self.error:
            return self.error[:MAX_ERROR_LENGTH]
        return f"HTTP {self.status_code}"


@dataclass(frozen=True)
class RetrySchedule:
    """Exponential backoff with a cap, without jitter so that it is predictable.

    ``attempts`` is the total number of tries, the first one included.
    """

    first_delay: timedelta = timedelta(seconds=30)
    factor: int = 2
    max_delay: timedelta = timedelta(hours=6)
    attempts: int = 12

    def delay_after(self, attempt: int) -> timedelta | None:
        """The wait after failed try number ``attempt`` (1-based); None once it is the last."""
        if attempt >= self.attempts:
            return None
        delay: timedelta = self.first_delay * self.factor ** (attempt - 1)
        return min(delay, self.max_delay)


DEFAULT_SCHEDULE = RetrySchedule()


def record_attempt(delivery: WebhookDelivery, result: AttemptResult, now: datetime,
                   schedule: RetrySchedule = DEFAULT_SCHEDULE) -> None:
    """Apply an attempt's outcome to ``delivery`` (whose ``attempts`` already counts it)."""
    delivery.last_status_code = result.status_code
    delivery.last_error = None if result.succeeded else result.reason()
    delivery.duration_ms = result.duration_ms
    delivery.updated_at = now
    if result.succeeded:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
        return
    delay = schedule.delay_after(delivery.attempts)
    if delay is None:
        delivery.status = DeliveryStatus.GAVE_UP
        delivery.next_attempt_at = None
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = now + delay


# --- signing -------------------------------------------------------------------------------

def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Hubdesk-Signature`` value: HMAC-SHA256 of ``"{timestamp}.{body}"``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str, body: bytes, now: int,
                     tolerance_seconds: int = 300) -> bool:
    """What a receiver does: recompute the HMAC and refuse stale timestamps (replays)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature(secret, timestamp, body).rsplit("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def delivery_body(delivery_id: int, topic: str, payload: dict[str, Any],
                  created_at: datetime) -> bytes:
    envelope = {"id": str(delivery_id), "event": topic, "created_at": created_at.isoformat(),
                "data": payload}
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True, default=str).encode()


def delivery_headers(secret: str, delivery_id: int, topic: str, body: bytes,
                     timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        EVENT_HEADER: topic,
        DELIVERY_HEADER: str(delivery_id),
    }


# --- where deliveries may go ---------------------------------------------------------------

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form carries (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_internal_address(address: IpAddress) -> bool:
    """Loopback, link-local, private (RFC 1918, ULA), multicast, reserved, unspecified, any
    other non-global range, or an IPv6 form wrapping one of these."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # a socket to it reaches the IPv4 address
            return is_internal_address(address.ipv4_mapped)
        embedded = _embedded_ipv4(address)
        if embedded is not None and is_internal_address(embedded):
            return True
        if address.is_site_local:
            return True
    return (address.is_loopback or address.is_link_local or address.is_private
            or address.is_multicast or address.is_reserved or address.is_unspecified
            or not address.is_global)


def check_target_address(address: IpAddress, allow_private: bool) -> None:
    if not allow_private and is_internal_address(address):
        raise ValidationFailed(
            f"{address} is an internal address; webhooks go to public endpoints unless an "
            "administrator allows private targets for this subscription",
            {"url": "internal address"})


def check_webhook_url(url: str, allow_private: bool) -> str:
    """The URL, if it may be a webhook target: http(s), a host, no credentials; a literal IP
    address (or localhost) must pass the address rule now, host names when resolved."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise ValidationFailed(f"the URL is longer than {MAX_URL_LENGTH} characters",
                               {"url": "too long"})
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading it refuses a malformed port now, not at send time
    except ValueError as error:
        raise ValidationFailed(f"the URL cannot be read: {error}", {"url": "invalid"}) \
            from error
    if parts.scheme not in ("http", "https"):
        raise ValidationFailed("webhook URLs must start with http:// or https://",
                               {"url": "scheme"})
    if not parts.hostname:
        raise ValidationFailed("the URL needs a host name", {"url": "host"})
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed("put no credentials in the URL; receivers check the "
                               "Hubdesk-Signature header instead", {"url": "credentials"})
    if _WEBHOOK_URL.fullmatch(url) is None:
        raise ValidationFailed("the URL's host is a name of letters, digits, dots and "
                               "hyphens (an international name in its xn-- form) or an IP "
                               "address, and the URL holds no spaces", {"url": "host"})
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        check_target_address(ipaddress.ip_address("127.0.0.1"), allow_private)
    else:
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None:
            check_target_address(literal, allow_private)
    return url


def normalise_event_kinds(kinds: list[str] | tuple[str, ...] | frozenset[str]
                          ) -> frozenset[str]:
    cleaned = frozenset(k.strip() for k in kinds if k.strip())
    if not cleaned:
        raise ValidationFailed("choose at least one event kind, or '*' for all",
                               {"event_kinds": "required"})
    return frozenset({ALL_EVENTS}) if ALL_EVENTS in cleaned else cleaned


@dataclass(frozen=True)
class DueDelivery:
    """A claimed delivery with what sending it needs."""

    delivery: WebhookDelivery
    url: str
    allow_private: bool
    sealed_secret: str
