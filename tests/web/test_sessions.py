"""Console sessions end when they should, even for a copied cookie; sign-in is throttled."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import TooManyAttempts
from hubdesk.server import create_app
from hubdesk.services import sessions
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import AgentInput, update_agent
from tests import factories
from tests.web.pages import csrf, post_form, sign_in
from tests.web.test_query_counts import count_queries

COOKIE = "hubdesk_session"


def _signed_in(client):
    return client.get("/tickets", follow_redirects=False).status_code == 200


def _replay(client, cookie):
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie)
    try:
        return _signed_in(client)
    finally:
        client.cookies.clear()


def test_a_copied_cookie_stops_working_at_sign_out(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    copied = client.cookies.get(COOKIE)
    post_form(client, "/logout", {})
    assert not _replay(client, copied)


def test_the_cookie_names_a_session_not_an_agent(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    with hub.uows(write=False) as uow:
        live = uow.sessions.live_for(rep.agent.id, utcnow())
    assert len(live) == 1
    assert live[0]["user_agent"] == "testclient"


def test_a_password_change_ends_every_other_session(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    copied = client.cookies.get(COOKIE)
    sessions.change_own_password(hub.uows, rep.agent, factories.PASSWORD, "a fresh secret",
                                 address="127.0.0.1")
    assert not _replay(client, copied)


def test_a_password_reset_or_deactivation_by_someone_else_ends_sessions(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    copied = client.cookies.get(COOKIE)
    update_agent(hub.uows, LOCAL_OPERATOR, rep.agent.id,
                 AgentInput(fields_set=frozenset({"password"}), password="reset by admin"))
    assert not _replay(client, copied)
    sign_in(client, rep.agent, "reset by admin")
    copied = client.cookies.get(COOKIE)
    update_agent(hub.uows, LOCAL_OPERATOR, rep.agent.id,
                 AgentInput(fields_set=frozenset({"active"}), active=False))
    update_agent(hub.uows, LOCAL_OPERATOR, rep.agent.id,
                 AgentInput(fields_set=frozenset({"active"}), active=True))
    assert not _replay(client, copied)  # reactivating does not revive old sessions


def test_sign_out_everywhere_ends_the_other_browsers_too(hub, client):
    rep = factories.staff(hub, with_password=True)
    with TestClient(create_app(hub)) as laptop:
        sign_in(laptop, rep.agent)
        sign_in(client, rep.agent)
        assert "Sign out everywhere" in client.get("/logout").text
        response = post_form(client, "/logout/everywhere", {}, page="/logout", follow=False)
        assert (response.status_code, response.headers["location"]) == (303, "/login")
        assert "2 sessions ended" in client.get("/login").text
        assert not _signed_in(laptop)
        assert not _signed_in(client)


def test_the_api_ends_console_sessions(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    response = client.post("/api/v1/agents/me/sessions/revoke", headers=rep.headers)
    assert response.json() == {"ended": 1}
    assert not _signed_in(client)


def test_reading_pages_does_not_write_the_session_every_time(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    with count_queries(hub.engine) as statements:
        assert _signed_in(client)
    assert not [s for s in statements if "agent_sessions" in s and "UPDATE" in s.upper()]
    assert sum("agent_sessions" in s for s in statements) == 1


def _attempt(client, email, password):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf(client)}, follow_redirects=False)


def test_repeated_wrong_passwords_lock_the_account_for_a_while(hub, client):
    rep = factories.staff(hub, with_password=True)
    codes = [_attempt(client, rep.agent.email, f"wrong {i}").status_code for i in range(5)]
    assert codes == [400] * 5
    locked = _attempt(client, rep.agent.email, factories.PASSWORD)
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 30
    assert "Too many attempts; try again in " in locked.text
    assert not _signed_in(client)


def _fail_from(hub, email, address, count, ago):
    with hub.uows() as uow:
        for _ in range(count):
            uow.sign_ins.record(email, address, False, utcnow() - ago)
        uow.commit()


def _sign_in(hub, email, password, address):
    return sessions.sign_in(hub.uows, email, password, address=address, user_agent="t",
                            lifetime=timedelta(hours=1))


def test_locks_expire(hub):
    rep = factories.staff(hub, with_password=True)
    _fail_from(hub, rep.agent.email, "203.0.113.9", 30, timedelta(minutes=1))
    with pytest.raises(TooManyAttempts) as locked:
        _sign_in(hub, rep.agent.email, factories.PASSWORD, "198.51.100.7")
    assert 13 * 60 < locked.value.retry_after <= 14 * 60
    _fail_from(hub, "other@hubdesk.test", "203.0.113.10", 30, timedelta(minutes=16))
    assert _sign_in(hub, "other@hubdesk.test", "whatever", "198.51.100.8") is None


def test_an_attacker_elsewhere_cannot_lock_out_an_address_that_has_been_succeeding(hub):
    rep = factories.staff(hub, Role.MANAGER, with_password=True)
    assert _sign_in(hub, rep.agent.email, factories.PASSWORD, "192.0.2.1") is not None
    _fail_from(hub, rep.agent.email, "203.0.113.9", 30, timedelta(0))  # after the success
    with pytest.raises(TooManyAttempts):
        _sign_in(hub, rep.agent.email, factories.PASSWORD, "203.0.113.9")
    with pytest.raises(TooManyAttempts):
        _sign_in(hub, rep.agent.email, factories.PASSWORD, "198.51.100.7")
    signed_in = _sign_in(hub, rep.agent.email, factories.PASSWORD, "192.0.2.1")
    assert signed_in is not None and signed_in.agent.id == rep.agent.id


def test_one_address_cannot_try_many_accounts(hub):
    _fail_from(hub, "someone@hubdesk.test", "203.0.113.9", 25, timedelta(seconds=1))
    rep = factories.staff(hub, with_password=True)
    with pytest.raises(TooManyAttempts):
        _sign_in(hub, rep.agent.email, factories.PASSWORD, "203.0.113.9")


def test_a_manager_signs_a_representative_out_everywhere_from_the_console(hub, client):
    rep = factories.staff(hub, with_password=True)
    manager = factories.staff(hub, Role.MANAGER, with_password=True)
    with TestClient(create_app(hub)) as laptop, TestClient(create_app(hub)) as phone:
        sign_in(laptop, rep.agent)
        sign_in(phone, rep.agent)
        sign_in(client, manager.agent)
        page = f"/settings/agents/{rep.agent.id}"
        assert f"Sign {rep.agent.name} out everywhere" in client.get(page).text
        answer = post_form(client, f"{page}/sign-out", {}, page=page)
        assert f"{rep.agent.name} is signed out everywhere (2 sessions ended)." in answer.text
        assert not _signed_in(laptop)
        assert not _signed_in(phone)
        assert _signed_in(client)  # the manager's own session stays
        # Their account is untouched: they sign in again with the same password.
        sign_in(laptop, rep.agent)
        assert _signed_in(laptop)


def test_a_manager_cannot_sign_an_administrator_out(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True)
    manager = factories.staff(hub, Role.MANAGER, with_password=True)
    with TestClient(create_app(hub)) as admins_browser:
        sign_in(admins_browser, admin.agent)
        sign_in(client, manager.agent)
        page = f"/settings/agents/{admin.agent.id}"
        answer = post_form(client, f"{page}/sign-out", {}, page=page)
        assert "only an administrator signs out someone whose role (admin)" in answer.text
        assert _signed_in(admins_browser)
