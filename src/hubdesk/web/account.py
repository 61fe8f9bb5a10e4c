"""One's own account in the console: change the password (the current one asked first) and
sign out, here or everywhere. The rules are the use case's (`services/sessions.py`)."""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.agents import Agent
from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.web.field_errors import beside
from hubdesk.web.render import render
from hubdesk.web.session import AgentDep, FormDep, app_of, flash, session_token

router = APIRouter(include_in_schema=False)

# the use case's field names → the form's field ids
FIELDS = {"current_password": "current-password", "password": "new-password",
          "new_password": "new-password", "confirm_password": "confirm-password"}


async def account_page(request: Request, agent: Agent, *,
                       error: DomainError | None = None) -> Response:
    live = await run_in_threadpool(app_of(request).auth.live_sessions, agent)
    status = error.status if error else 200
    return render(request, "logout.html", status, agent=agent, live_sessions=len(live),
                  errors=beside(error, FIELDS))


@router.post("/account/password")
async def change_password(request: Request, form: FormDep, agent: AgentDep) -> Response:
    current = str(form.get("current_password", ""))
    new = str(form.get("new_password", ""))
    try:
        if new != str(form.get("confirm_password", "")):
            raise ValidationFailed("the new password and its confirmation differ",
                                   {"confirm_password": "differs"})
        ended = await run_in_threadpool(partial(
            app_of(request).auth.change_own_password, agent, current, new,
            address=request.client.host if request.client else "unknown",
            keep_session=session_token(request)))
    except DomainError as error:  # a wrong current password, a short one, throttled
        return await account_page(request, agent, error=error)
    flash(request, "ok", "Your password is changed. "
          + (f"Your other sessions ({ended}) are signed out." if ended
             else "You had no other session."))
    return RedirectResponse("/logout", status_code=303)
