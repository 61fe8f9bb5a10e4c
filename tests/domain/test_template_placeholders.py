"""Placeholders in replies, macros and mail templates: read with or without spaces inside the
braces, refused inside an HTML body's tags, and found in time growing with the text's length,
whatever it holds. A run of spaces after "{{" once took time growing with its cube (2,000 of
them half a minute) while the server process held still, and tags left open in an HTML body
time growing with its square."""

from __future__ import annotations

import time  # CPU time of this thread: bounds that hold on a machine busy with other work

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.mail_templates import MailKind, MailTemplate
from hubdesk.domain.rules.templates import (
    AGENT_PLACEHOLDERS,
    check_template,
    placeholders_in,
    render,
)

VALUES = {"customer.name": "Ann Example", "ticket.number": 12}


@pytest.mark.parametrize("written", ["{{customer.name}}", "{{ customer.name }}",
                                     "{{\tcustomer.name \n}}", "{{\u3000customer.name\u00a0}}"])
def test_a_placeholder_is_read_whatever_spaces_stand_inside_its_braces(written):
    assert placeholders_in(f"Hello {written}!") == ("customer.name",)
    assert render(f"Hello {written}!", VALUES) == "Hello Ann Example!"
    assert check_template(f"Hello {written}!", "body") == f"Hello {written}!"


def test_braces_around_braces_and_unknown_names_read_as_before():
    assert placeholders_in("{{{ ticket.number }}} and {{ }}") == ("ticket.number", "")
    assert render("#{{{ticket.number}}}", VALUES) == "#{12}"
    assert render("{{ nobody }}|{{ customer.name }}", VALUES) == "|Ann Example"
    with pytest.raises(ValidationFailed, match="unknown placeholder"):
        check_template("Hi {{ customer.email }}", "body")


@pytest.mark.parametrize("text", ["{{" + " " * 1500 + "x", "{{" + "\n" * 1500 + "}",
                                  "{{ a" + " " * 1500 + "b"])
def test_a_long_run_of_spaces_after_braces_is_read_at_once(text):
    started = time.thread_time()
    assert check_template(text, "body", AGENT_PLACEHOLDERS)
    assert placeholders_in(text) == ()
    assert render(text, VALUES) == text
    assert time.thread_time() - started < 0.5


def test_a_template_of_the_longest_length_of_spaces_is_read_at_once():
    text = "{{" + " " * 9_996 + "x"
    started = time.thread_time()
    check_template(text, "body")
    render(text, VALUES)
    assert time.thread_time() - started < 0.5


@pytest.mark.parametrize(("html", "in_a_tag"), [
    ('<p align="left">{{ customer.name }}</p>', False),
    ("<p>a < b, {{ customer.name }} > c</p><!-- {{ customer.name }} -->", False),
    ('<a href="https://x.test/" title="a>b {{ customer.name }}">x</a>', True),
    ("<a title='{{ customer.name }}'>x</a>", True),
    ("<p {{customer.name}}>x</p>", True),
    ("<p>Hi</p><a href=\"https://x.test/{{ ticket.id }}", True),  # left open: a tag still
])
def test_a_placeholder_inside_a_tag_is_found_quoted_or_not(html, in_a_tag):
    if in_a_tag:
        with pytest.raises(ValidationFailed, match="not inside a tag"):
            MailTemplate(MailKind.SOLVED, "Solved", "Solved", html=html)
    else:
        assert MailTemplate(MailKind.SOLVED, "Solved", "Solved", html=html).html == html


def test_an_html_body_of_tags_left_open_is_read_at_once():
    html = "<a " * 4_000 + "{{ customer.name }}"
    started = time.thread_time()
    with pytest.raises(ValidationFailed, match="not inside a tag"):
        MailTemplate(MailKind.SOLVED, "Solved", "Solved", html=html)
    longest = "<a " * 16_000 + "<p>{{ customer.name }}</p>"  # the ">" ends that one tag
    assert MailTemplate(MailKind.SOLVED, "Solved", "Solved", html=longest).html == longest
    assert time.thread_time() - started < 0.5
