"""The windows the console's reports offer: days back from now, or a calendar month of the
desk (SLA and OLA contracts are read per month), on the desk's own clock; and the page saying
an agent's reports already under way take all their turns (`services/fair_share.py`)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from starlette.requests import Request
from starlette.responses import Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import month_start, utcnow
from hubdesk.domain.errors import Busy
from hubdesk.web.render import render
from hubdesk.web.session import app_of

WINDOWS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days",
           "this-month": "This month", "last-month": "Last month"}
DEFAULT_WINDOW = "30"


def asked_window(request: Request) -> tuple[str, datetime, datetime]:
    """The window the page's ``days`` parameter names (the default for anything else), and
    its instants now, on the desk's time zone (`HUBDESK_WFM_TIMEZONE`)."""
    choice = request.query_params.get("days", DEFAULT_WINDOW)
    choice = choice if choice in WINDOWS else DEFAULT_WINDOW
    return (choice, *chosen_window(choice, utcnow(), app_of(request).workforce.zone))


def chosen_window(choice: str, now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """The window a choice of `WINDOWS` names at ``now``: days back from now, or a calendar
    month from midnight on its first day in ``zone``."""
    if not choice.endswith("month"):
        return now - timedelta(days=int(choice)), now
    this_month = month_start(now, zone)
    if choice == "this-month":
        return this_month, now
    return month_start(now, zone, months_back=1), this_month


def busy_page(request: Request, agent: Agent, busy: Busy) -> Response:
    """The agent's reports already under way take all their turns: wait, then reload."""
    page = render(request, "error.html", busy.status, agent=agent, title="Reports under way",
                  detail=str(busy))
    page.headers["Retry-After"] = str(busy.retry_after)
    return page
