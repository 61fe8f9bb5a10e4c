"""Helpers for driving the console like a browser would: forms, tokens, sign-in."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from hubdesk.domain.agents import Agent
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
    assert response.headers["location"] == "/tickets"


def post_form(client: TestClient, path: str, data: dict[str, str], *, page: str = "/tickets",
              follow: bool = True):
    return client.post(path, data={**data, "csrf_token": csrf(client, page)},
                       follow_redirects=follow)
