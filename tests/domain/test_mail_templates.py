"""The words of the mail sent to customers: templates filled by substitution only, refused
when they name what the desk does not know, HTML made from the text, the team's own words
before the desk's before the built-in ones."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import PermissionDenied, ValidationFailed
from hubdesk.domain.mail_templates import (
    BUILT_IN,
    MailKind,
    MailTemplate,
    check_may_manage,
    chosen,
    compose,
    parts_left_out,
)
from hubdesk.domain.rules.templates import ticket_values


def _values(**more: object) -> dict[str, object]:
    return {**ticket_values(7, "Re: Printer on fire", "open", "high", "Ann Lee", "Sam Ray"),
            "reply.body": None, **more}


def test_the_built_in_words_are_those_customers_got_before_templates() -> None:
    ack = compose(BUILT_IN[MailKind.ACKNOWLEDGEMENT], 7, _values(), ("a.pdf was too large",))
    assert ack.subject == "Re: Printer on fire [#7]"
    assert ack.text == (
        "Hello Ann Lee,\n\nwe have received your message \"Re: Printer on fire\" and opened "
        "ticket #7. We will answer as soon as we can.\n\nPlease note: a.pdf was too large."
        "\n\nTicket #7. Reply to this message to add to it.\n")
    reply = compose(BUILT_IN[MailKind.REPLY], 7, _values(**{"reply.body": "Unplug it."}))
    assert reply.text.startswith("Unplug it.\n\n— Sam Ray\n\nTicket #7.")


def test_a_signature_no_agent_signed_is_left_out_but_text_around_empty_values_stays() -> None:
    unsigned = compose(BUILT_IN[MailKind.REPLY], 7,
                       _values(**{"reply.body": "?", "agent.name": None}))
    assert unsigned.text == "?\n\nTicket #7. Reply to this message to add to it.\n"
    template = MailTemplate(MailKind.SOLVED, "Done", "Dear {{customer.first_name}} and team")
    kept = compose(template, 7, _values(**{"customer.first_name": None}))
    assert kept.text.startswith("Dear  and team\n\n")


def test_a_reply_frame_without_a_place_for_the_words_puts_them_first() -> None:
    signature = MailTemplate(MailKind.REPLY, "{{ ticket.subject }} (Acme)",
                             "Kind regards,\n{{ agent.first_name }} at Acme")
    mail = compose(signature, 7, _values(**{"reply.body": "It is fixed."}))
    assert mail.subject == "Printer on fire (Acme) [#7]"
    assert mail.text.startswith("It is fixed.\n\nKind regards,\nSam at Acme\n\n")
    framed = MailTemplate(MailKind.REPLY, "x", "Hi {{customer.first_name}},\n\n"
                                              "{{reply.body}}\n\nAcme")
    assert compose(framed, 7, _values(**{"reply.body": "Done."})).text.startswith(
        "Hi Ann,\n\nDone.\n\nAcme\n\n")


@pytest.mark.parametrize(("kind", "subject", "body", "named"), [
    (MailKind.ACKNOWLEDGEMENT, "Hi", "Hello {{ customer.email }}", "customer.email"),
    (MailKind.ACKNOWLEDGEMENT, "Hi", "{{ reply.body }}", "reply.body"),
    (MailKind.SOLVED, "{{ agent.name }}", "Solved", "agent.name"),
    (MailKind.REPLY, "{{ reply.body }}", "x", "reply.body"),
    (MailKind.REPLY, "Hi", "{{ __import__('os').system('id') }}",
     "__import__('os').system('id')"),
])
def test_an_unknown_placeholder_is_refused_by_name(kind: MailKind, subject: str, body: str,
                                                   named: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        MailTemplate(kind, subject, body)
    assert f"unknown placeholder {{{{{named}}}}}" in str(refused.value)
    assert set(refused.value.fields) == {"subject" if named in subject else "body"}


@pytest.mark.parametrize("subject", ["", "   ", "Two\nlines", "x" * 201])
def test_a_subject_is_one_line_of_text(subject: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        MailTemplate(MailKind.SOLVED, subject, "Solved")
    assert set(refused.value.fields) == {"subject"}


def test_templates_are_substituted_never_evaluated_and_html_is_escaped() -> None:
    template = MailTemplate(
        MailKind.ACKNOWLEDGEMENT, "{% raw %}{{ ticket.number }}",
        "{% for x in range(3) %}{{ ticket.subject }}{% endfor %} <b>{{customer.name}}</b>")
    mail = compose(template, 7, _values(**{
        "ticket.subject": "<script>alert(1)</script>", "customer.name": "{{ agent.name }}"}))
    # Jinja's syntax is text; a value that looks like a placeholder is not filled again.
    assert mail.text.startswith("{% for x in range(3) %}<script>alert(1)</script>"
                                "{% endfor %} <b>{{ agent.name }}</b>")
    assert mail.subject == "{% raw %}7 [#7]"
    assert "<script>" not in mail.html and "<b>" not in mail.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "&lt;b&gt;{{ agent.name }}&lt;/b&gt;" in mail.html


def test_values_cannot_break_the_subject_onto_a_second_line() -> None:
    template = MailTemplate(MailKind.SOLVED, "Solved for {{ customer.name }}", "Solved")
    mail = compose(template, 7, _values(**{"customer.name": "Ann\r\nBcc: all@example.com"}))
    assert mail.subject == "Solved for Ann Bcc: all@example.com [#7]"


def test_a_subject_keeps_the_token_it_already_carries_once() -> None:
    template = MailTemplate(MailKind.SOLVED, "[#{{ ticket.number }}] solved", "Solved")
    assert compose(template, 7, _values()).subject == "[#7] solved"


def test_the_teams_own_words_come_before_the_desks_before_the_built_in_ones() -> None:
    desk = MailTemplate(MailKind.SOLVED, "Desk", "Desk text")
    billing = MailTemplate(MailKind.SOLVED, "Billing", "Billing text", team_id=3)
    stored = {(None, MailKind.SOLVED): desk, (3, MailKind.SOLVED): billing}
    assert chosen(MailKind.SOLVED, stored, 3) is billing
    assert chosen(MailKind.SOLVED, stored, 4) is desk
    assert chosen(MailKind.SOLVED, stored, None) is desk
    assert chosen(MailKind.REPLY, stored, 3) is BUILT_IN[MailKind.REPLY]
    assert chosen(MailKind.SOLVED, {(3, MailKind.SOLVED): billing}, None) \
        is BUILT_IN[MailKind.SOLVED]


def test_managers_and_administrators_set_the_templates() -> None:
    for role in (Role.ADMIN, Role.MANAGER):
        check_may_manage(Agent(id=1, email="a@x.test", name="A", role=role))
    for role in (Role.COORDINATOR, Role.TEAM_LEAD, Role.REPRESENTATIVE):
        with pytest.raises(PermissionDenied):
            check_may_manage(Agent(id=1, email="a@x.test", name="A", role=role))
    with pytest.raises(PermissionDenied):
        check_may_manage(Agent(id=1, email="a@x.test", name="A", role=Role.ADMIN,
                               active=False))


def test_the_notice_of_parts_left_out_keeps_its_words() -> None:
    mail = parts_left_out(7, "Re: Printer", "Ann", ("big.zip was too large",))
    assert mail.subject == "Re: Printer [#7]"
    assert "not all of it could be kept: big.zip was too large." in mail.text


def test_an_html_body_is_the_html_part_filled_with_escaped_values() -> None:
    template = MailTemplate(
        MailKind.ACKNOWLEDGEMENT, "Got it", "Hello {{ customer.name }}",
        html='<p style="color:#036">Hello <b>{{ customer.name }}</b>,</p>'
             '<p><a href="https://help.example.com">Help centre</a></p>')
    mail = compose(template, 7, _values(**{"customer.name": "Ann <script>x</script> & co"}),
                   ("a.pdf was too large",))
    assert mail.text.startswith("Hello Ann <script>x</script> & co\n\n")  # text: as before
    assert mail.html == (
        '<!doctype html><html><body><p style="color:#036">Hello '
        "<b>Ann &lt;script&gt;x&lt;/script&gt; &amp; co</b>,</p>"
        '<p><a href="https://help.example.com">Help centre</a></p>'
        "<p>Please note: a.pdf was too large.</p>"
        '<p style="color:#666;font-size:small">Ticket #7. Reply to this message to add to it.'
        "</p></body></html>")


def test_a_replys_html_frames_the_agents_words_or_puts_them_first() -> None:
    words = {"reply.body": "Unplug it.\nThen <wait>."}
    framed = MailTemplate(MailKind.REPLY, "x", "{{ reply.body }}",
                          html="<p>Hi,</p><blockquote>{{ reply.body }}</blockquote>")
    assert "<p>Hi,</p><blockquote>Unplug it.<br>Then &lt;wait&gt;.</blockquote>" in compose(
        framed, 7, _values(**words)).html
    signature = MailTemplate(MailKind.REPLY, "x", "Acme", html="<p><i>{{ agent.name }}</i></p>")
    assert "<body><div>Unplug it.<br>Then &lt;wait&gt;.</div>\n<p><i>Sam Ray</i></p>" in \
        compose(signature, 7, _values(**words)).html


@pytest.mark.parametrize(("html", "says"), [
    ("<p>{{ customer.email }}</p>", "unknown placeholder {{customer.email}}"),
    ('<a href="https://x.test/{{ ticket.id }}">x</a>', "not inside a tag"),
    ('<p title="{{customer.name}}">x</p>', "not inside a tag"),
    ("<p {{customer.name}}>x</p>", "not inside a tag"),
    ("x" * 50_001, "at most 50000"),
])
def test_an_html_body_names_known_placeholders_in_its_text_only(html: str, says: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        MailTemplate(MailKind.SOLVED, "Solved", "Solved", html=html)
    assert says in str(refused.value)
    assert set(refused.value.fields) == {"html"}


def test_a_blank_html_body_means_the_html_part_is_made_from_the_text() -> None:
    template = MailTemplate(MailKind.SOLVED, "Solved", "Bye {{ customer.name }}", html="  \n")
    assert template.html is None
    assert "<p>Bye Ann Lee</p>" in compose(template, 7, _values()).html
