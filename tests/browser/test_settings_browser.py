"""The settings screens in a real browser at desktop and tablet widths: nothing scrolls
sideways, and a refused change shows its message right under the field it is about."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from tests import factories
from tests.browser.test_console_workflows import browser, shot, signed_in

pytestmark = pytest.mark.browser

__all__ = ["browser"]  # the fixture, used by the tests below

SCREENS = ("/settings/teams", "/settings/calendars", "/settings/sla", "/settings/routing")


def _sideways(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1280, 768])
def test_every_settings_screen_fits_the_width(sqlite_hub, server, browser, width) -> None:
    from playwright.sync_api import expect

    admin = factories.staff(sqlite_hub, Role.ADMIN, with_password=True).agent
    team = factories.team(sqlite_hub, "Shipping")
    rep = factories.staff(sqlite_hub, teams=(team,)).agent
    page = signed_in(browser, server, admin, width=width, height=1000)
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Shipping")).to_be_visible()
    for path in (*SCREENS, f"/settings/agents/{rep.id}/routing"):
        page.goto(f"{server}{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
        assert _sideways(page) <= 0, f"{path} scrolls sideways at {width}px"
        shot(page, f"settings-{path.strip('/').replace('/', '-')}-{width}px")


def test_a_calendar_refused_shows_the_message_under_the_day(sqlite_hub, server,
                                                            browser) -> None:
    from playwright.sync_api import expect

    manager = factories.staff(sqlite_hub, Role.MANAGER, with_password=True).agent
    page = signed_in(browser, server, manager, width=768, path="/settings/calendars")
    page.get_by_label("Name", exact=True).fill("Berlin office")
    page.get_by_label("Time zone (e.g. Europe/Berlin)").fill("Europe/Berlin")
    page.get_by_label("Tuesday").fill("08:00-12:00, 13:00-11:00")
    page.get_by_role("button", name="Add the calendar").click()
    tuesday = page.get_by_label("Tuesday")
    expect(tuesday).to_have_attribute("aria-invalid", "true")
    expect(tuesday).to_have_value("08:00-12:00, 13:00-11:00")
    expect(page.locator("#hours-tue-error")).to_contain_text("hours.tue")
    shot(page, "settings-calendar-refused-768px")
    assert sqlite_hub.app.sla.calendars(manager) == []


def test_a_template_previewed_shows_its_html_sandboxed_and_nothing_in_it_runs(
        sqlite_hub, server, browser) -> None:
    from playwright.sync_api import expect

    manager = factories.staff(sqlite_hub, Role.MANAGER, with_password=True).agent
    page = signed_in(browser, server, manager, width=768, path="/settings/mail")
    card = page.locator("#mail-solved")
    card.get_by_label("HTML").fill(
        '<p style="color: #0a7d32">Bye <b>{{ customer.first_name }}</b></p><img src=x '
        "onerror=\"parent.document.title='ran'\"><script>parent.document.title='ran'</script>")
    card.get_by_role("button", name="Preview").click()
    preview = page.locator("#mail-solved-preview")
    expect(preview).to_contain_text("Preview, not saved")
    frame = page.frame_locator("#mail-solved iframe.mail-preview")
    expect(frame.locator("b")).to_have_text("Ann")
    expect(frame.locator("img")).to_have_count(0)
    # The inline style kept by the sanitiser shows, as in the mail sent.
    expect(frame.locator("p").first).to_have_css("color", "rgb(10, 125, 50)")
    assert page.title() != "ran"
    assert _sideways(page) <= 0
    shot(page, "settings-mail-preview-768px")
    assert sqlite_hub.app.mail_templates.screen(manager).stored == []


def test_without_scripts_the_previewed_html_part_shows_at_a_button_press(
        sqlite_hub, server, browser) -> None:
    from playwright.sync_api import expect

    manager = factories.staff(sqlite_hub, Role.MANAGER, with_password=True).agent
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/settings/mail")
    page.get_by_label("E-mail").fill(manager.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    card = page.locator("#mail-solved")
    # Until a typed template is previewed, the frame shows the one in use.
    expect(page.frame_locator("#mail-solved iframe.mail-preview").locator("body")) \
        .to_contain_text("Reply to this message")
    card.get_by_label("HTML").fill('<p style="font-style: italic">So long, '
                                   "{{ customer.first_name }}</p>")
    card.get_by_role("button", name="Preview").click()
    expect(page.locator("#mail-solved-preview")).to_contain_text("Preview, not saved")
    page.locator("#mail-solved").get_by_role("button", name="Show the HTML part").click()
    shown = page.frame_locator("#mail-solved iframe.mail-preview").locator("p").first
    expect(shown).to_have_text("So long, Ann")
    expect(shown).to_have_css("font-style", "italic")
    context.close()
