"""Two agents reply to one ticket at once, in two browsers: the one whose page is older is
told live that the ticket changed, and a reply sent from that page is held with a warning
and the draft kept, until the agent has the newest messages in front of them."""

from __future__ import annotations

import re

from hubdesk.domain.agents import Role
from tests import factories
from tests.browser.test_console_workflows import browser, desk, shot, signed_in

__all__ = ["browser", "desk"]


def test_a_reply_written_meanwhile_is_announced_and_holds_the_older_pages_reply(
        desk, server, browser, sqlite_hub, monkeypatch) -> None:
    from playwright.sync_api import expect

    from hubdesk.web import live

    monkeypatch.setattr(live, "ANNOUNCE_SECONDS", 1.0)
    ben = desk["lead"].agent
    ana = factories.staff(sqlite_hub, Role.REPRESENTATIVE, teams=(desk["shipping"],),
                          with_password=True).agent
    ticket_id = desk["ids"][0]
    path = f"/tickets/{ticket_id}"
    older = signed_in(browser, server, ana, path=path)
    newer = signed_in(browser, server, ben, path=path)
    # Each page's stream is open once it hears the other agent is there.
    expect(older.locator("#viewers")).to_contain_text(ben.name, timeout=8000)
    expect(newer.locator("#viewers")).to_contain_text(ana.name, timeout=8000)

    newer.locator("#body").fill("A replacement parcel goes out today.")
    newer.get_by_role("button", name="Send", exact=True).click()
    expect(newer.locator("ol.conversation li.msg")).to_have_count(2)
    expect(older.locator("#live-news")).to_have_text("", timeout=1000)  # not relayed yet
    sqlite_hub.app.relay_outbox()  # what the embedded worker does after every commit
    news = older.locator("#live-news")
    expect(news).to_contain_text("This ticket has changed since you opened it.", timeout=8000)
    expect(news.get_by_role("link", name="Reload")).to_have_attribute(
        "href", re.compile(rf"{path}$"))
    expect(older.locator("ol.conversation li.msg")).to_have_count(1)  # nothing replaced

    draft = "We have refunded your order in full."
    older.locator("#body").fill(draft)
    with older.expect_response(lambda answer: answer.url.endswith(f"{path}/reply")) as sent:
        older.get_by_role("button", name="Send", exact=True).click()
    assert sent.value.status == 409
    expect(older.get_by_role("alert")).to_contain_text(
        f"{ben.name} wrote on this ticket since you opened it: read it, then send again")
    expect(older.locator("#body")).to_have_value(draft)
    conversation = older.locator("ol.conversation li.msg")
    expect(conversation).to_have_count(2)  # the colleague's reply, to read before sending
    expect(conversation.last).to_contain_text("A replacement parcel goes out today.")
    shot(older, "ticket-reply-held")
    assert [m.body for m in sqlite_hub.app.tickets.get(ana, ticket_id).messages
            if m.author.kind.value == "agent" and m.author.id == ana.id] == []

    # Having read it, the agent sends what they wrote, as it stands.
    older.get_by_role("button", name="Send", exact=True).click()
    expect(older.get_by_role("alert")).to_have_count(0)
    expect(conversation).to_have_count(3)
    expect(conversation.last).to_contain_text(draft)
    expect(older.locator("#body")).to_have_value("")
    assert [m.body for m in sqlite_hub.app.tickets.get(ana, ticket_id).messages
            if m.author.kind.value == "agent" and m.author.id == ana.id] == [draft]
