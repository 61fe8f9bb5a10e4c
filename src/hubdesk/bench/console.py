"""Signing in to the console the way a browser does, to time its pages with a real session."""

from __future__ import annotations

import logging
from html.parser import HTMLParser

import httpx

from hubdesk.bench.http import LOOPBACK

log = logging.getLogger("hubdesk.bench")


class _LoginForm(HTMLParser):
    """The first POST form with a password field: its action and its fields' defaults."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str | None, dict[str, str], bool]] = []
        self._current: tuple[str | None, dict[str, str], list[bool]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self._current = (attributes.get("action"), {}, [False])
        elif tag == "input" and self._current is not None and attributes.get("name"):
            name = attributes["name"] or ""
            self._current[1][name] = attributes.get("value") or ""
            if (attributes.get("type") or "").lower() == "password":
                self._current[2][0] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            action, fields, has_password = self._current
            self.forms.append((action, fields, has_password[0]))
            self._current = None

    def login(self) -> tuple[str | None, dict[str, str]] | None:
        return next(((a, f) for a, f, password in self.forms if password), None)


def console_session(port: int, email: str, password: str) -> str | None:
    """A Cookie header for a signed-in console session, or None when there is no console."""
    base = f"http://{LOOPBACK}:{port}"
    with httpx.Client(base_url=base, timeout=10.0) as client:
        probe = client.get("/tickets")
        if probe.status_code == 404:
            return None
        login_path = probe.headers.get("location", "/login") if probe.is_redirect else "/login"
        page = client.get(login_path, follow_redirects=True)
        parser = _LoginForm()
        parser.feed(page.text)
        form = parser.login() if page.status_code == 200 else None
        if form is None:
            log.info("console: no sign-in form at %s (%s)", login_path, page.status_code)
            return None
        action, fields = form
        for name in fields:
            lowered = name.lower()
            if "password" in lowered:
                fields[name] = password
            elif "email" in lowered or "user" in lowered or "login" in lowered:
                fields[name] = email
        target = action or str(page.url.path)
        client.post(target, data=fields, follow_redirects=True)
        check = client.get("/tickets")
        if check.status_code != 200 or "html" not in check.headers.get("content-type", ""):
            log.info("console: /tickets answered %s after signing in", check.status_code)
            return None
        return "; ".join(f"{name}={value}" for name, value in client.cookies.items())
