"""A message declaring more parts than the desk reads is refused on its bytes, before the
standard library's parser builds each of them (a 2 MB message of 200,000 empty parts took it
11 seconds and 90 MB, for the same refusal at the end)."""

from __future__ import annotations

from email.parser import BytesParser

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.intake import take
from hubdesk.channels.email.parsing import MAX_PARTS, StdlibMailParser, UnreadableMail
from hubdesk.channels.email.prescan import declared_parts_beyond
from hubdesk.domain.agents import Role
from hubdesk.domain.mail import Outcome
from tests import factories

HEAD = (b"From: Ann <ann@example.com>\r\nTo: support@desk.test\r\nSubject: Parts\r\n"
        b"Message-ID: <parts@example.com>\r\nMIME-Version: 1.0\r\n")


def _many_parts(count: int, *, declared: bool = True) -> bytes:
    kind = b"multipart/mixed; boundary=B" if declared else b"multipart/mixed"
    return (HEAD + b"Content-Type: " + kind + b"\r\n\r\n" +
            b"--B\r\nContent-Type: text/plain\r\n\r\np\r\n" * count + b"--B--\r\n")


@pytest.fixture
def parsed_by_the_standard_library(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the messages the standard library's parser was given (it still parses)."""
    given: list[int] = []
    parse = BytesParser.parsebytes

    def recorded(self: BytesParser, text: bytes, headersonly: bool = False) -> object:
        given.append(len(text))
        return parse(self, text, headersonly)

    monkeypatch.setattr(BytesParser, "parsebytes", recorded)
    return given


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "found in the body"])
def test_more_parts_than_are_read_are_refused_before_they_are_built(
        parsed_by_the_standard_library: list[int], declared: bool) -> None:
    raw = _many_parts(50_000, declared=declared)
    with pytest.raises(UnreadableMail, match=f"more than {MAX_PARTS} parts"):
        StdlibMailParser().parse(raw)
    # Declared: nothing was parsed; found in the body: only the message, not its parts.
    assert parsed_by_the_standard_library == ([] if declared else [len(raw)])


def test_a_message_with_as_many_parts_as_are_read_and_many_dashes_is_read() -> None:
    table = b"--- a row of the customer's table ---\r\n" * (3 * MAX_PARTS)
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\r\n\r\n" +
           b"--B\r\nContent-Type: text/plain\r\n\r\n" + table +
           b"--B\r\nContent-Type: text/plain\r\n\r\np\r\n" * (MAX_PARTS - 10) + b"--B--\r\n")
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text.startswith("--- a row of the customer's table ---")


def test_a_digest_of_many_messages_is_judged_by_its_dash_lines() -> None:
    """Past a few dozen boundaries each is not counted on its own; a digest of sixty
    messages, each with its own, and their signatures' dashes is still read."""
    messages = b"".join(
        b"--D\r\nContent-Type: multipart/alternative; boundary=M%d\r\n\r\n"
        b"--M%d\r\nContent-Type: text/plain\r\n\r\nhello\r\n-- \r\nAnn\r\n"
        b"--M%d\r\nContent-Type: text/html\r\n\r\n<p>hello</p>\r\n--M%d--\r\n" % ((n,) * 4)
        for n in range(60))
    raw = HEAD + b"Content-Type: multipart/digest; boundary=D\r\n\r\n" + messages + b"--D--\r\n"
    assert not declared_parts_beyond(raw, MAX_PARTS)
    assert "hello" in StdlibMailParser().parse(raw).text
    assert declared_parts_beyond(raw.replace(b"-- \r\nAnn", b"-- \r\nAnn" + b"\r\n--" * 40),
                                 MAX_PARTS)


def test_such_a_message_is_quarantined_with_the_reason(mail_hub: Hub) -> None:
    assert take(mail_hub.app, _many_parts(50_000), source="test") is Outcome.QUARANTINED
    coordinator = factories.staff(mail_hub, Role.COORDINATOR).agent
    [entry] = mail_hub.app.mail.quarantined(coordinator)
    assert entry.reason == \
        f"unreadable: UnreadableMail: the message has more than {MAX_PARTS} parts"
