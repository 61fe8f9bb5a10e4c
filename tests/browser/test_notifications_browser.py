"""The header's notification badge in a real browser: it appears, without a reload, when a
notification is made for the signed-in agent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.browser.test_console_workflows import browser, desk, shot, signed_in

__all__ = ["browser", "desk"]

pytestmark = pytest.mark.browser


def test_the_badge_appears_live_when_the_agent_is_notified(desk, server, browser,
                                                           sqlite_hub) -> None:
    from playwright.sync_api import expect

    lead, ticket_id = desk["lead"].agent, desk["ids"][0]
    page = signed_in(browser, server, lead, path=f"/tickets/{ticket_id}")
    count = page.locator("#notice-count")
    expect(count).to_be_hidden()
    page.wait_for_function("document.getElementById('main').dataset.live === 'ticket'")
    page.wait_for_timeout(500)  # the page's event stream is open
    at = datetime(2026, 6, 1, 7, tzinfo=UTC)
    with sqlite_hub.uows() as uow:
        uow.outbox.put("ticket.sla_step_reached", {
            "ticket_id": ticket_id, "kind": "sla_step_reached", "at": at.isoformat(),
            "place": {"team_id": desk["shipping"].id, "department_id": None,
                      "assignee_id": lead.id},
            "data": {"target": "first_response", "at_percent": 75,
                     "notify_agent_ids": [lead.id]}}, at)
        uow.commit()
    sqlite_hub.app.relay_outbox()
    expect(count).to_have_text("1", timeout=8000)
    expect(count).to_be_visible()
    shot(page, "notification-badge")
    page.get_by_role("link", name="Notifications, 1 unread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.locator("table.notices")).to_contain_text(
        f"75 % of the first response time of ticket #{ticket_id} is used")
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("status").first).to_contain_text("1 notification marked read.")
    expect(count).to_be_hidden()
