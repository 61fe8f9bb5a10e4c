"""The ASGI entry point for servers: `uvicorn hubdesk.asgi:app`."""

from __future__ import annotations

from hubdesk import logs
from hubdesk.bootstrap import build_hub
from hubdesk.config import get_settings
from hubdesk.server import create_app

_settings = get_settings()
logs.configure(_settings.log_level)
app = create_app(build_hub(_settings))
