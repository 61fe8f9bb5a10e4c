"""Signing in and out of the console, sessions and CSRF protection."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.config import Settings
from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import AgentInput, update_agent
from hubdesk.services.tickets import get_ticket
from tests import factories
from tests.web.pages import csrf, post_form, sign_in


def test_root_leads_to_the_ticket_list_and_that_to_sign_in(client):
    response = client.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/tickets")
    response = client.get("/tickets?view=team", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Ftickets%3Fview%3Dteam"


def test_sign_in_sets_a_signed_httponly_lax_cookie_and_opens_the_queue(hub, client):
    rep = factories.staff(hub, with_password=True)
    response = client.post("/login", data={"email": rep.agent.email.upper(),
                                           "password": factories.PASSWORD,
                                           "csrf_token": csrf(client)},
                           follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/tickets")
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("hubdesk_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    page = client.get("/tickets")
    assert page.status_code == 200
    assert rep.agent.name in page.text and "Sign out" in page.text


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(hub, client):
    rep = factories.staff(hub, with_password=True)
    response = client.post("/login", data={"email": rep.agent.email, "password": "not it!!",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 400
    assert "do not match an active account" in response.text
    unknown = client.post("/login", data={"email": "nobody@example.com",
                                          "password": factories.PASSWORD,
                                          "csrf_token": csrf(client)})
    assert unknown.status_code == 400
    assert "do not match an active account" in unknown.text
    assert client.get("/tickets", follow_redirects=False).status_code == 303


def test_sign_in_returns_to_the_page_asked_for_but_never_to_another_site(hub, client):
    rep = factories.staff(hub, with_password=True)
    data = {"email": rep.agent.email, "password": factories.PASSWORD}
    response = client.post("/login", data={**data, "next": "/tickets?view=all",
                                           "csrf_token": csrf(client)}, follow_redirects=False)
    assert response.headers["location"] == "/tickets?view=all"
    client.cookies.clear()
    response = client.post("/login", data={**data, "next": "//evil.example/",
                                           "csrf_token": csrf(client)}, follow_redirects=False)
    assert response.headers["location"] == "/tickets"


def test_sign_out_ends_the_session(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    assert "Sign out" in client.get("/logout").text
    response = post_form(client, "/logout", {}, follow=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert "You are signed out." in client.get("/login").text
    assert client.get("/tickets", follow_redirects=False).status_code == 303
    assert client.get("/logout", follow_redirects=False).headers["location"] == "/login"


def test_a_deactivated_agent_is_signed_out_on_the_next_request(hub, client):
    rep = factories.staff(hub, with_password=True)
    sign_in(client, rep.agent)
    assert rep.agent.id is not None
    update_agent(hub.uows, LOCAL_OPERATOR, rep.agent.id,
                 AgentInput(fields_set=frozenset({"active"}), active=False))
    response = client.get("/tickets", follow_redirects=False)
    assert response.headers["location"].startswith("/login")


def test_sign_in_without_a_csrf_token_is_refused(hub, client):
    rep = factories.staff(hub, with_password=True)
    client.get("/login")
    response = client.post("/login", data={"email": rep.agent.email,
                                           "password": factories.PASSWORD})
    assert response.status_code == 403
    assert "nothing was changed" in response.text
    assert "Traceback" not in response.text


def _signed_in_with_ticket(hub: Hub, client: TestClient):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,), with_password=True)
    detail = factories.ticket(hub, rep.agent, team_id=team.id)
    sign_in(client, rep.agent)
    return rep, detail.ticket.id


def test_a_post_without_a_csrf_token_changes_nothing(hub, client):
    rep, ticket_id = _signed_in_with_ticket(hub, client)
    response = client.post(f"/tickets/{ticket_id}/reply", data={"body": "Sneaky"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert len(get_ticket(hub.uows, rep.agent, ticket_id).messages) == 1


def test_a_post_with_a_wrong_csrf_token_changes_nothing(hub, client):
    rep, ticket_id = _signed_in_with_ticket(hub, client)
    response = client.post(f"/tickets/{ticket_id}/update",
                           data={"status": "pending", "was_status": "new",
                                 "csrf_token": "forged-" + csrf(client)})
    assert response.status_code == 403
    assert get_ticket(hub.uows, rep.agent, ticket_id).ticket.status.value == "new"


def test_the_csrf_token_changes_at_sign_in(hub, client):
    rep = factories.staff(hub, with_password=True)
    before = csrf(client)
    sign_in(client, rep.agent)
    assert csrf(client, "/tickets") != before


def test_production_cookies_are_secure(hub):
    settings = Settings(environment="production", secret_key="s" * 40,
                        data_dir=hub.settings.data_dir, database_url=hub.settings.database_url,
                        embedded_worker=False)
    secure_hub = dataclasses.replace(hub, settings=settings)
    rep = factories.staff(hub, role=Role.ADMIN, with_password=True)
    with TestClient(create_app(secure_hub), base_url="https://testserver") as client:
        response = client.post("/login", data={"email": rep.agent.email,
                                               "password": factories.PASSWORD,
                                               "csrf_token": csrf(client)},
                               follow_redirects=False)
    assert response.status_code == 303
    assert "secure" in response.headers["set-cookie"].lower()
