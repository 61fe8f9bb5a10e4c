"""The console: sign-in and sign-out, error pages, and the wiring into the application.

Every page works with plain links and forms (POST, then redirect, then GET). When htmx is
present under /static/vendor it boosts links and forms into partial page loads; nothing needs it.
"""

from __future__ import annotations

import inspect
from datetime import timedelta
from functools import partial
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from hubdesk.domain.errors import TooManyAttempts
from hubdesk.services.ports import StoreUnavailable
from hubdesk.web import (
    account,
    attachments,
    control,
    customer_merge,
    customers,
    handoffs,
    live,
    macros,
    mail,
    mail_preview,
    new_ticket,
    notifications,
    queue,
    reports,
    risk,
    routing_actions,
    rules,
    session,
    settings,
    settings_agents,
    settings_departments,
    settings_mail,
    settings_sla,
    surveys,
    tickets,
    workforce,
)
from hubdesk.web.landing import landing
from hubdesk.web.render import STATIC_DIR, render
from hubdesk.web.session import AgentDep, CsrfRejected, FormDep, LoginRequired, UnstorableForm

router = APIRouter(include_in_schema=False)

MAX_CREDENTIAL_LENGTH = 1000


def install(app: FastAPI) -> None:
    session.install(app, app.state.hub.settings)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    app.include_router(router)
    app.include_router(account.router)
    app.include_router(queue.router)
    app.include_router(new_ticket.router)
    app.include_router(customers.router)
    app.include_router(customer_merge.router)
    app.include_router(routing_actions.router)
    app.include_router(tickets.router)
    app.include_router(attachments.router)
    app.include_router(handoffs.router)
    app.include_router(rules.router)
    app.include_router(risk.router)
    app.include_router(reports.router)
    app.include_router(control.router)
    app.include_router(live.router)
    app.include_router(macros.router)
    app.include_router(mail.router)
    app.include_router(settings.router)
    app.include_router(settings_agents.router)
    app.include_router(settings_sla.router)
    app.include_router(settings_departments.router)
    app.include_router(settings_mail.router)
    app.include_router(mail_preview.router)
    app.include_router(workforce.router)
    app.include_router(notifications.router)
    app.include_router(surveys.router)
    app.add_exception_handler(LoginRequired, _to_login)  # type: ignore[arg-type]
    app.add_exception_handler(CsrfRejected, _csrf_rejected)
    app.add_exception_handler(UnstorableForm, _unstorable_form)  # type: ignore[arg-type]
    _render_unavailable_pages(app)


_NOT_PAGES = ("/api/", "/healthz", "/readyz", "/static/")


def _render_unavailable_pages(app: FastAPI) -> None:
    """Console pages show a 503 page while the database is away; everything else keeps the
    answer already installed for the API (problem+json)."""
    for_api = app.exception_handlers.get(StoreUnavailable)

    async def unavailable(request: Request, error: Exception) -> Response:
        if for_api is not None and request.url.path.startswith(_NOT_PAGES):
            answer = for_api(request, error)
            return await answer if inspect.isawaitable(answer) else answer
        retry = str(app.state.hub.settings.retry_after_seconds)
        page = render(request, "error.html", 503, title="Temporarily unavailable",
                      detail="The database is not answering, so nothing was changed. Wait "
                             f"{retry} seconds or so and try again.")
        page.headers["Retry-After"] = retry
        return page

    app.add_exception_handler(StoreUnavailable, unavailable)


async def _to_login(request: Request, error: LoginRequired) -> Response:
    query = urlencode({"next": error.next_path}) if error.next_path != "/tickets" else ""
    return RedirectResponse(f"/login{'?' + query if query else ''}", status_code=303)


async def _csrf_rejected(request: Request, _: Exception) -> Response:
    return render(request, "error.html", 403, title="Forbidden",
                  detail="This form has expired or did not come from this site, so nothing "
                         "was changed. Go back, reload the page and try again.")


async def _unstorable_form(request: Request, error: UnstorableForm) -> Response:
    return render(request, "error.html", 422, title="Invalid characters",
                  detail=f"The field “{error.field}” contains characters that cannot be "
                         "stored (a NUL character or broken Unicode), so nothing was "
                         "changed. Go back, remove them and send the form again.")


@router.get("/")
async def home(request: Request) -> Response:
    agent = await session.current_agent(request)
    return RedirectResponse(landing(agent) if agent else "/tickets", status_code=303)


def _asked_for(value: object) -> str:
    """The page asked for after sign-in, if it is one of this site's (else "": the role's
    landing page)."""
    text = value if isinstance(value, str) else ""
    return text if text and session.safe_next(text) == text else ""


@router.get("/login")
async def login_page(request: Request) -> Response:
    agent = await session.current_agent(request)
    if agent is not None:
        return RedirectResponse(landing(agent), status_code=303)
    return render(request, "login.html", email="",
                  next=_asked_for(request.query_params.get("next")), error=None)


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login")
async def login_submit(request: Request, form: FormDep) -> Response:
    email = str(form.get("email") or "").strip().lower()[:MAX_CREDENTIAL_LENGTH]
    password = str(form.get("password") or "")[:MAX_CREDENTIAL_LENGTH]
    next_path = _asked_for(form.get("next"))
    signed_in = None
    if email and password:
        app = session.app_of(request)
        try:
            signed_in = await run_in_threadpool(
                partial(app.auth.sign_in, email, password, address=_client_address(request),
                        user_agent=request.headers.get("user-agent", "")[:120],
                        lifetime=timedelta(seconds=session.settings_of(request)
                                           .session_max_age_seconds)))
        except TooManyAttempts as error:
            response = render(request, "login.html", error.status, email=email,
                              next=next_path, error=f"Too many attempts; {_retry(error)}.")
            response.headers["Retry-After"] = str(error.retry_after)
            return response
    if signed_in is None:
        return render(request, "login.html", 400, email=email, next=next_path,
                      error="That e-mail and password do not match an active account. "
                            "Check both and try again.")
    session.sign_in(request, signed_in.session_token)
    return RedirectResponse(next_path or landing(signed_in.agent), status_code=303)


def _retry(error: TooManyAttempts) -> str:
    return str(error).split("; ", 1)[-1]


@router.get("/logout")
async def logout_page(request: Request) -> Response:
    agent = await session.current_agent(request)
    if agent is None:
        return RedirectResponse("/login", status_code=303)
    return await account.account_page(request, agent)


@router.post("/logout")
async def logout_submit(request: Request, form: FormDep) -> Response:
    await session.sign_out(request)
    session.flash(request, "ok", "You are signed out.")
    return RedirectResponse("/login", status_code=303)


@router.post("/logout/everywhere")
async def logout_everywhere(request: Request, agent: AgentDep, form: FormDep) -> Response:
    ended = await run_in_threadpool(session.app_of(request).auth.sign_out_everywhere, agent)
    request.session.clear()
    session.flash(request, "ok", f"You are signed out everywhere ({ended} "
                                 f"session{'s' if ended != 1 else ''} ended).")
    return RedirectResponse("/login", status_code=303)
