"""JSON responses rendered with orjson (fast, and it handles datetimes and UUIDs itself)."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import JSONResponse, Response


class JsonResponse(JSONResponse):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def problem_body(status: int, title: str, detail: str, **extra: Any) -> bytes:
    return orjson.dumps({"type": "about:blank", "title": title, "status": status,
                         "detail": detail, **extra})


def model_response(model: BaseModel, status_code: int = 200,
                   headers: dict[str, str] | None = None) -> Response:
    """Serialise an already validated model once, skipping FastAPI's second validation pass
    (the route keeps its ``response_model`` for the OpenAPI description)."""
    return Response(model.model_dump_json(), status_code=status_code, headers=headers,
                    media_type="application/json")
