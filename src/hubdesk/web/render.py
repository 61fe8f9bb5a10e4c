"""Turning templates into responses: one Jinja environment, escaping always on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from hubdesk.domain.routing import Presence
from hubdesk.domain.settings_pages import settings_pages
from hubdesk.domain.sla import RiskChange
from hubdesk.web import session
from hubdesk.web.landing import may_manage_agents, may_open_tickets

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
HTMX_FILE = STATIC_DIR / "vendor" / "htmx.min.js"

# Pages load nothing from elsewhere and run no inline script; a stray <script> in data that
# somehow escaped escaping would still not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def label(value: object) -> str:
    """`on_hold` → `On hold`: enum values and field names read as words."""
    text = str(getattr(value, "value", value) or "")
    return text.replace("_", " ").capitalize()


def time_left(left: timedelta | None) -> str:
    """Business time left, as a person reads it: "3 h 20 min left", "overdue by 45 min"."""
    if left is None:
        return "no deadline"
    text = duration(abs(left))
    return f"overdue by {text}" if left < timedelta(0) else f"{text} left"


def duration(span: timedelta | None) -> str:
    """A length of business time, as a person reads it: "2 h 5 min", "—" when unknown."""
    if span is None:
        return "—"
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def seconds_span(seconds: float) -> str:
    """Seconds of business time, either side of a deadline, as `duration` reads them."""
    return duration(timedelta(seconds=abs(seconds)))


def risk_changes(changes: Iterable[RiskChange]) -> list[dict[str, Any]]:
    """A countdown's coming colour changes as `web/static/countdown.js` reads them."""
    return [{"at": c.at.isoformat(), "risk": c.risk.value, "left": int(c.left.total_seconds())}
            for c in changes]


# How a queue row shows its channel: the word for screen readers and a title, and a symbol.
# What each presence is called wherever an agent's presence is chosen (the header, the board).
PRESENCES = {Presence.ONLINE.value: "Online", Presence.AWAY.value: "Away",
             Presence.ON_BREAK.value: "On a break", Presence.OFFLINE.value: "Offline"}
# Symbols from the common text fonts, not emoji: a desk without an emoji font still shows them.
CHANNELS = {"email": ("E-mail", "✉"), "chat": ("Chat", "❝"), "phone": ("Phone", "☎"),
            "web": ("Web form", "⌂"), "api": ("API", "⚙")}


def _build_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = _when
    env.filters["label"] = label
    env.filters["time_left"] = time_left
    env.filters["duration"] = duration
    env.filters["risk_changes"] = risk_changes
    env.filters["seconds_span"] = seconds_span
    env.globals["CHANNELS"] = CHANNELS
    env.globals["PRESENCES"] = PRESENCES
    env.globals["may_open_tickets"] = may_open_tickets
    env.globals["may_manage_agents"] = may_manage_agents
    env.globals["settings_pages"] = settings_pages
    return env


environment = _build_environment()


def _page_url(request: Request) -> str:
    """The page's own address, for forms that bring the agent back to it; a page shown in
    answer to a form (a refusal) is the page the form was on."""
    url = request.url if request.method in ("GET", "HEAD") else \
        urlsplit(request.headers.get("referer", ""))
    if request.method not in ("GET", "HEAD") and url.netloc != request.url.netloc:
        return "/tickets"
    return session.safe_next(url.path + (f"?{url.query}" if url.query else ""))


def render(request: Request, template: str, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    context.setdefault("agent", None)
    page = environment.get_template(template).render(
        request=request,
        csrf_token=session.csrf_token(request),
        flashes=session.pop_flashes(request),
        htmx=HTMX_FILE.is_file(),
        my_presence=session.presence_of(request),
        page_url=_page_url(request),
        **context,
    )
    return HTMLResponse(page, status_code=status_code, headers=SECURITY_HEADERS)
