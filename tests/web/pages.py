"""Helpers for driving the console like a browser would: forms, tokens, sign-in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from hubdesk.domain.agents import Agent, Role
from tests.factories import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    found = _TOKEN.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, agent: Agent, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": agent.email, "password": password,
                                           "csrf_token": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == landing_of(agent)


def landing_of(agent: Agent) -> str:
    """Where signing in without asking for a page leads each role."""
    if agent.role in (Role.COORDINATOR, Role.MANAGER, Role.ADMIN):
        return "/control"
    if agent.role is Role.LIAISON:
        return (f"/handoffs?department={next(iter(agent.department_ids))}"
                if len(agent.department_ids) == 1 else "/handoffs")
    return "/tickets"


def post_form(client: TestClient, path: str, data: dict[str, str], *, page: str = "/tickets",
              follow: bool = True):
    return client.post(path, data={**data, "csrf_token": csrf(client, page)},
                       follow_redirects=follow)
