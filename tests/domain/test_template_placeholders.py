"""Placeholders in replies, macros and mail templates: read with or without spaces inside the
braces, and found in time growing with the text's length, whatever spaces it holds. A run of
spaces after "{{" once took time growing with its cube (2,000 of them half a minute) while
the server process held still."""

from __future__ import annotations

import time

import pytest

from hubdesk.domain.errors import ValidationFailed
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
    started = time.perf_counter()
    assert check_template(text, "body", AGENT_PLACEHOLDERS)
    assert placeholders_in(text) == ()
    assert render(text, VALUES) == text
    assert time.perf_counter() - started < 0.5


def test_a_template_of_the_longest_length_of_spaces_is_read_at_once():
    text = "{{" + " " * 9_996 + "x"
    started = time.perf_counter()
    check_template(text, "body")
    render(text, VALUES)
    assert time.perf_counter() - started < 0.5
