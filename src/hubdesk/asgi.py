"""The ASGI entry point for servers: `uvicorn hubdesk.asgi:app`."""

from __future__ import annotations

from hubdesk import logs
from hubdesk.api.app import create_app
from hubdesk.bootstrap import build_hub
from hubdesk.config import get_settings

_settings = get_settings()
logs.configure(_settings.log_level)
app = create_app(build_hub(_settings))
