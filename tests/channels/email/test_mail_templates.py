"""Per-team and desk-wide mail templates, set through the API and the console by managers,
used for the acknowledgement, the agent's reply and the solved notice that reach a real SMTP
server; what is not set falls back to the desk's words, then to the built-in ones."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.channels.email.sending import SmtpTransport
from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Status
from hubdesk.server import create_app
from tests import factories
from tests.channels.email import corpus
from tests.channels.email.conftest import BILLING
from tests.channels.email.sink import Sink
from tests.web.pages import post_form, sign_in


@pytest.fixture
def sink() -> Iterator[Sink]:
    with Sink() as running:
        yield running


def _billing_team(hub: Hub) -> int:
    with hub.uows(write=False) as uow:
        [team] = [t for t in uow.structure.teams() if t.name == "Billing"]
    assert team.id is not None
    return team.id


def _ticket_of(hub: Hub, message_id: str) -> int:
    with hub.uows(write=False) as uow:
        found = uow.mail.ticket_for_message_ids((message_id,))
    assert found is not None
    return found


def _sent(hub: Hub, sink: Sink) -> list:
    before = len(sink.messages)
    hub.app.relay_outbox()
    hub.app.mail.deliver_due(SmtpTransport("127.0.0.1", sink.port, timeout=10))
    return sink.messages[before:]


def _text(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def test_each_team_writes_in_its_own_words_and_the_rest_fall_back(mail_hub: Hub,
                                                                  sink: Sink) -> None:
    billing = _billing_team(mail_hub)
    manager = factories.staff(mail_hub, Role.MANAGER)
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        for kind, body in [
            ("acknowledgement", {"team_id": None, "subject": "We got it: {{ticket.subject}}",
                                 "body": "Dear {{customer.first_name}}, thanks for writing."}),
            ("acknowledgement", {"team_id": billing,
                                 "subject": "Billing <{{ ticket.number }}>",
                                 "body": "Hi {{ customer.name }} & co,\n\nBilling has "
                                         "ticket #{{ticket.number}}."}),
            ("reply", {"team_id": billing, "subject": "Billing answer",
                       "body": "Hi {{customer.first_name}},\n\n{{reply.body}}\n\n"
                               "{{ agent.first_name }}, Billing"})]:
            saved = client.put(f"/api/v1/mail/templates/{kind}", json=body,
                               headers=manager.headers)
            assert saved.status_code == 200, saved.text

    take(mail_hub.app, corpus.plain(to=BILLING, subject="Invoice <wrong>",
                                    message_id="<b1@example.com>"), source="test")
    take(mail_hub.app, corpus.plain(sender="bob@example.com", message_id="<s1@example.com>",
                                    subject="Printer"), source="test")
    billing_ticket = _ticket_of(mail_hub, "<b1@example.com>")
    support_ticket = _ticket_of(mail_hub, "<s1@example.com>")
    acks = {m["To"]: m for m in _sent(mail_hub, sink)}
    team_ack, desk_ack = acks["ann@example.com"], acks["bob@example.com"]
    assert team_ack["From"] == BILLING
    assert team_ack["Subject"] == f"Billing <{billing_ticket}> [#{billing_ticket}]"
    assert _text(team_ack).startswith(f"Hi Ann & co,\n\nBilling has ticket #{billing_ticket}.")
    assert _text(team_ack).rstrip().endswith("Reply to this message to add to it.")
    assert "Ann &amp; co" in team_ack.get_body(("html",)).get_content()
    assert desk_ack["Subject"] == f"We got it: Printer [#{support_ticket}]"
    assert _text(desk_ack).startswith("Dear Bob, thanks for writing.")

    agent = factories.staff(mail_hub, Role.ADMIN).agent
    mail_hub.app.tickets.reply(agent, billing_ticket, "Refunded <today>.")
    mail_hub.app.tickets.reply(agent, support_ticket, "Try turning it off.")
    replies = {m["To"]: m for m in _sent(mail_hub, sink)}
    first_name = agent.name.split()[0]
    assert replies["ann@example.com"]["Subject"] == f"Billing answer [#{billing_ticket}]"
    assert _text(replies["ann@example.com"]).startswith(
        f"Hi Ann,\n\nRefunded <today>.\n\n{first_name}, Billing\n\n")
    assert "Refunded &lt;today&gt;." in replies["ann@example.com"].get_body(
        ("html",)).get_content()
    # The desk set no reply of its own: the built-in one.
    assert replies["bob@example.com"]["Subject"] == f"Re: Printer [#{support_ticket}]"
    assert _text(replies["bob@example.com"]).startswith(f"Try turning it off.\n\n— {agent.name}")

    mail_hub.app.tickets.change_status(agent, billing_ticket, Status.SOLVED)
    [solved] = _sent(mail_hub, sink)
    assert "is marked as solved" in _text(solved)  # no solved notice set anywhere: built in


def test_the_api_names_what_it_refuses_and_replaces_and_resets_one_template(
        mail_hub: Hub) -> None:
    billing = _billing_team(mail_hub)
    manager = factories.staff(mail_hub, Role.MANAGER)
    url = "/api/v1/mail/templates/solved"
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        unknown = client.put(url, headers=manager.headers, json={
            "subject": "Solved", "body": "Bye {{ customer.email }}"})
        assert unknown.status_code == 422
        assert "unknown placeholder {{customer.email}}" in unknown.json()["detail"]
        no_reply_body = client.put(url, headers=manager.headers, json={
            "subject": "{{ reply.body }}", "body": "Bye"})
        assert no_reply_body.status_code == 422
        assert "{{reply.body}}" in no_reply_body.json()["detail"]
        no_team = client.put(url, headers=manager.headers, json={
            "team_id": 999_999, "subject": "Solved", "body": "Bye"})
        assert no_team.status_code == 422 and "team 999999" in no_team.json()["detail"]
        two_lines = client.put(url, headers=manager.headers, json={
            "subject": "Solved\nBcc: x@example.com", "body": "Bye"})
        assert two_lines.status_code == 422
        assert client.get("/api/v1/mail/templates", headers=manager.headers).json()[
            "templates"] == []

        for text in ("First words", "Second words"):
            assert client.put(url, headers=manager.headers, json={
                "team_id": billing, "subject": "Solved", "body": text}).status_code == 200
        listed = client.get("/api/v1/mail/templates", headers=manager.headers).json()
        assert listed["templates"] == [{"kind": "solved", "team_id": billing,
                                        "subject": "Solved", "body": "Second words",
                                        "html": None}]
        assert {t["kind"] for t in listed["built_in"]} == {"acknowledgement", "reply",
                                                           "solved"}
        assert client.delete(f"{url}?team_id={billing}",
                             headers=manager.headers).status_code == 204
        assert client.delete(f"{url}?team_id={billing}",
                             headers=manager.headers).status_code == 404
        assert client.get("/api/v1/mail/templates", headers=manager.headers).json()[
            "templates"] == []

        for role in (Role.COORDINATOR, Role.TEAM_LEAD, Role.REPRESENTATIVE):
            other = factories.staff(mail_hub, role)
            assert client.get("/api/v1/mail/templates",
                              headers=other.headers).status_code == 403
            refused = client.put(url, headers=other.headers, json={
                "subject": "Solved", "body": "Bye"})
            assert refused.status_code == 403
        assert client.get("/api/v1/mail/templates", headers=manager.headers).json()[
            "templates"] == []


def test_a_manager_sets_and_resets_a_teams_words_in_the_console(mail_hub: Hub) -> None:
    billing = _billing_team(mail_hub)
    manager = factories.staff(mail_hub, Role.MANAGER, with_password=True)
    coordinator = factories.staff(mail_hub, Role.COORDINATOR, with_password=True)
    page = f"/settings/mail?team={billing}"
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, manager.agent)
        shown = html.unescape(client.get(page).text)
        assert "in use: built in" in shown and "Hello Ann Example," in shown
        refused = post_form(client, "/settings/mail/acknowledgement", {
            "team_id": str(billing), "subject": "Hi", "body": "Hello {{ customer.age }}"},
            page=page)
        assert refused.status_code == 422
        assert 'id="mail-acknowledgement-body-error"' in refused.text
        assert "Hello {{ customer.age }}" in html.unescape(refused.text)  # kept as typed
        saved = post_form(client, "/settings/mail/acknowledgement", {
            "team_id": str(billing), "subject": "Billing got it",
            "body": "Hello {{ customer.first_name }}, billing here."}, page=page)
        assert saved.status_code == 200 and "saved" in saved.text
        assert "in use: set here" in saved.text and "Hello Ann, billing here." in saved.text
        assert "in use: built in" in client.get("/settings/mail").text  # the desk's: untouched
        reset = post_form(client, "/settings/mail/acknowledgement/reset",
                          {"team_id": str(billing)}, page=page)
        assert "fallback applies again" in reset.text and "in use: set here" not in reset.text
        assert client.get("/settings/mail?team=999999").status_code == 404
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, coordinator.agent)
        assert client.get("/settings/mail").status_code == 403
    with mail_hub.uows(write=False) as uow:
        assert uow.mail_templates.all() == []


UNSAFE_HTML = (
    '<p onclick="steal()" style="color:#036;position:fixed;background:url(https://t.test/p)">'
    'Hello <b>{{ customer.name }}</b>,</p><script>steal()</script>'
    '<img src="https://tracker.test/pixel.gif"><a href="javascript:steal()">click</a>'
    '<a href="https://help.example.com/faq">FAQ</a><form action="https://x.test">'
    '<input name="card"></form><iframe src="https://x.test"></iframe>')
SAFE_HTML = ('<p style="color:#036">Hello <b>{{ customer.name }}</b>,</p>'
             '<a rel="noopener noreferrer">click</a>'
             '<a href="https://help.example.com/faq" rel="noopener noreferrer">FAQ</a>')


def test_an_html_template_is_sanitised_when_saved_and_sent_as_the_html_part(
        mail_hub: Hub, sink: Sink) -> None:
    manager = factories.staff(mail_hub, Role.MANAGER)
    url = "/api/v1/mail/templates/acknowledgement"
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        inside_a_tag = client.put(url, headers=manager.headers, json={
            "subject": "Got it", "body": "Hello",
            "html": '<a href="https://x.test/?n={{ customer.name }}">x</a>'})
        assert inside_a_tag.status_code == 422
        assert "html: placeholders may stand in the text only" in inside_a_tag.json()["detail"]
        nothing_left = client.put(url, headers=manager.headers, json={
            "subject": "Got it", "body": "Hello", "html": "<script>steal()</script>"})
        assert nothing_left.status_code == 422 and "html:" in nothing_left.json()["detail"]
        saved = client.put(url, headers=manager.headers, json={
            "subject": "Got it", "body": "Hello {{ customer.name }}", "html": UNSAFE_HTML})
        assert saved.status_code == 200, saved.text
        assert saved.json()["html"] == SAFE_HTML
    with mail_hub.uows(write=False) as uow:
        [stored] = uow.mail_templates.all()
    assert stored.html == SAFE_HTML  # no raw HTML is ever stored

    take(mail_hub.app, corpus.plain(sender='"Bob <b>& Co</b>" <bob@example.com>',
                                    message_id="<h1@example.com>"), source="test")
    [ack] = _sent(mail_hub, sink)
    assert _text(ack).startswith("Hello Bob <b>& Co</b>\n\n")
    sent_html = ack.get_body(("html",)).get_content()
    assert '<p style="color:#036">Hello <b>Bob &lt;b&gt;&amp; Co&lt;/b&gt;</b>,</p>' in sent_html
    assert 'href="https://help.example.com/faq"' in sent_html
    for unsafe in ("script", "onclick", "javascript:", "<img", "tracker.test", "<form",
                   "<iframe", "position", "url("):
        assert unsafe not in sent_html


def test_the_console_saves_a_sanitised_html_body_and_shows_it_in_a_sandbox(
        mail_hub: Hub) -> None:
    manager = factories.staff(mail_hub, Role.MANAGER, with_password=True)
    page = "/settings/mail"
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, manager.agent)
        refused = post_form(client, "/settings/mail/solved", {
            "team_id": "", "subject": "Solved", "body": "Bye",
            "html": "<p title='{{ customer.name }}'>Bye</p>"}, page=page)
        assert refused.status_code == 422
        assert 'id="mail-solved-html-error"' in refused.text
        assert "<p title='{{ customer.name }}'>Bye</p>" in html.unescape(refused.text)
        saved = post_form(client, "/settings/mail/solved", {
            "team_id": "", "subject": "Solved", "body": "Bye",
            "html": '<p>Bye <b>{{ customer.first_name }}</b></p><img src="https://t.test/p">'
                    "<script>x()</script>"}, page=page)
        assert saved.status_code == 200 and "saved" in saved.text
        [frame] = [line for line in saved.text.splitlines()
                   if 'title="The HTML part of solved notice"' in line]
        assert 'class="mail-preview" sandbox=""' in frame
        assert 'src="/settings/mail/solved/document"' in frame
        shown = client.get("/settings/mail/solved/document")
        assert shown.status_code == 200
        assert shown.text.startswith("<!doctype html><html><body><p>Bye <b>Ann</b></p>")
        assert "<img" not in shown.text and "<script" not in shown.text
    with mail_hub.uows(write=False) as uow:
        [stored] = uow.mail_templates.all()
    assert stored.html == "<p>Bye <b>{{ customer.first_name }}</b></p>"


def test_the_api_previews_an_unsaved_template_on_the_teams_latest_ticket(
        mail_hub: Hub) -> None:
    billing = _billing_team(mail_hub)
    manager = factories.staff(mail_hub, Role.MANAGER)
    url = "/api/v1/mail/templates/preview"
    reply = {"kind": "reply", "team_id": billing, "subject": "About {{ ticket.subject }}",
             "body": "Hi {{ customer.first_name }},\n\n{{ reply.body }}\n\n{{ agent.name }}",
             "html": "<p>Hi <b>{{ customer.first_name }}</b>,</p><p>{{ reply.body }}</p>"
                     "<script>x()</script>"}
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        # No ticket in the team yet: the built-in sample values.
        sampled = client.post(url, headers=manager.headers, json=reply)
        assert sampled.status_code == 200, sampled.text
        assert sampled.json()["ticket_id"] is None
        assert sampled.json()["subject"] == "About Printer out of toner [#1234]"
        assert sampled.json()["text"].startswith(
            "Hi Ann,\n\nA new cartridge is on its way; it should arrive tomorrow.\n\n")

        take(mail_hub.app, corpus.plain(to=BILLING, subject="Invoice <twice>",
                                        sender='"Zoë <Z>" <zoe@example.com>',
                                        message_id="<p1@example.com>"), source="test")
        take(mail_hub.app, corpus.plain(subject="Not billing", message_id="<p2@example.com>"),
             source="test")
        ticket = _ticket_of(mail_hub, "<p1@example.com>")
        admin = factories.staff(mail_hub, Role.ADMIN).agent
        mail_hub.app.tickets.reply(admin, ticket, "Refunded <both>.")
        mail_hub.app.tickets.reply(admin, ticket, "internal only", public=False)

        previewed = client.post(url, headers=manager.headers, json=reply).json()
        assert previewed["ticket_id"] == ticket
        assert previewed["subject"] == f"About Invoice <twice> [#{ticket}]"
        assert previewed["text"].startswith(
            f"Hi Zoë,\n\nRefunded <both>.\n\n{admin.name}\n\nTicket #{ticket}.")
        assert "<p>Hi <b>Zoë</b>,</p><p>Refunded &lt;both&gt;.</p>" in previewed["html"]
        assert "script" not in previewed["html"]
        assert previewed["template"]["html"] == \
            "<p>Hi <b>{{ customer.first_name }}</b>,</p><p>{{ reply.body }}</p>"
        desk = client.post(url, headers=manager.headers,
                           json={**reply, "kind": "acknowledgement", "team_id": None,
                                 "subject": "{{ ticket.subject }}", "html": None,
                                 "body": "Dear {{ customer.name }}"}).json()
        assert desk["subject"].startswith("Not billing [#") and desk["ticket_id"] != ticket
        assert desk["text"].startswith("Dear Ann")

        for wrong, field in [({"html": '<a href="https://x.test/{{ ticket.id }}">x</a>'},
                              "html"),
                             ({"body": "{{ customer.email }}"}, "body"),
                             ({"subject": "{{ reply.body }}"}, "subject"),
                             ({"team_id": 999_999}, "team_id")]:
            refused = client.post(url, headers=manager.headers, json={**reply, **wrong})
            assert refused.status_code == 422, wrong
            assert [e["field"] for e in refused.json()["errors"]] == [field]
        coordinator = factories.staff(mail_hub, Role.COORDINATOR)
        assert client.post(url, headers=coordinator.headers, json=reply).status_code == 403
        for method in ("PUT", "DELETE"):  # "preview" is no kind of template
            wrong_method = client.request(method, url, headers=manager.headers, json=reply)
            assert wrong_method.status_code == 405
            assert wrong_method.headers["allow"] == "POST"
        unknown = client.put(url.replace("preview", "nonsense"), headers=manager.headers,
                             json=reply)
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "path.kind"
    with mail_hub.uows(write=False) as uow:
        assert uow.mail_templates.all() == []  # a preview stores nothing


def test_the_console_previews_the_typed_template_without_saving_it(mail_hub: Hub) -> None:
    manager = factories.staff(mail_hub, Role.MANAGER, with_password=True)
    page = "/settings/mail"
    typed = {"team_id": "", "subject": "Solved: {{ ticket.subject }}",
             "body": "Bye {{ customer.first_name }}",
             "html": '<p onclick="x()">Bye <i>{{ customer.first_name }}</i></p>'}
    with TestClient(create_app(mail_hub), raise_server_exceptions=False) as client:
        sign_in(client, manager.agent)
        shown = post_form(client, "/settings/mail/solved/preview", typed, page=page)
        assert shown.status_code == 200
        text = html.unescape(shown.text)
        assert "Preview, not saved" in text and "with example values" in text
        assert "Solved: Printer out of toner [#1234]" in text
        assert typed["html"] in text  # the form keeps what was typed
        [frame] = [line for line in shown.text.splitlines()
                   if 'title="The HTML part of solved notice"' in line]
        assert 'sandbox=""' in frame and 'name="mail-solved-frame"' in frame
        # The typed words go to the frame's own document, posted into the frame.
        [loader] = [line for line in shown.text.splitlines()
                    if 'action="/settings/mail/solved/preview/document"' in line]
        assert 'target="mail-solved-frame"' in loader
        document = post_form(client, "/settings/mail/solved/preview/document", typed,
                             page=page)
        assert document.status_code == 200
        assert "<p>Bye <i>Ann</i></p>" in document.text  # sanitised: no onclick
        assert "onclick" not in document.text

        take(mail_hub.app, corpus.plain(sender='"Bea Lu" <bea@example.com>',
                                        message_id="<c1@example.com>"), source="test")
        ticket = _ticket_of(mail_hub, "<c1@example.com>")
        filled = html.unescape(post_form(client, "/settings/mail/solved/preview", typed,
                                         page=page).text)
        assert f"filled from ticket #{ticket}" in filled and "Bye Bea" in filled

        refused = post_form(client, "/settings/mail/solved/preview",
                            {**typed, "html": "<p title='{{ customer.name }}'>x</p>"}, page=page)
        assert refused.status_code == 422
        assert 'id="mail-solved-html-error"' in refused.text
    with mail_hub.uows(write=False) as uow:
        assert uow.mail_templates.all() == []
