"""JSON responses rendered with orjson (fast, and it handles datetimes and UUIDs itself)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def problem_body(status: int, title: str, detail: str, **extra: Any) -> bytes:
    return orjson.dumps({"type": "about:blank", "title": title, "status": status,
                         "detail": detail, **extra})
