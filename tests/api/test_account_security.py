"""Account takeover through the agents endpoints, own password changes, revoking sessions,
and the bounds on what the API accepts."""

from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.services import sessions
from hubdesk.services.auth import login
from tests import factories


def test_a_manager_cannot_take_over_an_administrator(hub, client):
    manager = factories.staff(hub, Role.MANAGER)
    admin = factories.staff(hub, Role.ADMIN, with_password=True)
    url = f"/api/v1/agents/{admin.agent.id}"
    for change in ({"password": "manager-knows-this"}, {"email": "mine@evil-example.com"},
                   {"active": False}):
        response = client.patch(url, json=change, headers=manager.headers)
        assert response.status_code == 403, change
        assert "only an administrator" in response.json()["detail"]
    unchanged = client.get(url, headers=admin.headers).json()
    assert (unchanged["email"], unchanged["active"]) == (admin.agent.email, True)
    assert login(hub.uows, admin.agent.email, "manager-knows-this") is None
    assert login(hub.uows, admin.agent.email, factories.PASSWORD) is not None


def test_a_manager_cannot_take_over_another_manager_but_may_reset_a_representative(hub,
                                                                                   client):
    manager = factories.staff(hub, Role.MANAGER)
    peer = factories.staff(hub, Role.MANAGER)
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert client.patch(f"/api/v1/agents/{peer.agent.id}", json={"password": "x" * 12},
                        headers=manager.headers).status_code == 403
    response = client.patch(f"/api/v1/agents/{rep.agent.id}",
                            json={"password": "a new one!", "name": "Renamed"},
                            headers=manager.headers)
    assert response.status_code == 200
    assert login(hub.uows, rep.agent.email, "a new one!") is not None


def test_an_administrator_may_change_another_administrator(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    other = factories.staff(hub, Role.ADMIN)
    response = client.patch(f"/api/v1/agents/{other.agent.id}",
                            json={"password": "reset by admin"}, headers=admin.headers)
    assert response.status_code == 200
    assert login(hub.uows, other.agent.email, "reset by admin") is not None


def test_ones_own_password_changes_only_with_the_current_one(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True)
    patched = client.patch(f"/api/v1/agents/{manager.agent.id}",
                           json={"password": "no check at all"}, headers=manager.headers)
    assert patched.status_code == 403
    assert "/api/v1/agents/me/password" in patched.json()["detail"]
    wrong = client.post("/api/v1/agents/me/password",
                        json={"current_password": "guess", "new_password": "brand new pw"},
                        headers=manager.headers)
    assert wrong.status_code == 422
    assert login(hub.uows, manager.agent.email, factories.PASSWORD) is not None
    right = client.post("/api/v1/agents/me/password",
                        json={"current_password": factories.PASSWORD,
                              "new_password": "brand new pw"}, headers=manager.headers)
    assert right.status_code == 200
    assert login(hub.uows, manager.agent.email, "brand new pw") is not None
    assert login(hub.uows, manager.agent.email, factories.PASSWORD) is None


def test_guessing_the_current_password_is_throttled(hub, client):
    rep = factories.staff(hub, Role.REPRESENTATIVE, with_password=True)
    body = {"current_password": "guess", "new_password": "brand new pw"}
    codes = [client.post("/api/v1/agents/me/password", json=body,
                         headers=rep.headers).status_code for _ in range(6)]
    assert codes == [422] * 5 + [429]
    locked = client.post("/api/v1/agents/me/password",
                         json={**body, "current_password": factories.PASSWORD},
                         headers=rep.headers)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert locked.json()["detail"].startswith("too many attempts; try again in")


def test_a_deactivated_agents_token_stops_working_at_once_in_this_process(hub, client):
    hub.tokens.ttl = 60  # a long cache: deactivation must still drop its entries here
    admin = factories.staff(hub, Role.ADMIN)
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert client.get("/api/v1/agents", headers=rep.headers).status_code == 200
    assert hub.tokens.cached(rep.token) is not None
    assert client.patch(f"/api/v1/agents/{rep.agent.id}", json={"active": False},
                        headers=admin.headers).status_code == 200
    assert client.get("/api/v1/agents", headers=rep.headers).status_code == 401


def test_revoking_ones_sessions_answers_how_many_ended(hub, client):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    response = client.post("/api/v1/agents/me/sessions/revoke", headers=rep.headers)
    assert (response.status_code, response.json()) == (200, {"ended": 0})


def _ticket(client, headers, **extra):
    return client.post("/api/v1/tickets", headers=headers, json={
        "subject": "Help", "body": "Hello", "requester": {"email": "c@example.com"},
        **extra})


def test_message_html_is_sanitised_before_it_is_stored(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    created = _ticket(client, admin.headers, body_html=(
        '<p onclick="steal()">Hi <b>there</b><script>alert(1)</script>'
        '<a href="javascript:alert(2)">x</a><a href="https://ok.example">y</a></p>'))
    assert created.status_code == 201, created.text
    ticket = client.get(f"/api/v1/tickets/{created.json()['id']}", headers=admin.headers)
    html = ticket.json()["messages"][0]["body_html"]
    assert "<b>there</b>" in html and "https://ok.example" in html
    for bad in ("script", "onclick", "javascript:", "alert"):
        assert bad not in html


def test_custom_fields_and_free_text_are_bounded(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    too_many = {f"k{i}": i for i in range(51)}
    too_big = {"blob": "x" * 17_000}
    too_deep = {"a": {"b": {"c": {"d": 1}}}}
    long_key = {"k" * 65: 1}
    for fields, words in ((too_many, "at most 50"), (too_big, "bytes"),
                          (too_deep, "3 levels"), (long_key, "1 to 64")):
        response = _ticket(client, admin.headers, custom_fields=fields)
        assert response.status_code == 422
        assert words in response.json()["errors"][0]["message"]
    assert _ticket(client, admin.headers, custom_fields={"a": {"b": {"c": 1}}}
                   ).status_code == 201
    assert _ticket(client, admin.headers, tags=["t" * 65]).status_code == 422
    huge = client.post("/api/v1/tickets", headers=admin.headers, json={
        "subject": "Help", "body": "x" * 100_001, "requester": {"email": "c@example.com"}})
    assert huge.status_code == 422
    skills = client.post("/api/v1/agents", headers=admin.headers, json={
        "email": "n@example.com", "name": "N", "skills": ["s" * 65]})
    assert skills.status_code == 422


def _session_of(hub, staff):
    signed_in = sessions.sign_in(hub.uows, staff.agent.email, factories.PASSWORD,
                                 address="127.0.0.1", user_agent="test",
                                 lifetime=timedelta(hours=1))
    assert signed_in is not None
    return signed_in.session_token


def _live(hub, token):
    return sessions.session_agent(hub.uows, token) is not None


def test_an_agent_is_signed_out_everywhere_by_those_who_outrank_them(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True)
    manager = factories.staff(hub, Role.MANAGER, with_password=True)
    rep = factories.staff(hub, Role.REPRESENTATIVE, with_password=True)
    reps = [_session_of(hub, rep), _session_of(hub, rep)]
    managers = _session_of(hub, manager)
    answer = client.post(f"/api/v1/agents/{rep.agent.id}/sessions/revoke",
                         headers=manager.headers)
    assert (answer.status_code, answer.json()) == (200, {"ended": 2})
    assert not any(_live(hub, token) for token in reps)
    assert _live(hub, managers)
    # The account and its API token stay as they were.
    assert client.get("/api/v1/tickets", headers=rep.headers).status_code == 200
    assert login(hub.uows, rep.agent.email, factories.PASSWORD) is not None
    answer = client.post(f"/api/v1/agents/{manager.agent.id}/sessions/revoke",
                         headers=admin.headers)
    assert (answer.status_code, answer.json()) == (200, {"ended": 1})
    assert not _live(hub, managers)


@pytest.mark.parametrize(("actor_role", "target_role"), [
    (Role.MANAGER, Role.ADMIN), (Role.MANAGER, Role.MANAGER),
    (Role.REPRESENTATIVE, Role.REPRESENTATIVE), (Role.COORDINATOR, Role.REPRESENTATIVE)])
def test_nobody_signs_out_someone_they_do_not_outrank(hub, client, actor_role, target_role):
    actor = factories.staff(hub, actor_role)
    target = factories.staff(hub, target_role, with_password=True)
    token = _session_of(hub, target)
    answer = client.post(f"/api/v1/agents/{target.agent.id}/sessions/revoke",
                         headers=actor.headers)
    assert answer.status_code == 403
    assert _live(hub, token)


def test_signing_out_an_unknown_agent_is_a_404(hub, client):
    admin = factories.staff(hub, Role.ADMIN)
    answer = client.post("/api/v1/agents/999999/sessions/revoke", headers=admin.headers)
    assert answer.status_code == 404
