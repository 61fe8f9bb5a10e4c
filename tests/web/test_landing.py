"""Where each role lands after signing in and on `/`, on both databases, and the header
offering only what the role may use."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from tests import factories
from tests.web.pages import csrf


def _sign_in(client, agent, **extra: str):
    return client.post("/login", data={"email": agent.email, "password": factories.PASSWORD,
                                       "csrf_token": csrf(client), **extra},
                       follow_redirects=False)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MANAGER, Role.ADMIN])
def test_those_who_oversee_the_desk_land_on_the_control_room(hub, client, role):
    boss = factories.staff(hub, role, with_password=True).agent
    answer = _sign_in(client, boss)
    assert (answer.status_code, answer.headers["location"]) == (303, "/control")
    assert client.get("/", follow_redirects=False).headers["location"] == "/control"
    assert client.get("/login", follow_redirects=False).headers["location"] == "/control"
    room = client.get("/")
    assert room.status_code == 200 and "Control room" in room.text


def test_a_liaison_lands_on_their_departments_handoff_queue(hub, client):
    billing = factories.department(hub, "Billing")
    liaison = factories.staff(hub, Role.LIAISON, departments=(billing,),
                              with_password=True).agent
    answer = _sign_in(client, liaison)
    assert answer.headers["location"] == f"/handoffs?department={billing.id}"
    queue = client.get("/")
    assert queue.status_code == 200 and str(queue.url).endswith(f"department={billing.id}")
    assert 'href="/tickets/new"' not in queue.text  # refused to liaisons, so not offered
    assert 'href="/handoffs"' in queue.text
    refused = client.get("/tickets/new")
    assert refused.status_code == 403
    assert "Department liaisons cannot open tickets." in refused.text


def test_a_liaison_of_several_departments_lands_on_all_their_handoffs(hub, client):
    departments = (factories.department(hub, "Billing"), factories.department(hub, "Legal"))
    liaison = factories.staff(hub, Role.LIAISON, departments=departments,
                              with_password=True).agent
    assert _sign_in(client, liaison).headers["location"] == "/handoffs"


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.TEAM_LEAD])
def test_a_representative_lands_on_their_own_queue(hub, client, role):
    rep = factories.staff(hub, role, with_password=True).agent
    assert _sign_in(client, rep).headers["location"] == "/tickets"
    assert client.get("/", follow_redirects=False).headers["location"] == "/tickets"
    mine = client.get("/")
    assert ' aria-current="page">Mine</a>' in mine.text
    assert 'href="/tickets/new">New ticket</a>' in mine.text
    assert ('href="/control"' in mine.text) is (role is Role.TEAM_LEAD)


def test_a_page_asked_for_still_wins_over_the_landing_page(hub, client):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    answer = _sign_in(client, coordinator, next="/tickets?view=unassigned")
    assert answer.headers["location"] == "/tickets?view=unassigned"
    client.cookies.clear()
    answer = _sign_in(client, coordinator, next="//evil.example/")
    assert answer.headers["location"] == "/control"


def test_the_sign_in_page_carries_only_a_page_asked_for(hub, client):
    assert 'name="next" value=""' in client.get("/login").text
    assert 'name="next" value="/handoffs"' in client.get("/login?next=/handoffs").text
