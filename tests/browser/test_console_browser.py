"""The console in a real browser: sign in, open a ticket, reply, see the reply.

Runs headless Chromium from the system (never a downloaded browser) against a real uvicorn
server on a free local port, once with scripts (htmx, when built) and once without.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubdesk.bootstrap import Hub, build_hub
from hubdesk.config import Settings
from hubdesk.server import create_app
from hubdesk.web.render import HTMX_FILE
from tests import factories
from tests.served import served

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("HUBDESK_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _need_chromium() -> None:
    if CHROMIUM.is_file():
        return
    message = f"Chromium not found at {CHROMIUM}: install it with `make browser-deps`"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sqlite_hub(tmp_path: Path) -> Iterator[Hub]:
    hub = build_hub(Settings(environment="test", data_dir=tmp_path, embedded_worker=False))
    hub.migrate()
    yield hub
    hub.close()


@pytest.fixture
def server(sqlite_hub: Hub) -> Iterator[str]:
    # The HTTP protocol `hubdesk serve` runs, so the browser meets the server users do.
    with served(create_app(sqlite_hub), lifespan="on") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("scripts", [True, False], ids=["with-scripts", "without-scripts"])
def test_sign_in_open_a_ticket_and_reply(sqlite_hub: Hub, server: str, tmp_path: Path,
                                         scripts: bool) -> None:
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    team = factories.team(sqlite_hub, "Shipping")
    rep = factories.staff(sqlite_hub, teams=(team,), with_password=True)
    colleague = factories.staff(sqlite_hub, teams=(team,))
    ticket = factories.ticket(sqlite_hub, rep.agent, subject="Parcel never arrived",
                              body="Where is my order 4411?", email="maria@example.com",
                              team_id=team.id).ticket

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=scripts,
                                          viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.goto(f"{server}/tickets")
            expect(page).to_have_url(re.compile(r"/login$"))
            page.screenshot(path=str(tmp_path / "login.png"))
            page.get_by_label("E-mail").fill(rep.agent.email)
            page.get_by_label("Password").fill(factories.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            queues = page.get_by_role("navigation", name="Queues")
            expect(queues).to_be_visible()
            if scripts and HTMX_FILE.is_file():
                assert page.evaluate("typeof window.htmx") == "object"

            queues.get_by_role("link", name="Unassigned").click()
            row_link = page.get_by_role("link", name="Parcel never arrived")
            expect(row_link).to_be_visible()
            page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
            row_link.click()

            expect(page).to_have_url(re.compile(rf"/tickets/{ticket.id}$"))
            expect(page.get_by_role("heading", level=1)).to_contain_text("Parcel never arrived")
            conversation = page.locator("ol.conversation")
            expect(conversation).to_contain_text("Where is my order 4411?")

            page.locator("#body").fill("Your parcel left our warehouse this morning.")
            page.get_by_role("button", name="Send", exact=True).click()
            expect(page.get_by_role("status")).to_contain_text(
                "not e-mailed: the desk has no support e-mail address set up.")
            expect(conversation.locator("li.msg")).to_have_count(2)
            expect(conversation.locator("li.msg").last).to_contain_text(
                "Your parcel left our warehouse this morning.")
            page.screenshot(path=str(tmp_path / "ticket.png"), full_page=True)

            # A refused change is explained on the page, with or without scripts.
            page.get_by_label("Assignee").select_option(label=colleague.agent.name)
            page.get_by_role("button", name="Save changes").click()
            expect(page.get_by_role("alert")).to_contain_text(
                "representatives may assign tickets to themselves only")
            expect(page.locator("dl.facts")).to_contain_text("Unassigned")
        finally:
            browser.close()
    assert (tmp_path / "ticket.png").stat().st_size > 10_000


def test_escalate_to_security_and_block_the_sender(sqlite_hub: Hub, server: str) -> None:
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    from hubdesk.domain.agents import Role

    factories.department(sqlite_hub, "Security")
    coordinator = factories.staff(sqlite_hub, Role.COORDINATOR, with_password=True)
    ticket = factories.ticket(sqlite_hub, coordinator.agent, subject="You will regret this",
                              body="Refund me or else.", email="rude@example.com").ticket

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{server}/tickets/{ticket.id}")
            page.get_by_label("E-mail").fill(coordinator.agent.email)
            page.get_by_label("Password").fill(factories.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page).to_have_url(re.compile(rf"/tickets/{ticket.id}$"))

            page.get_by_label("Escalate to security").fill("threatened the agent on the phone")
            page.get_by_role("button", name="Escalate", exact=True).click()
            expect(page.get_by_role("status")).to_contain_text("Escalated to security")
            facts = page.locator("dl.facts")
            expect(facts).to_contain_text("Urgent")
            expect(facts).to_contain_text("Security")
            expect(page.locator("ol.history")).to_contain_text(
                "escalated the ticket to security: threatened the agent on the phone")

            page.get_by_label("Block this sender").fill("threats")
            page.get_by_role("button", name="Block sender").click()
            expect(page.get_by_role("status")).to_contain_text("is blocked")
            expect(facts).to_contain_text("Blocked sender")
            expect(page.get_by_role("button", name=re.compile("^Unblock"))).to_be_visible()
        finally:
            browser.close()
