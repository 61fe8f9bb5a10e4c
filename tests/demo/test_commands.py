"""`hubdesk seed` on the configured database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from hubdesk.cli import app
from hubdesk.config import get_settings
from hubdesk.store import tables as t


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("HUBDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("HUBDESK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_seed_adds_tickets_to_the_configured_database(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["seed", "--tickets", "40", "--batch", "15"])

    assert result.exit_code == 0, result.output
    assert "added 40 tickets" in result.output
    engine = create_engine(f"sqlite:///{data_dir / 'hubdesk.db'}")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(t.tickets)).scalar() == 40
        assert connection.execute(select(func.count()).select_from(t.customers)).scalar() == 8
    engine.dispose()

    again = CliRunner().invoke(app, ["seed", "--tickets", "10"])

    assert again.exit_code == 0, again.output
    assert "added 10 tickets (#41–#50)" in again.output


def test_a_taken_demo_port_is_answered_with_a_command_serving_it_on_a_free_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from hubdesk.demo.cli import port_taken

    monkeypatch.setattr("sys.argv", [".venv/bin/hubdesk", "demo"])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        said = port_taken("127.0.0.1", port)
    assert said.startswith(f"127.0.0.1:{port} is already in use")
    suggested = int(said.rsplit(".venv/bin/hubdesk demo --port ", 1)[1])
    assert suggested > port
    with socket.socket() as free:
        free.bind(("127.0.0.1", suggested))  # the port it names can be listened on
