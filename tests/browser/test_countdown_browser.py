"""SLA countdowns in a real browser: a queue row's countdown changes colour at the instant the
server said it would, without a reload and without a request."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.services.tickets import NewTicket, open_ticket
from tests import factories
from tests.browser.test_console_workflows import browser, shot, signed_in

__all__ = ["browser"]

pytestmark = pytest.mark.browser

AHEAD = timedelta(seconds=6)


def _signed_in_with_ticket(server, browser, hub, opened_ago: timedelta, subject: str,
                           email: str):
    """An administrator's page, and a ticket opened ``opened_ago`` under a round-the-clock
    policy of two hours to first response and ten to resolution."""
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 120, "resolution": 600}}})
    page = signed_in(browser, server, admin)
    detail, _ = open_ticket(hub.uows, admin, NewTicket(
        subject=subject, body="Where is it?", requester_email=email),
        now=utcnow() - opened_ago)
    return page, detail.ticket.id


def test_a_countdown_turns_amber_when_half_its_time_is_used_without_a_reload(
        server, browser, sqlite_hub) -> None:
    import re

    from playwright.sync_api import expect

    # Opened just under an hour ago: half of its two-hour first response is used in a moment.
    page, ticket_id = _signed_in_with_ticket(server, browser, sqlite_hub,
                                             timedelta(hours=1) - AHEAD,
                                             "Parcel stuck in customs", "ines@example.com")
    page.goto(f"{server}/tickets?view=all")
    countdown = page.locator(f'tr:has(a[href="/tickets/{ticket_id}"]) [data-countdown]')
    expect(countdown).to_have_class(re.compile(r"\bdue-low\b"))
    expect(countdown).to_contain_text("1 h 0 min")
    page.evaluate("window.notReloaded = true")
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))

    expect(countdown).to_have_class(re.compile(r"\bdue-medium\b"), timeout=15000)
    expect(countdown).not_to_have_class(re.compile(r"\bdue-low\b"))
    expect(countdown).to_contain_text("59 min")  # the time left moved on with it
    shot(page, "countdown-medium")
    assert page.evaluate("window.notReloaded") is True
    assert [url for url in asked if not url.endswith("/events")] == []


def test_a_ticket_pages_clock_says_breached_when_its_deadline_passes_without_a_reload(
        server, browser, sqlite_hub) -> None:
    import re

    from playwright.sync_api import expect

    # Opened just under two hours ago: its two-hour first response breaches in a moment.
    page, ticket_id = _signed_in_with_ticket(server, browser, sqlite_hub,
                                             timedelta(hours=2) - AHEAD,
                                             "Refund not received", "noor@example.com")
    page.goto(f"{server}/tickets/{ticket_id}")
    first = page.locator("dd.sla-clock").first
    state = first.locator("[data-clock-state]")
    expect(state).to_have_text("running")
    expect(state).to_have_class(re.compile(r"\bprio-high\b"))
    page.evaluate("window.notReloaded = true")

    expect(state).to_have_text("breached", timeout=15000)
    expect(state).to_have_class(re.compile(r"\bprio-urgent\b"))
    expect(first.locator("[data-countdown]")).to_have_class(re.compile(r"\bdue-breached\b"))
    assert page.evaluate("window.notReloaded") is True


def test_a_ticket_pages_facts_keep_each_label_whole_beside_a_long_clock(
        server, browser, sqlite_hub) -> None:
    """The side panel's labels ("Status", "First response") beside a running clock's long
    line: each label keeps its words whole on a 1280-pixel screen, none split letter by
    letter to give the value room, and no value running out of the panel instead."""
    page, ticket_id = _signed_in_with_ticket(server, browser, sqlite_hub, timedelta(minutes=5),
                                             "Parcel stuck in customs", "ines@example.com")
    page.goto(f"{server}/tickets/{ticket_id}")
    split = page.evaluate("""() => [...document.querySelectorAll('dl.facts dt')].filter(dt => {
        // A label is whole when every one of its words sits on a line of its own width.
        const words = dt.textContent.trim().split(/\\s+/);
        const probe = document.createElement('span');
        probe.style.whiteSpace = 'nowrap';
        dt.appendChild(probe);
        const widest = Math.max(...words.map(word => {
            probe.textContent = word; return probe.getBoundingClientRect().width; }));
        probe.remove();
        return dt.getBoundingClientRect().width + 0.5 < widest;
    }).map(dt => dt.textContent.trim())""")
    overflowing = page.evaluate("""() => [...document.querySelectorAll('dl.facts dd')]
        .filter(dd => dd.scrollWidth > dd.clientWidth + 1).map(dd => dd.textContent.trim())""")
    shot(page, "ticket-facts")
    assert split == []
    assert overflowing == []  # and no value runs out of the panel instead
