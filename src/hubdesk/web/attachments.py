"""Files in the console: those chosen on the ticket page's reply form, and downloading a
conversation's files. The limits are the API's: the request's size
(`Settings.max_request_bytes`, refused before any route reads it) and the number of files
a message carries (`domain.messages.MAX_ATTACHMENTS`, checked by the use case)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from hubdesk.domain.errors import NotFound
from hubdesk.domain.messages import MAX_ATTACHMENTS, download_disposition
from hubdesk.services.tickets import NewAttachment
from hubdesk.web.render import SECURITY_HEADERS, render
from hubdesk.web.session import AgentDep, app_of

router = APIRouter(include_in_schema=False)

FILES_FIELD = "files"
MAX_TYPE_LENGTH = 255


async def uploaded(form: FormData) -> list[NewAttachment]:
    """The files chosen in the form's file field (an empty choice sends a nameless part).
    One past the limit is read at most, so the use case can name the limit."""
    chosen = [value for value in form.getlist(FILES_FIELD)
              if isinstance(value, UploadFile) and value.filename]
    files = []
    for upload in chosen[:MAX_ATTACHMENTS + 1]:
        content_type = (upload.content_type or "")[:MAX_TYPE_LENGTH]
        files.append(NewAttachment(str(upload.filename), content_type, await upload.read()))
    return files


@router.get("/attachments/{attachment_id:id}")
async def download(request: Request, attachment_id: int, agent: AgentDep) -> Response:
    """A conversation's file, for whoever may see its ticket; always a download, never
    shown inline, so an uploaded page cannot run as ours."""
    try:
        attachment, content = await run_in_threadpool(app_of(request).tickets.attachment,
                                                      agent, attachment_id)
    except NotFound as missing:
        return render(request, "error.html", 404, agent=agent, title="Not found",
                      detail=f"{missing}.")
    return Response(content, media_type="application/octet-stream", headers={
        **SECURITY_HEADERS,
        "Content-Disposition": download_disposition(attachment.filename)})
