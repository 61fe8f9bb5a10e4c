"""A macro's text, and a mail template's HTML, are read before their author's right to write
one is decided; spaces after "{{", or tags left open, are refused at once, not after the
server process has been held for minutes (their time once grew with the cube of the spaces
and the square of the open tags)."""

from __future__ import annotations

import time  # CPU time of this process (the app runs on its threads): unmoved by other processes

import pytest

from hubdesk.domain.agents import Role
from tests import factories

SPACES_MACRO = ("post", "/api/v1/macros")
HTML_TEMPLATE = ("put", "/api/v1/mail/templates/acknowledgement")


@pytest.mark.parametrize(("role", "target", "body", "status"), [
    (Role.REPRESENTATIVE, SPACES_MACRO, {"name": "Slow", "body": "{{" + " " * 1500 + "x"}, 403),
    (Role.MANAGER, SPACES_MACRO, {"name": "Spaces", "body": "{{" + " " * 9_000 + "x"}, 201),
    (Role.REPRESENTATIVE, HTML_TEMPLATE,
     {"subject": "Got it", "body": "Hello", "html": "<a " * 8_000}, 403),
], ids=["representatives-macro-refused", "managers-macro-saved",
        "representatives-html-template-refused"])
def test_a_text_that_once_held_the_server_is_answered_at_once(client, hub, role, target, body,
                                                              status):
    author = factories.staff(hub, role)
    assert client.get("/api/v1/macros", headers=author.headers).status_code == 200  # warmed up
    method, path = target
    started = time.process_time()
    answer = client.request(method.upper(), path, headers=author.headers, json=body)
    assert answer.status_code == status, answer.text
    assert time.process_time() - started < 2
