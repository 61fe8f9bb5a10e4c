"""The console's main screens on the demo desk, saved under ``test-artifacts/browser`` for
reviewers (and the README's picture): a representative's queue with its SLA countdowns
ticking, a ticket, and the coordinator's control room, at 1280 px."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from hubdesk.demo.people import DEMO_DOMAIN
from hubdesk.demo.seeder import seed_demo
from hubdesk.domain.clock import utcnow
from tests import factories
from tests.browser.test_console_workflows import ARTIFACTS, browser, shot, signed_in

__all__ = ["browser"]

pytestmark = pytest.mark.browser


def _person(login: str) -> SimpleNamespace:
    return SimpleNamespace(email=f"{login}@{DEMO_DOMAIN}")


def _screen(page, name: str) -> None:
    """The whole page, and what fits a 1280 × 800 screen (the README's picture)."""
    shot(page, name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))


def _last_wednesday_afternoon() -> datetime:
    """The same weekday and hour in every run, so the seeded desk is the same desk: the
    screens below then depend on the week's date only through how long ago that was."""
    now = utcnow()
    afternoon = now.replace(hour=14, minute=0, second=0, microsecond=0)
    afternoon -= timedelta(days=(now.weekday() - 2) % 7)
    return afternoon if afternoon <= now else afternoon - timedelta(days=7)


def test_the_main_screens_on_the_demo_desk(sqlite_hub, server, browser) -> None:
    from playwright.sync_api import expect

    seed_demo(sqlite_hub, scale=0.1, now=_last_wednesday_afternoon(),
              password=factories.PASSWORD)

    rep = signed_in(browser, server, _person("hannah"), height=800,
                    path="/tickets?view=team&sort=due")
    # Each open row's countdown, coloured by its risk (countdown.js keeps it ticking).
    countdowns = rep.locator("table.queue [data-countdown]")
    expect(countdowns.first).to_have_class(re.compile(r"\bdue-(low|medium|high|breached)\b"))
    expect(rep.locator("table.queue")).to_contain_text(re.compile(r"overdue \d+ h"))
    _screen(rep, "demo-queue")
    rep.locator("table.queue td.subject a").first.click()
    expect(rep.locator("ol.conversation li.msg").first).to_be_visible()
    expect(rep.locator("dd.sla-clock").first).to_be_visible()
    _screen(rep, "demo-ticket")
    rep.close()

    coordinator = signed_in(browser, server, _person("jonas"), height=800, path="/control")
    expect(coordinator.get_by_role("heading", level=1)).to_be_visible()
    expect(coordinator.locator("#main")).to_contain_text(re.compile(r"Frontline EN"))
    _screen(coordinator, "demo-control-room")
    coordinator.close()
