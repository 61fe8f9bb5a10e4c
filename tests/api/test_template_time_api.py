"""A macro's text, and a mail template's HTML, are read before their author's right to write
one is decided; spaces after "{{", or tags left open, are refused at once, not after the
server process has been held for minutes (their time once grew with the cube of the spaces
and the square of the open tags)."""

from __future__ import annotations

import time  # CPU time of this process (the app runs on its threads): unmoved by other processes

from hubdesk.domain.agents import Role
from tests import factories


def test_a_representatives_macro_of_spaces_is_refused_at_once(client, hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert client.get("/api/v1/macros", headers=rep.headers).status_code == 200  # warmed up
    started = time.process_time()
    refused = client.post("/api/v1/macros", headers=rep.headers,
                          json={"name": "Slow", "body": "{{" + " " * 1500 + "x"})
    assert refused.status_code == 403, refused.text
    assert time.process_time() - started < 2


def test_a_managers_macro_of_spaces_is_saved_at_once(client, hub):
    manager = factories.staff(hub, Role.MANAGER)
    assert client.get("/api/v1/macros", headers=manager.headers).status_code == 200
    started = time.process_time()
    created = client.post("/api/v1/macros", headers=manager.headers,
                          json={"name": "Spaces", "body": "{{" + " " * 9_000 + "x"})
    assert created.status_code == 201, created.text
    assert time.process_time() - started < 2


def test_a_representatives_html_template_of_open_tags_is_refused_at_once(client, hub):
    rep = factories.staff(hub, Role.REPRESENTATIVE)
    assert client.get("/api/v1/macros", headers=rep.headers).status_code == 200  # warmed up
    started = time.process_time()
    refused = client.put("/api/v1/mail/templates/acknowledgement", headers=rep.headers,
                         json={"subject": "Got it", "body": "Hello",
                               "html": "<a " * 8_000})
    assert refused.status_code == 403, refused.text
    assert time.process_time() - started < 2
