"""The workforce page in a real browser: a coordinator adds a shift to an empty week with the
keyboard-reachable form and publishes it, and the page fits a tablet without scrolling
sideways (the chart and the week scroll inside their boxes)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from tests import factories
from tests.browser.test_console_workflows import browser, signed_in

__all__ = ["browser"]


@pytest.fixture
def week(sqlite_hub: Hub) -> dict:
    team = factories.team(sqlite_hub, "Front")
    coordinator = factories.staff(sqlite_hub, Role.COORDINATOR, with_password=True)
    rep = factories.staff(sqlite_hub, teams=(team,))
    sqlite_hub.app.workforce.start_week(coordinator.agent, team.id, datetime.now(UTC).date())
    return {"team": team, "coordinator": coordinator, "rep": rep}


@pytest.mark.parametrize("width", [1280, 820])
def test_a_shift_is_added_and_published_and_the_page_fits(week, server, browser,
                                                          width: int) -> None:
    from playwright.sync_api import expect

    page = signed_in(browser, server, week["coordinator"].agent, width=width,
                     path=f"/workforce?team_id={week['team'].id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workforce")
    expect(page.get_by_role("img", name="Agents required and scheduled")).to_be_visible()
    today = datetime.now(UTC).date().isoformat()
    page.get_by_label("Agent", exact=True).select_option(label=week["rep"].agent.name)
    page.get_by_label("Starts (UTC)").fill(f"{today}T00:00")
    page.get_by_label("Ends (UTC)").fill(f"{today}T08:00")
    page.get_by_role("button", name="Save the shift").click()
    expect(page.get_by_text("Shift saved.")).to_be_visible()
    expect(page.locator("table.wfm-grid")).to_contain_text("00:00–08:00")
    page.get_by_role("button", name="Publish the week").click()
    expect(page.get_by_text("Published: the team sees its week.")).to_be_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the workforce page scrolls sideways by {overflow}px at {width}px"
