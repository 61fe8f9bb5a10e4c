"""The API explorer draws its operations under its own Content-Security-Policy: the policy
that keeps other hosts' scripts out does not also break the page."""

from __future__ import annotations

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.server import SWAGGER_UI_DIR, SWAGGER_UI_FILES
from tests.browser.test_console_browser import CHROMIUM, CHROMIUM_ARGS, IN_CI, _need_chromium

pytestmark = pytest.mark.browser


def _need_swagger_ui() -> None:
    if all((SWAGGER_UI_DIR / name).is_file() for name in SWAGGER_UI_FILES):
        return
    message = "Swagger UI's files are missing: `make static` fetches them"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def test_the_explorer_lists_the_operations_and_breaks_no_rule(sqlite_hub: Hub,
                                                              server: str) -> None:
    _need_chromium()
    _need_swagger_ui()
    from playwright.sync_api import expect, sync_playwright

    refused: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda message: refused.append(message.text)
                    if "Content Security Policy" in message.text else None)
            page.on("requestfailed", lambda request: refused.append(request.url))
            page.goto(f"{server}/api/docs")
            expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=60_000)
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            assert "/api/v1/tickets" in paths
            expect(page.locator(".info .title")).to_contain_text("Hubdesk")
        finally:
            browser.close()
    assert refused == []
