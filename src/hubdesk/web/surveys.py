"""/survey/{token}: the customer's one-question satisfaction survey, reached from the link in
a solved notice, without signing in (the signed link is the credential,
`domain/satisfaction.py`).

Opening the link records nothing: mail filters and link scanners open the links in the mail
they pass on, so the page asks the customer to confirm, and only the form's POST answers.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from hubdesk.domain.errors import Conflict, NotFound, ValidationFailed
from hubdesk.domain.satisfaction import MAX_COMMENT, Rating
from hubdesk.services.satisfaction import SurveyPage
from hubdesk.web.render import render
from hubdesk.web.session import CsrfRejected, UnstorableForm, app_of, checked_form

router = APIRouter(include_in_schema=False)

# Never indexed, and the token never leaves in a Referer header.
_PRIVATE = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


@router.get("/survey/{token}")
async def survey_page(request: Request, token: str) -> Response:
    try:
        page = await run_in_threadpool(app_of(request).satisfaction.survey, token)
    except NotFound as missing:
        return _refused(request, 404, "Survey not found", str(missing))
    asked = request.query_params.get("rating", "")
    chosen = page.rating or (Rating(asked) if asked in {r.value for r in Rating} else None)
    return _page(request, token, page, chosen=chosen)


@router.post("/survey/{token}")
async def survey_answer(request: Request, token: str) -> Response:
    app = app_of(request)
    typed: object = None
    try:
        form = await checked_form(request)  # refused here, to answer with this page's headers
        typed = form.get("comment")
        page = await run_in_threadpool(app.satisfaction.survey, token)  # to show it again
        page = await run_in_threadpool(app.satisfaction.answer, token, form.get("rating"),
                                       typed)
    except NotFound as missing:
        return _refused(request, 404, "Survey not found", str(missing))
    except Conflict as closed:
        return _refused(request, 409, "This survey has closed", str(closed))
    except ValidationFailed as invalid:
        return _page(request, token, page, chosen=None, error=str(invalid), status=422,
                     typed=typed if isinstance(typed, str) else None)
    except CsrfRejected:
        return _refused(request, 403, "Forbidden", "This form has expired, so nothing was "
                        "changed. Open the link in the e-mail again and send your answer.")
    except UnstorableForm:
        return _refused(request, 422, "Invalid characters", "Your comment contains "
                        "characters that cannot be stored, so nothing was sent. Remove them "
                        "and send your answer again.")
    return _page(request, token, page, chosen=page.rating, thanked=True)


def _page(request: Request, token: str, page: SurveyPage, *, chosen: Rating | None,
          error: str | None = None, thanked: bool = False, status: int = 200,
          typed: str | None = None) -> Response:
    """The survey's form; ``typed``: the comment the customer sent, shown again."""
    response = render(request, "survey.html", status, survey=page, token=token,
                      chosen=chosen.value if chosen else "", error=error, thanked=thanked,
                      max_comment=MAX_COMMENT,
                      comment=typed if typed is not None else page.comment or "")
    response.headers.update(_PRIVATE)
    return response


def _refused(request: Request, status: int, title: str, detail: str) -> Response:
    response = render(request, "error.html", status, title=title, detail=detail)
    response.headers.update(_PRIVATE)
    return response
