"""The console's daily work in a real browser: filters and saved views, bulk changes, a
keyboard-only pass through a ticket, a blurred abusive message, a ticket opened from the
console, and the queue at tablet and phone widths.

Screenshots of each screen go to ``test-artifacts/browser`` at the repository root (ignored
by git; ``HUBDESK_TEST_ARTIFACTS`` moves it) for reviewers to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Priority
from hubdesk.domain.triage import Verdict
from hubdesk.services.tickets import NewTicket
from tests import factories

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get(
    "HUBDESK_TEST_ARTIFACTS",
    Path(__file__).resolve().parents[2] / "test-artifacts")) / "browser"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def desk(sqlite_hub: Hub) -> dict:
    shipping = factories.team(sqlite_hub, "Shipping")
    factories.department(sqlite_hub, "Returns")
    lead = factories.staff(sqlite_hub, Role.TEAM_LEAD, teams=(shipping,), with_password=True)
    app = sqlite_hub.app
    ids = []
    for i, (subject, priority) in enumerate((
            ("Parcel never arrived", Priority.URGENT), ("Wrong size delivered", Priority.HIGH),
            ("Invoice address", Priority.NORMAL), ("Gift wrapping", Priority.LOW))):
        ids.append(app.tickets.open(lead.agent, NewTicket(
            subject=subject, body=f"Message about {subject.lower()}.",
            requester_email=f"customer{i}@example.com", team_id=shipping.id,
            priority=priority))[0].ticket.id)
    return {"lead": lead, "ids": ids, "shipping": shipping}


@pytest.fixture
def browser(_chromium) -> Iterator:
    """The module's Chromium; each page a test opens has a context (cookies, storage) of its
    own, and every context it opened is closed when it ends."""
    yield _chromium
    for context in list(_chromium.contexts):
        context.close()


def signed_in(browser, server: str, agent, *, width: int = 1280, height: int = 900,
              path: str = "/tickets"):
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{server}{path}")
    page.get_by_label("E-mail").fill(agent.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def rows(page):
    return page.locator("table.queue td.subject > a")


def test_filter_then_save_and_reuse_a_view(desk, server, browser) -> None:
    from playwright.sync_api import expect

    page = signed_in(browser, server, desk["lead"].agent)
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="All").click()
    expect(page.locator("table.queue")).to_be_visible()
    search = page.get_by_role("search", name="Filter tickets")
    search.get_by_label("Priority").select_option("urgent")
    search.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"priority=urgent"))
    expect(rows(page)).to_have_text(["Parcel never arrived"])
    page.get_by_text("Save these filters as a view").click()
    page.get_by_label("View name").fill("Fires")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the view “Fires”")
    shot(page, "queue-saved-view")

    page.goto(f"{server}/tickets?view=all&sort=created")
    expect(rows(page)).to_have_count(4)
    saved = page.get_by_role("navigation", name="Saved views").get_by_role("link", name="Fires")
    saved.click()
    expect(page).to_have_url(re.compile(r"priority=urgent"))
    expect(rows(page)).to_have_text(["Parcel never arrived"])
    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=created"))


def test_bulk_assign_selected_rows(desk, server, browser) -> None:
    from playwright.sync_api import expect

    page = signed_in(browser, server, desk["lead"].agent, path="/tickets?view=unassigned")
    page.get_by_label(re.compile(r"^Select #\d+ Invoice address")).check()
    page.get_by_label(re.compile(r"^Select #\d+ Gift wrapping")).check()
    bulk = page.get_by_role("form", name="Change the selected tickets")
    bulk.get_by_label("Assign the selected tickets to").select_option(label="Me")
    shot(page, "queue-bulk-selection")
    bulk.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_role("status")).to_contain_text("2 tickets changed")
    expect(rows(page)).to_have_count(2)
    expect(page.locator("table.queue")).not_to_contain_text("Gift wrapping")
    page.get_by_role("navigation", name="Queues").get_by_role("link", name="Mine").click()
    expect(page).to_have_url(re.compile(r"view=mine"))
    expect(rows(page)).to_have_count(2)
    expect(page.locator("table.queue")).to_contain_text("Gift wrapping")
    expect(page.locator("table.queue")).to_contain_text("Invoice address")


def test_keyboard_only_through_a_ticket(sqlite_hub, desk, server, browser) -> None:
    from playwright.sync_api import expect

    from hubdesk.services.routing_records import ProfileChange

    # A lead who also takes work from routing (offline now), so "Get next" and presence are
    # theirs and the list of shortcuts offers them.
    admin = factories.staff(sqlite_hub, Role.ADMIN).agent
    sqlite_hub.app.routing.update_profile(admin, desk["lead"].agent.id, ProfileChange(
        skills={"shipping": 3}, capacity=5, languages=("en",), tier=1))
    page = signed_in(browser, server, desk["lead"].agent,
                     path="/tickets?view=all&sort=priority")
    keys = page.keyboard
    keys.press("j")
    expect(page.locator("table.queue td.subject a").first).to_be_focused()
    keys.press("j")
    expect(page.get_by_role("link", name="Wrong size delivered")).to_be_focused()
    keys.press("k")
    keys.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Parcel never arrived")

    keys.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("g then nGet next")
    expect(dialog).to_contain_text("pChoose your presence")
    shot(page, "shortcuts-dialog")
    keys.press("Escape")
    expect(dialog).to_be_hidden()

    keys.press("n")
    expect(page.locator("#body")).to_be_focused()
    expect(page.get_by_label("Internal note, for agents only")).to_be_checked()
    keys.press("r")  # typed into the field: no shortcut fires while typing
    expect(page.locator("#body")).to_have_value("r")
    keys.press("Backspace")
    keys.press("Escape")  # leaves the field
    keys.press("r")
    expect(page.locator("#body")).to_be_focused()
    expect(page.get_by_role("radio", name=re.compile("Public reply"))).to_be_checked()
    keys.type("It left the warehouse today: j, k and s stay letters here.")
    keys.press("Control+Enter")
    expect(page.get_by_role("status").first).to_contain_text("Reply saved on the ticket")
    expect(page.locator("ol.conversation li.msg").last).to_contain_text("j, k and s stay")

    keys.press("Escape")
    keys.press("s")
    expect(page.get_by_role("button", name="Save changes")).to_be_focused()
    expect(page.locator("#status")).to_have_value("solved")
    keys.press("Enter")
    expect(page.locator("dl.facts")).to_contain_text("Solved")
    shot(page, "ticket-after-keyboard-flow")

    keys.press("j")
    # The first page with a solved ticket around loads the similarity model: allow for it.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wrong size delivered",
                                                                  timeout=60_000)
    keys.press("g")
    keys.press("q")
    expect(page).to_have_url(re.compile(r"/tickets\?view=all.*sort=priority"))


def test_an_abusive_message_stays_blurred_until_the_agent_reveals_it(
        desk, server, browser, sqlite_hub) -> None:
    from playwright.sync_api import expect

    lead = desk["lead"].agent
    ticket_id = desk["ids"][1]
    detail = sqlite_hub.app.tickets.get(lead, ticket_id)
    sqlite_hub.app.tickets.customer_wrote(ticket_id, "You useless idiots, answer me now!")
    message_id = sqlite_hub.app.tickets.get(lead, ticket_id).messages[-1].id
    sqlite_hub.app.triage.correct(lead, ticket_id, message_id, Verdict.ABUSIVE, True)
    assert detail.ticket.id == ticket_id

    page = signed_in(browser, server, lead, path=f"/tickets/{ticket_id}")
    warning = page.locator("details.abuse-warning summary")
    expect(warning).to_have_accessible_name(re.compile("abusive.*show the message"))
    hidden_text = page.locator("details.abuse-warning .msg-body")
    expect(hidden_text).to_be_hidden()
    preview = page.locator(".abuse-preview")
    assert "blur" in preview.evaluate("e => getComputedStyle(e).filter")
    shot(page, "ticket-abusive-blurred")
    warning.focus()
    page.keyboard.press("Enter")
    expect(hidden_text).to_be_visible()
    expect(hidden_text).to_contain_text("useless idiots")
    expect(preview).to_be_hidden()
    shot(page, "ticket-abusive-revealed")


def test_a_new_ticket_from_a_phone_call(desk, server, browser) -> None:
    from playwright.sync_api import expect

    page = signed_in(browser, server, desk["lead"].agent)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New ticket").click()
    page.get_by_label("Phone call").check()
    page.get_by_label("Customer's e-mail").fill("walk.in@example.com")
    page.get_by_label(re.compile("^Customer's name")).fill("Wanda Inn")
    page.get_by_label("Subject").fill("Called about a broken lamp")
    page.get_by_label("What the customer said").fill("The lamp arrived broken.")
    page.get_by_label("Team").select_option(label="Shipping")
    shot(page, "new-ticket")
    page.get_by_role("button", name="Open the ticket").click()
    expect(page.get_by_role("status")).to_contain_text("opened for Wanda Inn")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Called about a broken lamp")
    expect(page.locator("dl.facts")).to_contain_text("Phone")
    page.locator("dl.facts").get_by_role("link", name="Wanda Inn").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wanda Inn")
    expect(page.locator("table.queue")).to_contain_text("Called about a broken lamp")
    shot(page, "customer")


@pytest.mark.parametrize("width", [820, 390])
def test_the_queue_fits_tablet_and_phone_widths(desk, server, browser, width: int) -> None:
    from playwright.sync_api import expect

    page = signed_in(browser, server, desk["lead"].agent, width=width, height=900,
                     path="/tickets?view=all")
    expect(page.locator("table.queue")).to_be_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    first = page.locator("table.queue tbody tr").first
    if width == 820:
        for column in ("Requester", "Assignee", "Team", "Updated"):
            expect(page.get_by_role("columnheader", name=column)).to_be_visible()
    for label in ("Requester", "Status", "Priority"):
        expect(first.locator(f'td[data-label="{label}"]')).to_be_visible()
    box = first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    shot(page, f"queue-{width}px")
    page.locator("table.queue td.subject a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the ticket page scrolls sideways by {overflow}px at {width}px"
    shot(page, f"ticket-{width}px")


@pytest.mark.parametrize("width", [820, 390])
def test_the_coordinators_pages_fit_tablet_and_phone_widths(desk, server, browser, sqlite_hub,
                                                            width: int) -> None:
    from playwright.sync_api import expect

    from hubdesk.services.handoffs import NewHandoff

    app = sqlite_hub.app
    coordinator = factories.staff(sqlite_hub, Role.COORDINATOR, with_password=True).agent
    admin = factories.staff(sqlite_hub, Role.ADMIN).agent
    app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 60, "resolution": 480}}})
    app.tickets.open(desk["lead"].agent, NewTicket(
        subject="A deadline that runs with a rather long subject line", body="Hello?",
        requester_email="deadline@example.com", team_id=desk["shipping"].id))
    returns = next(d for d in app.directory.departments(coordinator) if d.name == "Returns")
    app.handoffs.open(coordinator, desk["ids"][0], NewHandoff(
        department_id=returns.id, request="Please check the returns shelf for this parcel"))
    customer_id = app.tickets.get(coordinator, desk["ids"][0]).requester.id
    from hubdesk.services.routing_records import ProfileChange

    rep = factories.staff(sqlite_hub, teams=(desk["shipping"],)).agent
    app.routing.update_profile(coordinator, rep.id, ProfileChange(skills={"shipping": 3},
                                                                 languages=("en", "de")))
    app.tickets.assign(coordinator, desk["ids"][1], rep.id)
    page = signed_in(browser, server, coordinator, width=width, height=900, path="/control")
    for path, name in (("/control", "control"), ("/at-risk", "at-risk"),
                       ("/reports", "reports"), ("/reports/satisfaction", "satisfaction"),
                       ("/reports/flow", "flow"),
                       ("/handoffs", "handoffs"),
                       (f"/customers/{customer_id}", "customer")):
        page.goto(f"{server}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if name == "at-risk":
            expect(page.locator("table.queue").first).to_contain_text("A deadline that runs")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        shot(page, f"{name}-{width}px")


def test_a_new_ticket_arrives_in_the_queue_without_a_reload(desk, server, browser,
                                                            sqlite_hub) -> None:
    from playwright.sync_api import expect

    page = signed_in(browser, server, desk["lead"].agent, path="/tickets?view=team")
    expect(rows(page)).to_have_count(4)
    page.wait_for_function("document.getElementById('main').dataset.live === 'refresh'")
    page.wait_for_timeout(500)  # the page's event stream is open
    sqlite_hub.app.tickets.open(desk["lead"].agent, NewTicket(
        subject="Arrived while watching", body="Hello?", requester_email="live@example.com",
        team_id=desk["shipping"].id))
    sqlite_hub.app.relay_outbox()
    expect(rows(page).filter(has_text="Arrived while watching")).to_have_count(1, timeout=8000)
    expect(page.locator("#live-news")).to_contain_text("Updated just now")
    shot(page, "queue-live")


def _board_of_two(hub, desk):
    """A coordinator and two shipping agents with routing profiles, for the team board."""
    from hubdesk.services.routing_records import ProfileChange

    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    busy, taker = (factories.staff(hub, teams=(desk["shipping"],),
                                   with_password=True).agent for _ in range(2))
    for person in (busy, taker):
        hub.app.routing.update_profile(coordinator, person.id,
                                       ProfileChange(skills={"shipping": 3}))
    return coordinator, busy, taker


def test_a_coordinator_reassigns_from_the_team_board_and_the_inbox_updates_live(
        desk, server, browser, sqlite_hub) -> None:
    from playwright.sync_api import expect

    app = sqlite_hub.app
    coordinator, busy, taker = _board_of_two(sqlite_hub, desk)
    moved = desk["ids"][1]
    app.tickets.assign(coordinator, moved, busy.id)
    inbox = signed_in(browser, server, taker, path="/tickets?view=mine")
    expect(rows(inbox)).to_have_count(0)
    inbox.wait_for_function("document.getElementById('main').dataset.live === 'refresh'")
    inbox.wait_for_timeout(500)  # the inbox's event stream is open
    board = signed_in(browser, server, coordinator, path="/control#team")
    board.get_by_label(f"Move ticket #{moved} to").select_option(label=taker.name)
    board.get_by_role("button", name=f"Move ticket #{moved}").click()
    expect(board.get_by_text(f"Ticket #{moved} moved to {taker.name}.")).to_be_visible()
    shot(board, "team-board-moved")
    app.relay_outbox()  # what the embedded worker does after every commit
    expect(rows(inbox).filter(has_text="Wrong size delivered")).to_have_count(1, timeout=8000)
    expect(inbox.locator("#live-news")).to_contain_text("Updated just now")
    assert app.tickets.get(coordinator, moved).ticket.assignee_id == taker.id
    shot(inbox, "inbox-after-reassignment")


def test_a_coordinator_drags_a_ticket_onto_another_agents_row(desk, server, browser,
                                                              sqlite_hub) -> None:
    from playwright.sync_api import expect

    app = sqlite_hub.app
    coordinator, busy, taker = _board_of_two(sqlite_hub, desk)
    moved = desk["ids"][2]
    app.tickets.assign(coordinator, moved, busy.id)
    board = signed_in(browser, server, coordinator, path="/control#team")
    ticket = board.locator(f"form.move-ticket[data-ticket-id='{moved}'] a")
    own_row = board.locator(f"tr[data-agent-id='{busy.id}']")
    ticket.drag_to(own_row)  # onto the agent who has it already: nothing happens
    board.wait_for_timeout(300)
    assert app.tickets.get(coordinator, moved).ticket.assignee_id == busy.id
    ticket.drag_to(board.locator(f"tr[data-agent-id='{taker.id}']"))
    expect(board.get_by_text(f"Ticket #{moved} moved to {taker.name}.")).to_be_visible()
    assert app.tickets.get(coordinator, moved).ticket.assignee_id == taker.id
    expect(board.locator(f"tr[data-agent-id='{taker.id}'] "
                         f"form.move-ticket[data-ticket-id='{moved}']")).to_have_count(1)
    shot(board, "team-board-dragged")


def test_two_agents_on_one_ticket_see_each_other(desk, server, browser, sqlite_hub,
                                                 monkeypatch) -> None:
    from playwright.sync_api import expect

    from hubdesk.web import live

    monkeypatch.setattr(live, "ANNOUNCE_SECONDS", 1.0)
    colleague = factories.staff(sqlite_hub, Role.REPRESENTATIVE, teams=(desk["shipping"],),
                                with_password=True)
    ticket = f"/tickets/{desk['ids'][0]}"
    mine = signed_in(browser, server, desk["lead"].agent, path=ticket)
    theirs = signed_in(browser, server, colleague.agent, path=ticket)
    expect(mine.locator("#viewers")).to_contain_text(colleague.agent.name, timeout=8000)
    expect(theirs.locator("#viewers")).to_contain_text(desk["lead"].agent.name, timeout=8000)
    shot(mine, "ticket-two-agents")
    theirs.close()
    expect(mine.locator("#viewers")).to_have_text("", timeout=8000)


def test_an_agent_typing_a_reply_is_seen_typing_by_the_other(desk, server, browser,
                                                              sqlite_hub, monkeypatch) -> None:
    from playwright.sync_api import expect

    from hubdesk.web import live

    monkeypatch.setattr(live, "ANNOUNCE_SECONDS", 1.0)
    monkeypatch.setattr(live, "TYPING_SECONDS", 2.0)
    colleague = factories.staff(sqlite_hub, Role.REPRESENTATIVE, teams=(desk["shipping"],),
                                with_password=True)
    ticket = f"/tickets/{desk['ids'][0]}"
    mine = signed_in(browser, server, desk["lead"].agent, path=ticket)
    theirs = signed_in(browser, server, colleague.agent, path=ticket)
    expect(mine.locator("#viewers")).to_contain_text(colleague.agent.name, timeout=8000)
    expect(mine.locator("#typing")).to_have_text("")
    theirs.locator("#body").press_sequentially("We have found your par", delay=30)
    expect(mine.locator("#typing")).to_have_text(f"{colleague.agent.name} is typing…",
                                                 timeout=8000)
    expect(theirs.locator("#typing")).to_have_text("")  # never told of oneself
    shot(mine, "ticket-colleague-typing")
    # They stop: after a quiet spell they are still on the ticket, no longer typing.
    expect(mine.locator("#typing")).to_have_text("", timeout=8000)
    expect(mine.locator("#viewers")).to_contain_text(colleague.agent.name)
