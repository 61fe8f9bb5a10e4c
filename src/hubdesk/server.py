"""The ASGI application: the JSON API and the console on one server, with the background
work of the embedded mode. The API and the console know nothing of each other; this module
puts them side by side."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Match, Mount
from starlette.staticfiles import StaticFiles

from hubdesk import __version__
from hubdesk.api import app as api
from hubdesk.api.intake_path import IntakePath
from hubdesk.api.middleware import (
    ApiHeaders,
    BodySizeLimit,
    HeadAsGet,
    RequestContext,
    TargetLimit,
)
from hubdesk.api.problems import problem
from hubdesk.api.responses import JsonResponse
from hubdesk.bootstrap import Hub
from hubdesk.web import console
from hubdesk.worker import start_background

# How long a stopping server waits for requests in flight; the console's live-update streams
# stay open for minutes and are cut at this point (browsers reconnect to another process).
GRACEFUL_SHUTDOWN_SECONDS = 10
OPENAPI_URL = "/api/openapi.json"
DOCS_URL = "/api/docs"
# Swagger UI's files come from the npm registry at build time (`make static`); the product
# never loads anything from another host, so the explorer also works offline.
SWAGGER_UI_DIR = Path(__file__).parent / "api" / "static" / "swagger-ui"
SWAGGER_UI_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")
SWAGGER_UI_URL = f"{DOCS_URL}/assets"
# An empty icon: the default one lives on another host.
NO_FAVICON = "data:,"
# The explorer's page starts Swagger UI with one inline script, allowed by a nonce made for
# each answer; nothing else inline runs, and nothing is loaded from or sent to another host.
# Swagger UI sets style attributes and draws its icons from data: URLs.
EXPLORER_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'")
# The page that says the explorer is missing runs nothing at all.
MISSING_EXPLORER_POLICY = (
    "default-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


def create_app(hub: Hub, *, swagger_ui_dir: Path = SWAGGER_UI_DIR,
               lean_intake: bool = True) -> FastAPI:
    """The application; ``lean_intake=False`` leaves intake to the framework's layers too
    (the tests compare both paths' answers)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        background = start_background(hub) if hub.settings.embedded_worker else None
        listener = hub.listen()
        yield
        if listener is not None:
            listener.stop()
        if background is not None:
            thread, stop = background
            stop.set()
            thread.join(timeout=5)

    app = FastAPI(
        lifespan=lifespan,
        title="Hubdesk API",
        version=__version__,
        description="Customer-service coordination: tickets, customers, agents, teams.",
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        default_response_class=JsonResponse,
    )
    app.state.hub = hub
    api.install(app)
    _install_api_explorer(app, swagger_ui_dir)
    console.install(app)
    _answer_wrong_methods_with_allow(app)
    app.add_middleware(HeadAsGet, routes=app.router.routes)
    if lean_intake:
        app.add_middleware(IntakePath, api=app)
    app.add_middleware(BodySizeLimit, max_bytes=hub.settings.max_request_bytes)
    app.add_middleware(TargetLimit, max_bytes=hub.settings.max_url_bytes)
    app.add_middleware(RequestContext)
    app.add_middleware(ApiHeaders)  # outermost: on every answer, the refusals' too
    return app


# The methods a 405 may name; HEAD follows GET and OPTIONS is answered by no route.
ROUTABLE_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _answer_wrong_methods_with_allow(app: FastAPI) -> None:
    """405 names every method the path answers (RFC 9110), across all the routes that share
    it: the router alone names only the first route it met."""

    async def method_not_allowed(request: Request, error: Exception) -> Response:
        methods = _methods_answered(app, request)
        detail = error.detail if isinstance(error, HTTPException) else "Method Not Allowed"
        return problem(405, f"{detail}: use {', '.join(methods)}",
                       headers={"Allow": ", ".join(methods)})

    app.add_exception_handler(405, method_not_allowed)


def _methods_answered(app: FastAPI, request: Request) -> list[str]:
    # Each method is tried on the whole route table rather than read off its routes: routers
    # included in the application may stay routers (FastAPI 0.16x), which name no methods
    # themselves but match in full only a method one of their routes answers.
    methods = {method for method in ROUTABLE_METHODS
               if any(_answers(route, request, method) for route in app.router.routes)}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _answers(route: BaseRoute, request: Request, method: str) -> bool:
    # From the application's root: a mount the request passed through has moved root_path.
    scope = {**request.scope, "method": method,
             "root_path": request.scope.get("app_root_path", "")}
    if route.matches(scope)[0] is not Match.FULL:
        return False
    # A mount matches whatever the method; static files are only ever read.
    return not (isinstance(route, Mount) and isinstance(route.app, StaticFiles)) or method == "GET"


def _install_api_explorer(app: FastAPI, assets: Path) -> None:
    """`/api/docs`: Swagger UI from our own files, or a page that says they are missing."""
    app.mount(SWAGGER_UI_URL, StaticFiles(directory=assets, check_dir=False),
              name="swagger-ui")
    app.state.swagger_ui_dir = assets
    app.add_api_route(DOCS_URL, api_explorer, methods=["GET"], include_in_schema=False)


def api_explorer(request: Request) -> HTMLResponse:
    # One function for every app, reading its app from the request: FastAPI keeps the
    # endpoints it has classified in a process-wide cache, where a function made per app
    # would keep that app (and its hub) alive long after it is gone.
    app = request.app
    assets: Path = app.state.swagger_ui_dir
    # Checked on every request, so assets installed after start are picked up.
    if not all((assets / name).is_file() for name in SWAGGER_UI_FILES):
        page = _explorer_missing(app.title)
        page.headers["Content-Security-Policy"] = MISSING_EXPLORER_POLICY
        return page
    explorer = get_swagger_ui_html(
        openapi_url=OPENAPI_URL, title=f"{app.title} — explorer",
        swagger_js_url=f"{SWAGGER_UI_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{SWAGGER_UI_URL}/swagger-ui.css",
        swagger_favicon_url=NO_FAVICON,
        # Swagger UI would otherwise send the description to an online validator.
        swagger_ui_parameters={"validatorUrl": None})
    nonce = secrets.token_urlsafe(18)
    html = bytes(explorer.body).decode().replace("<script", f'<script nonce="{nonce}"')
    return HTMLResponse(html, headers={
        "Content-Security-Policy": EXPLORER_POLICY.format(nonce=nonce)})


def _explorer_missing(title: str) -> HTMLResponse:
    name = escape(title)
    return HTMLResponse(f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{name} — explorer</title></head>
<body>
<h1>{name}</h1>
<p>The interactive API explorer is not installed on this server: its files (Swagger UI) are
fetched from the npm registry when the server is built, and npm was not available then.
Run <code>make static</code> where npm is installed to add them.</p>
<p>The API's description is here: <a href="{OPENAPI_URL}">{OPENAPI_URL}</a> (OpenAPI 3,
JSON). The endpoints are also described in <code>docs/api.md</code>.</p>
</body></html>
""")
