"""A change of access made in one process ends what every other process remembers of the
tokens concerned at once, not when its cache entries expire (`store/credential_news.py`).

Each "process" here is a token cache with news of its own: on PostgreSQL its own LISTEN
connection, on SQLite its own reading of the file beside the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.services.auth import LOCAL_OPERATOR, TokenCache, revoke_token
from hubdesk.services.directory import AgentInput
from hubdesk.store.credential_news import (
    FileCredentialNews,
    PostgresCredentialNews,
    credential_news,
)
from hubdesk.store.engine import Timeouts
from tests import factories
from tests.channels.email.net import wait_for

A_LONG_TTL = 3600.0  # so only news, never the entry's age, can end an entry in these tests


@pytest.fixture
def caches(hub) -> Iterator[Callable[[], TokenCache]]:
    made: list[TokenCache] = []

    def make() -> TokenCache:
        news = credential_news(hub.engine, Timeouts(connect=2))
        assert news is not None
        cache = TokenCache(A_LONG_TTL, news=news)
        made.append(cache)
        return cache

    yield make
    for cache in made:
        cache.close()


def _trusted(cache: TokenCache, hub, token: str) -> None:
    """Verify ``token`` in ``cache`` until it is served from memory (on PostgreSQL, once the
    cache's process listens for news)."""
    def served_from_memory() -> bool:
        cache.authenticate(hub.uows, token)
        return cache.cached(token) is not None
    assert wait_for(served_from_memory)


def _token_id(hub, agent_id: int) -> int:
    with hub.uows(write=False) as uow:
        return uow.agents.tokens(agent_id)[0].id


def test_a_token_revoked_in_another_process_is_refused_at_once(hub, caches):
    here, elsewhere = caches(), caches()
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    _trusted(elsewhere, hub, rep.token)
    revoke_token(hub.uows, LOCAL_OPERATOR, _token_id(hub, rep.agent.id))
    here.forget_all()
    assert wait_for(lambda: elsewhere.cached(rep.token) is None, timeout=2)
    assert elsewhere.authenticate(hub.uows, rep.token) is None


def test_an_agent_deactivated_through_the_application_loses_every_process_at_once(
        hub, caches, tmp_path):
    elsewhere = caches()
    here = assemble(hub.settings, hub.engine, tokens=caches())
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    other = factories.staff(hub, Role.REPRESENTATIVE)
    _trusted(elsewhere, hub, rep.token)
    _trusted(elsewhere, hub, other.token)
    here.app.directory.update_agent(LOCAL_OPERATOR, rep.agent.id,
                                    AgentInput(fields_set=frozenset({"active"}), active=False))
    assert wait_for(lambda: elsewhere.cached(rep.token) is None, timeout=2)
    assert elsewhere.authenticate(hub.uows, rep.token) is None
    # Others' tokens are verified again, and still work.
    assert elsewhere.authenticate(hub.uows, other.token) is not None


def test_a_role_taken_away_is_seen_by_every_process_at_once(hub, caches):
    elsewhere = caches()
    here = assemble(hub.settings, hub.engine, tokens=caches())
    manager = factories.staff(hub, Role.MANAGER)
    _trusted(elsewhere, hub, manager.token)
    here.app.directory.update_agent(
        LOCAL_OPERATOR, manager.agent.id,
        AgentInput(fields_set=frozenset({"role"}), role=Role.REPRESENTATIVE))
    assert wait_for(lambda: elsewhere.cached(manager.token) is None, timeout=2)
    grant = elsewhere.authenticate(hub.uows, manager.token)
    assert grant is not None and grant.agent.role is Role.REPRESENTATIVE


def test_news_of_an_unrelated_change_only_costs_a_fresh_verification(hub, caches):
    here, elsewhere = caches(), caches()
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    _trusted(elsewhere, hub, rep.token)
    here.forget_agent(rep.agent.id + 1000)
    assert wait_for(lambda: elsewhere.cached(rep.token) is None, timeout=2)
    _trusted(elsewhere, hub, rep.token)


def test_the_database_picks_the_carrier(hub):
    news = credential_news(hub.engine, Timeouts())
    try:
        if hub.engine.dialect.name == "sqlite":
            assert isinstance(news, FileCredentialNews)
            assert news.path.name.endswith("-credentials")
        else:
            assert isinstance(news, PostgresCredentialNews)
    finally:
        assert news is not None
        news.close()


def test_an_sqlite_database_in_memory_has_no_other_process_to_tell():
    engine: Engine = create_engine("sqlite://")
    try:
        assert credential_news(engine, Timeouts()) is None
    finally:
        engine.dispose()


def test_a_process_that_cannot_hear_news_does_not_trust_what_it_remembers(hub):
    """A listener that cannot reach the database says so, and cached tokens are verified
    again on each use until it hears again."""
    deaf = PostgresCredentialNews(hub.engine, "postgresql://nobody@127.0.0.1:1/none",
                                  {"connect_timeout": 2}, retry=0.05)
    cache = TokenCache(A_LONG_TTL, news=deaf)
    try:
        rep = factories.staff(hub, Role.REPRESENTATIVE)
        assert cache.authenticate(hub.uows, rep.token) is not None
        time.sleep(0.2)
        assert deaf.edition() is None
        assert cache.cached(rep.token) is None
        assert cache.authenticate(hub.uows, rep.token) is not None  # the database still says
    finally:
        cache.close()


def test_an_sqlite_file_edition_changes_with_every_announcement(tmp_path):
    news = FileCredentialNews(tmp_path / "hubdesk.db-credentials")
    assert news.edition() == 0
    seen = set()
    for _ in range(20):
        news.announce()
        seen.add(news.edition())
    assert len(seen) == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hubdesk.db-credentials"]
