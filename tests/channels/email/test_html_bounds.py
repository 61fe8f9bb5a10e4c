"""HTML a sender shaped to be slow is read at once: the text reader and the sanitiser only
ever meet well-formed documents nested a few hundred deep. Before, 20,000 unclosed "<a "
took the text reader half a minute (a megabyte of them, hours) and 100,000 nested <div> the
sanitiser 17 seconds; none of these tests would end in reasonable time."""

from __future__ import annotations

import pytest

from hubdesk.channels.email.htmltext import html_to_text
from hubdesk.channels.email.parsing import MAX_HTML_CHARACTERS, StdlibMailParser
from hubdesk.html import MAX_NESTING, nested_at_most, sanitise_html


@pytest.mark.parametrize("shape", ["<a ", '<a href="', "<a\n", "<!--", "<![CDATA[", "<b><i>"])
def test_unterminated_or_repeated_markup_of_a_megabyte_is_read_at_once(shape):
    html = "<p>Where is my order?</p>" + shape * (1_000_000 // len(shape))
    assert html_to_text(html).startswith("Where is my order?")
    assert "Where is my order?" in sanitise_html(html)


def test_nesting_deeper_than_any_mail_loses_its_extra_tags_and_keeps_its_words():
    deep = "<div>" * 100_000 + "Where is my order?" + "</div>" * 100_000
    assert html_to_text(deep) == "Where is my order?"
    cleaned = sanitise_html(deep)
    assert "Where is my order?" in cleaned and cleaned.count("<div>") == MAX_NESTING
    # What a real mail nests (tables in tables, lists in quotes) is left as it is.
    usual = "<table><tr><td><div><ul><li><p>a<li>b</ul></div></td></tr></table>" * 50
    assert nested_at_most(usual) is usual


def test_a_mail_of_such_html_is_filed_with_its_words():
    raw = (b"From: a@example.com\r\nSubject: x\r\nMessage-ID: <html-bounds@example.com>\r\n"
           b"Content-Type: text/html\r\n\r\n<p>Where is my order?</p>" + b"<a " * 300_000
           + b"\r\n")
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text.startswith("Where is my order?")


def test_html_longer_than_the_api_takes_is_cut_with_a_notice():
    # Two megabytes of "a&b " in one paragraph took the sanitiser half a minute (twice, for
    # the text and for the HTML kept), and the largest mail accepted would take hours.
    raw = (b"From: a@example.com\r\nSubject: x\r\nMessage-ID: <html-amps@example.com>\r\n"
           b"Content-Type: text/html\r\n\r\n<p>Where is my order?</p><p>" + b"a&b " * 500_000
           + b"</p>\r\n")
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text.startswith("Where is my order?")
    assert parsed.html is not None and parsed.html.startswith("<p>Where is my order?</p>")
    assert parsed.notices == (
        f"the formatted (HTML) version was cut at {MAX_HTML_CHARACTERS} characters",)
