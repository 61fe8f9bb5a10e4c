"""A macro's text is read before its author's right to write one is decided; a text of
spaces after "{{" is refused at once, not after the server process has been held for
minutes (its time once grew with the cube of the spaces)."""

from __future__ import annotations

import time

from hubdesk.domain.agents import Role
from tests import factories


def test_a_representatives_macro_of_spaces_is_refused_at_once(client, hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert client.get("/api/v1/macros", headers=rep.headers).status_code == 200  # warmed up
    started = time.perf_counter()
    refused = client.post("/api/v1/macros", headers=rep.headers,
                          json={"name": "Slow", "body": "{{" + " " * 1500 + "x"})
    assert refused.status_code == 403, refused.text
    assert time.perf_counter() - started < 2


def test_a_managers_macro_of_spaces_is_saved_at_once(client, hub):
    manager = factories.staff(hub, Role.MANAGER)
    assert client.get("/api/v1/macros", headers=manager.headers).status_code == 200
    started = time.perf_counter()
    created = client.post("/api/v1/macros", headers=manager.headers,
                          json={"name": "Spaces", "body": "{{" + " " * 9_000 + "x"})
    assert created.status_code == 201, created.text
    assert time.perf_counter() - started < 2
