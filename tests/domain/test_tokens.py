"""A token's scope, expiry and how often its use is written, as plain rules."""

from datetime import UTC, date, datetime, timedelta

import pytest

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.tokens import TokenGrant, TokenScope, expiry, last_use_due

NOW = datetime(2026, 5, 14, 15, 30, tzinfo=UTC)
AGENT = Agent(id=7, email="kim@example.org", name="Kim")


def test_a_read_only_grant_allows_the_safe_methods_and_nothing_else():
    grant = TokenGrant(AGENT, token_id=1, scope=TokenScope.READ)
    assert [m for m in ("GET", "head", "OPTIONS") if grant.allows(m)] == ["GET", "head",
                                                                         "OPTIONS"]
    assert not any(grant.allows(m) for m in ("POST", "PUT", "PATCH", "DELETE", "TRACE", ""))
    full = TokenGrant(AGENT, token_id=1, scope=TokenScope.FULL)
    assert all(full.allows(m) for m in ("GET", "POST", "PATCH", "DELETE"))


def test_a_grant_expires_at_its_moment_exactly_and_one_without_expiry_never():
    grant = TokenGrant(AGENT, 1, TokenScope.FULL, expires_at=NOW)
    assert not grant.expired(NOW - timedelta(microseconds=1))
    assert grant.expired(NOW)
    assert not TokenGrant(AGENT, 1, TokenScope.FULL).expired(datetime.max.replace(tzinfo=UTC))


def test_expiry_in_days_or_from_the_start_of_a_date():
    assert expiry(NOW) is None
    assert expiry(NOW, days=30) == NOW + timedelta(days=30)
    assert expiry(NOW, on=date(2026, 5, 15)) == datetime(2026, 5, 15, tzinfo=UTC)


@pytest.mark.parametrize("kwargs", [
    {"days": 0}, {"days": -3}, {"days": 10**9},
    {"on": date(2026, 5, 14)},           # today has begun: it would never work
    {"on": date(2026, 1, 1)},
    {"on": date(9999, 12, 31)},
    {"days": 5, "on": date(2026, 6, 1)},
])
def test_expiries_that_cannot_be_meant_are_refused(kwargs):
    with pytest.raises(ValidationFailed):
        expiry(NOW, **kwargs)


def test_a_use_is_written_when_none_is_or_the_last_is_a_minute_old():
    assert last_use_due(None, NOW)
    assert not last_use_due(NOW - timedelta(seconds=59), NOW)
    assert last_use_due(NOW - timedelta(seconds=60), NOW)
