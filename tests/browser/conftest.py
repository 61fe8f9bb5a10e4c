"""The browser tests' shared server (a migrated SQLite desk behind a real uvicorn) and one
Chromium per module."""

from collections.abc import Iterator

import pytest

from tests.browser.test_console_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _need_chromium,
    server,
    sqlite_hub,
)

__all__ = ["server", "sqlite_hub"]


@pytest.fixture(scope="module")
def _chromium() -> Iterator:
    """One Chromium for a module's tests (starting it costs about a second); each test has
    it through ``browser`` (test_console_workflows.py), which closes what the test opened."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
