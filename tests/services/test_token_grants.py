"""Token expiry, scope and last use through the service and the cache, on both databases."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.tokens import TokenScope
from hubdesk.services.auth import (
    LOCAL_OPERATOR,
    TokenCache,
    authenticate_token,
    create_token,
    list_tokens,
)
from tests import factories

ISSUED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clocks:
    """A monotonic clock for the cache's own lifetime and a wall clock for expiry."""

    def __init__(self) -> None:
        self.monotonic = 1000.0
        self.wall = ISSUED

    def advance(self, seconds: float) -> None:
        self.monotonic += seconds
        self.wall += timedelta(seconds=seconds)


@contextmanager
def statements(engine):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(" ".join(statement.split()).upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_token_expires_after_its_days_even_while_cached(hub):
    clocks = Clocks()
    cache = TokenCache(60, clock=lambda: clocks.monotonic, now=lambda: clocks.wall)
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    token = create_token(hub.uows, rep.agent, rep.agent.email, "nightly", expires_in_days=1,
                         now=ISSUED)
    clocks.advance(24 * 3600 - 30)
    assert cache.authenticate(hub.uows, token).agent.id == rep.agent.id
    clocks.advance(29)
    assert cache.cached(token) is not None
    # The cache still trusts the entry for half a minute, but the token has expired: no
    # message from the process that issued it is needed, every process reads the same time.
    clocks.advance(1)
    assert cache.cached(token) is None
    assert cache.authenticate(hub.uows, token) is None
    assert authenticate_token(hub.uows, token, ISSUED + timedelta(days=2)) is None
    assert authenticate_token(hub.uows, rep.token, ISSUED + timedelta(days=2)) is not None


def test_a_token_expiring_on_a_date_stops_at_its_midnight(hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    token = create_token(hub.uows, rep.agent, rep.agent.email, expires_on=date(2026, 3, 5),
                         now=ISSUED)
    midnight = datetime(2026, 3, 5, tzinfo=UTC)
    assert authenticate_token(hub.uows, token, midnight - timedelta(seconds=1)) is not None
    assert authenticate_token(hub.uows, token, midnight) is None


def test_an_expiry_in_the_past_is_refused_and_nothing_is_issued(hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    with pytest.raises(ValidationFailed):
        create_token(hub.uows, rep.agent, rep.agent.email, expires_on=date(2026, 3, 2),
                     now=ISSUED)
    assert len(list_tokens(hub.uows, rep.agent, rep.agent.email)[1]) == 1


def test_scope_and_expiry_are_kept_and_listed(hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    token = create_token(hub.uows, rep.agent, rep.agent.email, "dashboard",
                         scope=TokenScope.READ, expires_in_days=90, now=ISSUED)
    grant = authenticate_token(hub.uows, token, ISSUED)
    assert grant is not None and grant.scope is TokenScope.READ
    assert grant.expires_at == ISSUED + timedelta(days=90)
    _, records = list_tokens(hub.uows, rep.agent, rep.agent.email)
    listed = {r.name: r for r in records}
    assert listed["api"].scope is TokenScope.FULL and listed["api"].expires_at is None
    assert listed["dashboard"].scope is TokenScope.READ
    assert listed["dashboard"].state(ISSUED) == "active"
    assert listed["dashboard"].state(ISSUED + timedelta(days=90)) == "expired"


def test_who_may_issue_and_list_tokens_for_whom_is_as_before(hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    other = factories.staff(hub, Role.REPRESENTATIVE)
    admin = factories.staff(hub, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        create_token(hub.uows, rep.agent, other.agent.email, scope=TokenScope.READ)
    with pytest.raises(PermissionDenied):
        list_tokens(hub.uows, rep.agent, other.agent.email)
    create_token(hub.uows, admin.agent, other.agent.email, scope=TokenScope.READ)
    assert len(list_tokens(hub.uows, admin.agent, other.agent.email)[1]) == 2
    assert len(list_tokens(hub.uows, LOCAL_OPERATOR, other.agent.email)[1]) == 2


def test_last_use_is_written_at_most_once_a_minute_however_often_the_token_is_checked(hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    clocks = Clocks()
    uncached = TokenCache(0, now=lambda: clocks.wall)  # every check reads the database
    with statements(hub.engine) as seen:
        for _ in range(200):
            assert uncached.authenticate(hub.uows, rep.token) is not None
            clocks.advance(0.25)  # 200 checks over 50 seconds
    writes = [s for s in seen if s.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and writes[0].startswith("UPDATE API_TOKENS")
    assert _last_used(hub, rep) == ISSUED
    clocks.advance(10)  # a minute after the first use
    with statements(hub.engine) as seen:
        uncached.authenticate(hub.uows, rep.token)
        uncached.authenticate(hub.uows, rep.token)
    assert sum(s.startswith("UPDATE") for s in seen) == 1
    assert _last_used(hub, rep) == ISSUED + timedelta(seconds=60)


def test_another_process_that_just_wrote_the_last_use_is_not_written_over(hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    first, second = TokenCache(5, now=lambda: ISSUED), TokenCache(5, now=lambda: ISSUED)
    first.authenticate(hub.uows, rep.token)
    with statements(hub.engine) as seen:
        assert second.authenticate(hub.uows, rep.token) is not None
    assert not any(s.startswith("UPDATE") for s in seen)


def _last_used(hub, staff):
    _, records = list_tokens(hub.uows, LOCAL_OPERATOR, staff.agent.email)
    return records[0].last_used_at
