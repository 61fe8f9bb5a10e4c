"""Console sign-in: server-side sessions named by a random id in a signed cookie, and a CSRF
token per session.

The cookie is signed with the secret key, HttpOnly and SameSite=Lax (Secure in production).
It names the session, never the agent: the session row (services/sessions.py) decides who is
signed in, so signing out, changing the password, deactivation or "sign out everywhere" ends a
session at once, even for a copied cookie. Beside the id the cookie holds only the CSRF token
and notices for the next page. Every form carries the CSRF token in a hidden field, and every
POST is refused unless it comes back unchanged.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from hubdesk.bootstrap import Hub
from hubdesk.config import Settings
from hubdesk.domain.agents import Agent
from hubdesk.domain.messages import without_unencodable
from hubdesk.services.application import Application

COOKIE = "hubdesk_session"
CSRF_FIELD = "csrf_token"
_SESSION = "sid"
_CSRF = "csrf"
_FLASH = "flash"


class LoginRequired(Exception):
    """Answered with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in first")
        self.next_path = next_path


class CsrfRejected(Exception):
    """Answered with a 403 page; nothing is changed."""


class UnstorableForm(Exception):
    """A form field holds text no database can store; answered with a 422 page naming it."""

    def __init__(self, field: str) -> None:
        super().__init__(f"the field {field!r} contains characters that cannot be stored")
        self.field = field



def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(ConsoleSessions, secret_key=settings.secret_key,
                       session_cookie=COOKIE, max_age=settings.session_max_age_seconds,
                       same_site="lax", https_only=settings.environment == "production")


_SESSIONLESS = ("/api/", "/healthz", "/readyz")


class ConsoleSessions:
    """Cookie sessions for console pages only: API calls authenticate with tokens and should
    neither pay for a cookie nor be able to ride on one."""

    def __init__(self, app: ASGIApp, secret_key: str, session_cookie: str, max_age: int,
                 same_site: Literal["lax", "strict", "none"], https_only: bool) -> None:
        self.plain = app
        self.with_session = SessionMiddleware(
            app, secret_key=secret_key, session_cookie=session_cookie, max_age=max_age,
            same_site=same_site, https_only=https_only)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(_SESSIONLESS):
            await self.plain(scope, receive, send)
        else:
            await self.with_session(scope, receive, send)


def settings_of(request: Request) -> Settings:
    hub: Hub = request.app.state.hub
    return hub.settings


def app_of(request: Request) -> Application:
    """The application the console's routes call (built once, by `bootstrap`)."""
    hub: Hub = request.app.state.hub
    return hub.app


def csrf_token(request: Request) -> str:
    token = request.session.get(_CSRF)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[_CSRF] = token
    return token


def check_csrf(request: Request, form: FormData) -> None:
    sent = form.get(CSRF_FIELD)
    expected = request.session.get(_CSRF)
    if not isinstance(sent, str) or not isinstance(expected, str) or not expected \
            or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRejected


def flash(request: Request, kind: str, text: str) -> None:
    """A message for the next page shown (kind is `ok` or `error`)."""
    earlier = request.session.get(_FLASH) or []
    request.session[_FLASH] = [*earlier, [kind, text]][-5:]


def pop_flashes(request: Request) -> list[tuple[str, str]]:
    if _FLASH not in request.session:
        return []
    return [(str(kind), str(text)) for kind, text in request.session.pop(_FLASH) or []]


def sign_in(request: Request, session_token: str) -> None:
    # A fresh cookie (and CSRF token) at sign-in, so nothing planted before it survives.
    request.session.clear()
    request.session[_SESSION] = session_token
    request.session[_CSRF] = secrets.token_urlsafe(32)


def session_token(request: Request) -> str | None:
    token = request.session.get(_SESSION)
    return token if isinstance(token, str) and 0 < len(token) <= 100 else None


async def sign_out(request: Request) -> None:
    token = session_token(request)
    if token is not None:
        await run_in_threadpool(app_of(request).auth.sign_out, token)
    request.session.clear()


async def current_agent(request: Request) -> Agent | None:
    """The signed-in agent; their presence is kept on the request for the header
    (`presence_of`), read with the session, in the same unit of work."""
    token = session_token(request)
    if token is None:
        return None
    seat = await run_in_threadpool(app_of(request).auth.console_seat, token)
    if seat is None:
        request.session.clear()
        return None
    request.state.presence = seat.presence
    return seat.agent


def presence_of(request: Request) -> str | None:
    """The signed-in agent's presence as read with their session; None when they have no
    routing profile (the header then offers no presence or "Get next")."""
    presence = getattr(request.state, "presence", None)
    return presence if isinstance(presence, str) else None


def safe_next(value: object) -> str:
    """Only a path on this site may follow sign-in, never another host."""
    text = value if isinstance(value, str) else ""
    if text.startswith("/") and not text.startswith(("//", "/\\")) and "\n" not in text:
        return text
    return "/tickets"


async def require_agent(request: Request) -> Agent:
    agent = await current_agent(request)
    if agent is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path if request.method == "GET" else "/tickets")
    return agent


async def checked_form(request: Request) -> FormData:
    form = await request.form()
    check_csrf(request, form)
    # Refused once here for every form: PostgreSQL cannot store NUL characters and no
    # database can encode an unpaired surrogate.
    for name, value in form.multi_items():
        texts = [name, value] if isinstance(value, str) else [name, value.filename or ""]
        if any("\x00" in text or without_unencodable(text) != text for text in texts):
            raise UnstorableForm(without_unencodable(name.replace("\x00", ""))[:100])
    return form


AgentDep = Annotated[Agent, Depends(require_agent)]
FormDep = Annotated[FormData, Depends(checked_form)]
