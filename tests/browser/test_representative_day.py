"""A representative's loop in a real browser, on a desk where agents pull their work: go
online, take the next ticket, answer it with a macro, send and solve, take the next one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubdesk.bootstrap import Hub, build_hub
from hubdesk.config import Settings
from hubdesk.domain.agents import Role
from hubdesk.domain.macros import Macro
from hubdesk.domain.routing import Presence
from hubdesk.domain.tickets import Priority, Status
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.tickets import NewTicket
from tests import factories
from tests.browser.test_console_workflows import browser, shot, signed_in

pytestmark = pytest.mark.browser
__all__ = ["browser"]


@pytest.fixture
def sqlite_hub(tmp_path: Path) -> Iterator[Hub]:
    """The shared server's desk, with push routing off: work waits until someone takes it."""
    hub = build_hub(Settings(environment="test", data_dir=tmp_path, embedded_worker=False,
                             routing_enabled=False))
    hub.migrate()
    yield hub
    hub.close()


def test_a_representative_takes_the_next_ticket_answers_with_a_macro_and_solves(
        sqlite_hub, server, browser) -> None:
    from playwright.sync_api import expect

    app = sqlite_hub.app
    shipping = factories.team(sqlite_hub, "Shipping")
    lead = factories.staff(sqlite_hub, Role.TEAM_LEAD, teams=(shipping,)).agent
    coordinator = factories.staff(sqlite_hub, Role.COORDINATOR).agent
    rep = factories.staff(sqlite_hub, teams=(shipping,), with_password=True).agent
    app.routing.update_profile(coordinator, rep.id, ProfileChange(skills={"shipping": 3},
                                                                 languages=("en",)))
    app.routing.set_presence(coordinator, rep.id, Presence.OFFLINE)
    app.macros.create(lead, Macro(None, "Parcel found",
                                  "Hello {{customer.first_name}}, your parcel for ticket "
                                  "#{{ticket.number}} is on its way again.",
                                  shipping.id, Status.SOLVED, ("parcel",)))
    opened = {}
    for subject, priority, name in (("Gift wrapping", Priority.LOW, "Lea Roth"),
                                    ("Parcel never arrived", Priority.URGENT, "Ines Vidal")):
        detail, _ = app.tickets.open(lead, NewTicket(
            subject=subject, body=f"Hello, I am writing to you about this: {subject.lower()}.",
            requester_name=name,
            requester_email=f"{name.split()[0].lower()}@example.com", team_id=shipping.id,
            priority=priority))
        opened[subject] = detail.ticket.id
    urgent, low = opened["Parcel never arrived"], opened["Gift wrapping"]

    page = signed_in(browser, server, rep)
    page.get_by_role("button", name="Get next").click()
    expect(page.get_by_role("alert")).to_contain_text("set your presence to online")
    page.keyboard.press("p")  # the presence shortcut
    expect(page.get_by_label("My presence")).to_be_focused()
    page.get_by_label("My presence").select_option(label="Online")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Set", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You are online now.")
    page.get_by_role("button", name="Get next").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{urgent}$"))
    expect(page.get_by_role("status")).to_contain_text(f"You took #{urgent}")
    page.keyboard.press("m")  # the macro picker's shortcut
    expect(page.get_by_label("Macro")).to_be_focused()
    page.get_by_label("Macro").select_option(label="Parcel found")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Insert")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#body")).to_have_value(
        f"Hello Ines, your parcel for ticket #{urgent} is on its way again.")
    shot(page, "representative-macro")
    page.get_by_role("button", name="Send and solve").click()
    expect(page.locator("ol.conversation li.msg").last).to_contain_text("is on its way again")
    solved = app.tickets.get(coordinator, urgent).ticket
    assert solved.status is Status.SOLVED and solved.assignee_id == rep.id
    assert "parcel" in solved.tags
    # "Get next" is in every page's header: taken from the ticket page itself, by its
    # shortcut (g then n).
    page.keyboard.press("Escape")
    page.keyboard.press("g")
    page.keyboard.press("n")
    # The first page with a solved ticket around loads the similarity model: allow for it.
    expect(page).to_have_url(re.compile(rf"/tickets/{low}$"), timeout=60_000)
    expect(page.get_by_label("My presence")).to_have_value("online")
    page.get_by_role("button", name="Get next").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{low}$"))  # back where they were
    expect(page.get_by_role("status")).to_contain_text("Nothing is waiting that you can take")
    shot(page, "representative-nothing-left")
