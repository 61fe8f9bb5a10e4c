"""The browser tests' shared server: a migrated SQLite desk behind a real uvicorn."""

from tests.browser.test_console_browser import server, sqlite_hub

__all__ = ["server", "sqlite_hub"]
