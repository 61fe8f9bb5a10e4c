"""The mail template preview's HTML part, served as its own document: inline styles show as in
the mail sent, nothing runs, only the console may frame it, and every other page keeps the
console's strict policy."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.web.render import SECURITY_HEADERS
from tests import factories
from tests.web.pages import post_form, sign_in

PAGE = "/settings/mail"
TYPED = {"team_id": "", "subject": "Solved", "body": "Bye {{ customer.first_name }}",
         "html": '<p style="color: #0a7d32; position: fixed">Bye <b>{{ customer.first_name }}'
                 '</b></p><a href="javascript:parent.x()">x</a><img src=x onerror="x()">'
                 '<p onclick="x()">Thanks</p><script>x()</script><style>p{color:red}</style>'}


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def manager(hub, client):
    staff = factories.staff(hub, Role.MANAGER, with_password=True).agent
    sign_in(client, staff)
    return staff


def test_the_previewed_html_part_shows_inline_styles_and_runs_nothing(hub, client, manager):
    shown = post_form(client, "/settings/mail/solved/preview/document", TYPED, page=PAGE)

    assert shown.status_code == 200
    assert shown.headers["content-type"].startswith("text/html")
    policy = _policy(shown.headers["content-security-policy"])
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["default-src"] == ["'none'"] and "script-src" not in policy  # no scripts
    assert policy["img-src"] == ["data:"] and policy["form-action"] == ["'none'"]
    assert policy["sandbox"] == []  # no allow-scripts, no allow-same-origin
    assert policy["frame-ancestors"] == ["'self'"]
    assert shown.headers["x-frame-options"] == "SAMEORIGIN"
    assert shown.headers["x-content-type-options"] == "nosniff"
    # The sanitiser kept the allowed style and dropped everything that runs or loads.
    body = shown.text
    assert '<p style="color:#0a7d32">Bye <b>Ann</b></p>' in body
    assert "position" not in body
    for gone in ("<script", "onclick", "onerror", "javascript:", "<img", "<style", "x()"):
        assert gone not in body, gone
    assert hub.app.mail_templates.screen(manager).stored == []  # nothing saved


def test_the_stored_template_in_use_is_shown_for_the_desk_or_a_team(hub, client, manager):
    team = factories.team(hub, "Billing")
    saved = post_form(client, "/settings/mail/solved", {
        **TYPED, "team_id": str(team.id),
        "html": '<p style="font-style: italic">Billing says bye</p>'}, page=PAGE)
    assert saved.status_code == 200

    own = client.get(f"/settings/mail/solved/document?team={team.id}")
    assert own.status_code == 200
    assert '<p style="font-style:italic">Billing says bye</p>' in own.text
    assert _policy(own.headers["content-security-policy"])["style-src"] == ["'unsafe-inline'"]
    desk = client.get("/settings/mail/solved/document")
    assert desk.status_code == 200 and "Billing says bye" not in desk.text
    page = client.get(f"/settings/mail?team={team.id}").text
    assert f'src="/settings/mail/solved/document?team={team.id}"' in page


def test_a_refused_template_says_why_in_the_frame(client, manager):
    refused = post_form(client, "/settings/mail/solved/preview/document",
                        {**TYPED, "html": "<p title='{{ customer.name }}'>x</p><b>"},
                        page=PAGE)
    assert refused.status_code == 422
    assert "html:" in refused.text and "<p title=" not in refused.text  # escaped
    assert _policy(refused.headers["content-security-policy"])["default-src"] == ["'none'"]


def test_only_managers_see_the_preview_documents_and_a_post_needs_its_token(hub, client):
    rep = factories.staff(hub, with_password=True).agent
    sign_in(client, rep)
    assert client.get("/settings/mail/solved/document").status_code == 403
    denied = post_form(client, "/settings/mail/solved/preview/document", TYPED)
    assert denied.status_code == 403 and "Bye" not in denied.text
    forged = client.post("/settings/mail/solved/preview/document", data=TYPED)
    assert forged.status_code == 403


@pytest.mark.parametrize("path", ["/login", "/tickets", PAGE])
def test_every_other_console_page_keeps_the_strict_policy(client, manager, path):
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == \
        SECURITY_HEADERS["Content-Security-Policy"]
    policy = _policy(page.headers["content-security-policy"])
    assert policy["style-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert page.headers["x-frame-options"] == "DENY"
