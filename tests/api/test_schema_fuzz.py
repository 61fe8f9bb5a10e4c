"""Generated requests from our own OpenAPI description: whatever arrives, no 500s and no
responses that contradict the schema. Bounded to a few examples per operation."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

from hubdesk.bootstrap import build_hub  # noqa: E402
from hubdesk.config import Settings  # noqa: E402
from hubdesk.domain.agents import Role  # noqa: E402
from hubdesk.server import create_app  # noqa: E402
from hubdesk.services.auth import LOCAL_OPERATOR, create_token  # noqa: E402
from hubdesk.services.directory import AgentInput, create_agent  # noqa: E402
from hubdesk.services.tickets import NewTicket, open_ticket  # noqa: E402


def _app_with_admin():
    data_dir = Path(tempfile.mkdtemp(prefix="hubdesk-fuzz-"))
    hub = build_hub(Settings(environment="test", data_dir=data_dir, embedded_worker=False))
    hub.migrate()
    admin = create_agent(hub.uows, LOCAL_OPERATOR, AgentInput(
        fields_set=frozenset(), email="fuzz@example.com", name="Fuzz", role=Role.ADMIN))
    open_ticket(hub.uows, admin, NewTicket(subject="Seed", body="Seed",
                                           requester_email="seed@example.com"))
    return create_app(hub), create_token(hub.uows, LOCAL_OPERATOR, admin.email)


APP, TOKEN = _app_with_admin()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    case.validate_response(response, checks=[not_a_server_error])
