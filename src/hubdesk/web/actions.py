"""What a console form does once it has decoded its fields: run the use case off the event
loop, then say what was done on the next page and redirect (303, so a reload does not post
again), or, when the use case refuses, say why or show the form again with the errors in
place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from hubdesk.domain.errors import DomainError
from hubdesk.web.session import flash

Done = TypeVar("Done")


async def act(request: Request, use_case: Callable[[], Done], *,
              done: str | Callable[[Done], str] | None, to: str | Callable[[Done], str],
              back: str | None = None, failed: str = "",
              again: Callable[[DomainError], Awaitable[Response]] | None = None) -> Response:
    """Run ``use_case``; on success flash ``done`` (or what it makes of the result; nothing
    if None) and go to ``to``. A refusal is shown by ``again`` (the form with its errors)
    if given, else flashed after ``failed`` with a redirect to ``back`` (``to`` when that
    is a path)."""
    try:
        result = await run_in_threadpool(use_case)
    except DomainError as refusal:
        if again is not None:
            return await again(refusal)
        flash(request, "error", _sentence(f"{failed}{refusal}"))
        return _see(back or (to if isinstance(to, str) else "/"))
    if done is not None:
        flash(request, "ok", done if isinstance(done, str) else done(result))
    return _see(to if isinstance(to, str) else to(result))


def _sentence(text: str) -> str:
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _see(path: str) -> Response:
    return RedirectResponse(path, status_code=303)
