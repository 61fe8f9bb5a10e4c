"""Bounds on what the API accepts, and HTML made safe as it is read."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from pydantic import AfterValidator, Field

from hubdesk.html import sanitise_html

# Bounds on free text: a desk stores what people write, not whatever a client can send.
MAX_BODY = 100_000
MAX_HTML = 500_000
MAX_CUSTOM_KEYS = 50
MAX_CUSTOM_KEY_LENGTH = 64
MAX_CUSTOM_BYTES = 16 * 1024
MAX_CUSTOM_DEPTH = 3

Label = Annotated[str, Field(min_length=1, max_length=64)]
Handle = Annotated[str, Field(min_length=1, max_length=320)]


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def bounded_custom_fields(fields: dict[str, Any]) -> dict[str, Any]:
    if len(fields) > MAX_CUSTOM_KEYS:
        raise ValueError(f"at most {MAX_CUSTOM_KEYS} custom fields are allowed, "
                         f"not {len(fields)}")
    long_keys = [k for k in fields if not 0 < len(k) <= MAX_CUSTOM_KEY_LENGTH]
    if long_keys:
        raise ValueError(f"custom field names need 1 to {MAX_CUSTOM_KEY_LENGTH} characters; "
                         f"shorten {long_keys[0][:MAX_CUSTOM_KEY_LENGTH]!r}")
    if _depth(fields) > MAX_CUSTOM_DEPTH:
        raise ValueError(f"custom fields may nest at most {MAX_CUSTOM_DEPTH} levels deep")
    size = len(orjson.dumps(fields))
    if size > MAX_CUSTOM_BYTES:
        raise ValueError(f"custom fields take {size} bytes as JSON; at most "
                         f"{MAX_CUSTOM_BYTES} are allowed")
    return fields


def _safe_html(html: str | None) -> str | None:
    return sanitise_html(html) if html is not None else None


SafeHtml = Annotated[str | None, Field(max_length=MAX_HTML), AfterValidator(_safe_html)]
