"""API tokens' rules: what a token may do, until when, and how often its use is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import ValidationFailed


def expired(expires_at: datetime | None, now: datetime) -> bool:
    """A token stops working at its expiry instant; one without never expires."""
    return expires_at is not None and expires_at <= now


class TokenScope(StrEnum):
    FULL = "full"  # whatever the agent may do
    READ = "read"  # reads only: a report, a dashboard, an export


# Methods that change nothing (RFC 9110 "safe"): all a read-only token may send.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A token's last use is written at most this often: precise enough to tell a forgotten token
# from a busy one, and never a write on every request.
LAST_USE_PRECISION = timedelta(minutes=1)

# Beyond this a date is a typing mistake, not a plan (and far beyond, not a date at all).
LONGEST_LIFETIME_DAYS = 3660


@dataclass(frozen=True)
class TokenGrant:
    """What a verified token lets its bearer do: act as ``agent``, within ``scope``, until
    ``expires_at`` (None: until revoked)."""

    agent: Agent
    token_id: int
    scope: TokenScope
    expires_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return expired(self.expires_at, now)

    def allows(self, method: str) -> bool:
        return self.scope is TokenScope.FULL or method.upper() in SAFE_METHODS


def scope_refusal(scope: TokenScope) -> str:
    """What a client is told when its token's scope does not allow a change."""
    return (f"this API token's scope is '{scope.value}': it may read (GET) but not change "
            "anything; use a token of scope 'full' (`hubdesk tokens create --scope full`)")


def last_use_due(last_used_at: datetime | None, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= LAST_USE_PRECISION


def expiry(now: datetime, *, days: int | None = None, on: date | None = None) -> datetime | None:
    """When a token issued at ``now`` stops working: ``days`` from now, or at the start of
    ``on`` (00:00 UTC, so that it no longer works on that day); None for never."""
    if days is not None and on is not None:
        raise ValidationFailed("give the token's lifetime in days or its expiry date, not both",
                               {"expires": "both given"})
    if days is not None:
        if not 1 <= days <= LONGEST_LIFETIME_DAYS:
            raise ValidationFailed(
                f"a token's lifetime is 1 to {LONGEST_LIFETIME_DAYS} days",
                {"expires_in": "out of range"})
        return now + timedelta(days=days)
    if on is None:
        return None
    at = datetime.combine(on, time(0), tzinfo=UTC)
    if at <= now:
        raise ValidationFailed(f"the expiry date {on.isoformat()} has already begun; give a "
                               "later date", {"expires_on": "not in the future"})
    if at - now > timedelta(days=LONGEST_LIFETIME_DAYS):
        raise ValidationFailed(f"a token's lifetime is at most {LONGEST_LIFETIME_DAYS} days",
                               {"expires_on": "too far"})
    return at


@dataclass(frozen=True)
class TokenRecord:
    """An issued token as its owner and administrators see it (never the token itself)."""

    id: int
    name: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def state(self, now: datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if expired(self.expires_at, now):
            return "expired"
        return "active"
