"""A token revoked from the command line is refused at once by every worker of a running
`hubdesk serve`, though each worker remembers verified tokens for a minute here."""

from __future__ import annotations

import http.client
import time
from pathlib import Path

import pytest

from hubdesk.bench.memory import ServeCommand
from hubdesk.bootstrap import build_hub
from hubdesk.config import Settings
from hubdesk.domain.agents import Role
from hubdesk.services.auth import LOCAL_OPERATOR
from tests import factories
from tests.conftest import _postgres_test_url

REQUESTS = 24  # each on a new connection, so both workers answer some


class ServeWithDatabase(ServeCommand):
    def __init__(self, data_dir: Path, database_url: str, log_path: Path) -> None:
        super().__init__(data_dir, workers=2, log_path=log_path)
        self.database_url = database_url

    def environment(self) -> dict[str, str]:
        return {**super().environment(), "HUBDESK_DATABASE_URL": self.database_url,
                "HUBDESK_AUTH_CACHE_SECONDS": "60", "HUBDESK_TRIAGE_ENABLED": "false"}


def _statuses(port: int, token: str) -> list[int]:
    statuses = []
    for _ in range(REQUESTS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/api/v1/tickets?limit=1",
                               headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        finally:
            connection.close()
    return statuses


@pytest.mark.parametrize("db", ["sqlite", "postgres"])
def test_every_worker_refuses_a_revoked_token_at_once(db, tmp_path):
    url = (f"sqlite:///{tmp_path / 'hubdesk.db'}" if db == "sqlite"
           else _postgres_test_url("revocation"))
    with ServeWithDatabase(tmp_path, url, tmp_path / "serve.log") as server:
        hub = build_hub(Settings(environment="test", data_dir=tmp_path, database_url=url,
                                 embedded_worker=False))
        try:
            admin = factories.staff(hub, Role.ADMIN)
            # Until each worker listens for news it verifies every time; then it remembers.
            deadline = time.monotonic() + 10
            while _statuses(server.port, admin.token) != [200] * REQUESTS:
                assert time.monotonic() < deadline, "the token never worked"
            _, tokens = hub.app.auth.tokens(LOCAL_OPERATOR, admin.agent.email)
            hub.app.auth.revoke_token(LOCAL_OPERATOR, tokens[0].id)
            time.sleep(0.5)  # a notification's way from the database to each worker
            assert set(_statuses(server.port, admin.token)) == {401}
        finally:
            hub.close()
