"""Filing received mail on worker processes: each stored message is filed once, and a worker
that dies is replaced, so the messages after it are filed too and what it held is filed by
the pending sweep."""

from __future__ import annotations

import json
import os
import signal

import pytest
from sqlalchemy import func, select

from hubdesk.bootstrap import Hub
from hubdesk.commands.mail_filing import ProcessFiler
from hubdesk.services.mail import Received
from hubdesk.store import tables as t
from tests.channels.email import corpus
from tests.channels.email.net import wait_for


def _processed(hub: Hub) -> int:
    with hub.engine.connect() as db:
        return int(db.execute(select(func.count()).select_from(t.mail_inbound).where(
            t.mail_inbound.c.status == "processed")).scalar_one())


def _receive(hub: Hub, n: int) -> Received:
    raw = corpus.plain(sender=f"p{n}@example.com", message_id=f"<filing{n}@example.com>",
                       subject=f"Parcel {n}")
    return hub.app.mail.receive(raw, source="smtp")


@pytest.fixture
def desk_environment(mail_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> Hub:
    # Workers build the desk from the environment they inherit, as under `hubdesk mail smtpd`.
    settings = mail_hub.settings
    monkeypatch.setenv("HUBDESK_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setenv("HUBDESK_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HUBDESK_TRIAGE_ENABLED", "false")
    monkeypatch.setenv("HUBDESK_MAIL_ADDRESSES", json.dumps(settings.mail_addresses))
    return mail_hub


def test_workers_file_each_message_once_and_a_dead_worker_is_replaced(
        desk_environment: Hub) -> None:
    hub = desk_environment
    filer = ProcessFiler(1, "WARNING", threads=2, watch_seconds=0.1)
    try:
        for n in range(5):  # by id alone: the worker looks each up
            filer.submit(_receive(hub, n).inbound_id, b"")
        assert wait_for(lambda: _processed(hub) >= 1, 120)
        killed = filer.worker_pids()
        for pid in killed:  # perhaps in the middle of filing one
            os.kill(pid, signal.SIGKILL)
        assert wait_for(lambda: filer.restarts == 1, 30)
        assert not set(filer.worker_pids()) & set(killed)
        for n in range(5, 10):  # with where the bytes are kept, as the SMTP server hands
            received = _receive(hub, n)
            assert received.raw_sha256 is not None
            filer.submit(received.inbound_id, b"", received.raw_sha256)
        assert wait_for(lambda: _processed(hub) >= 6, 120)
        # Handed over again (a sweep beside the server): filed once all the same.
        filer.submit(received.inbound_id, b"", received.raw_sha256)
    finally:
        filer.close()
    # Whatever the killed worker held is still stored, and the sweep files it.
    hub.app.mail.process_pending()
    assert _processed(hub) == 10
    with hub.engine.connect() as db:
        assert db.execute(select(func.count()).select_from(t.tickets)).scalar_one() == 10
