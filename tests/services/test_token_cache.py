from hubdesk.domain.agents import Role
from hubdesk.services.auth import LOCAL_OPERATOR, TokenCache, revoke_token
from tests import factories


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _token_id(hub, agent_id):
    with hub.uows(write=False) as uow:
        return uow.agents.tokens(agent_id)[0].id


def test_a_revoked_token_is_refused_once_the_cache_entry_expires(hub):
    clock = FakeClock()
    cache = TokenCache(5, clock=clock)
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert cache.authenticate(hub.uows, rep.token).agent.id == rep.agent.id
    revoke_token(hub.uows, LOCAL_OPERATOR, _token_id(hub, rep.agent.id))
    clock.now += 4.9
    assert cache.cached(rep.token) is not None      # the documented grace period
    clock.now += 0.2
    assert cache.cached(rep.token) is None
    assert cache.authenticate(hub.uows, rep.token) is None


def test_without_a_ttl_every_call_asks_the_database(hub):
    cache = TokenCache(0)
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert cache.authenticate(hub.uows, rep.token) is not None
    assert cache.cached(rep.token) is None
    revoke_token(hub.uows, LOCAL_OPERATOR, _token_id(hub, rep.agent.id))
    assert cache.authenticate(hub.uows, rep.token) is None


def test_unknown_tokens_are_not_cached(hub):
    cache = TokenCache(5)
    assert cache.authenticate(hub.uows, "hd_unknown") is None
    assert cache.cached("hd_unknown") is None
