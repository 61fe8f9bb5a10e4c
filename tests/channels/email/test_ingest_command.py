"""`hubdesk mail ingest`: files, mbox and Maildir; a killed run loses and duplicates nothing."""

from __future__ import annotations

import json
import mailbox
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from hubdesk.bootstrap import Hub
from hubdesk.cli import app
from hubdesk.config import get_settings
from hubdesk.store import tables as t
from tests.channels.email import corpus


def _env(hub: Hub) -> dict[str, str]:
    return {"HUBDESK_DATABASE_URL": hub.settings.effective_database_url,
            "HUBDESK_DATA_DIR": str(hub.settings.data_dir),
            "HUBDESK_TRIAGE_ENABLED": "false",
            "HUBDESK_MAIL_ADDRESSES": json.dumps(hub.settings.mail_addresses)}


@pytest.fixture
def cli_env(mail_hub: Hub, monkeypatch: pytest.MonkeyPatch) -> Hub:
    for name, value in _env(mail_hub).items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield mail_hub
    get_settings.cache_clear()


def _mbox(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.mbox(path)
    for raw in messages:
        box.add(raw)
    box.flush()
    box.close()
    return path


def test_ingest_reads_eml_mbox_and_maildir_and_counts_each_message_once(
        cli_env: Hub, tmp_path: Path) -> None:
    eml = tmp_path / "one.eml"
    eml.write_bytes(corpus.plain())
    box = _mbox(tmp_path / "box.mbox", [
        corpus.plain(subject="Re: Printer on fire", message_id="<r1@example.com>",
                     In_Reply_To="<m1@example.com>", body="Still"),
        corpus.out_of_office("<m1@example.com>"),
        corpus.plain(),  # the .eml's message again
    ])
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    maildir.add(corpus.deeply_nested())
    maildir.add(corpus.html_only())
    result = CliRunner().invoke(app, ["mail", "ingest", str(eml), str(box),
                                      str(tmp_path / "Maildir")])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {"read": 6, "created": 2, "threaded": 1, "duplicates": 1,
                       "quarantined": 1, "auto_replies_ignored": 1,
                       "recovered_from_earlier_runs": 0}


def _counts(hub: Hub) -> tuple[int, int, int]:
    with hub.engine.connect() as db:
        tickets = db.execute(select(func.count()).select_from(t.tickets)).scalar_one()
        inbound = db.execute(select(func.count()).select_from(t.mail_inbound)).scalar_one()
        filed = db.execute(select(func.count()).select_from(t.mail_inbound)
                           .where(t.mail_inbound.c.status == "processed")).scalar_one()
    return int(tickets), int(inbound), int(filed)


def test_an_ingest_killed_midway_loses_and_duplicates_nothing_when_run_again(
        mail_hub: Hub, tmp_path: Path) -> None:
    total = 150
    box = _mbox(tmp_path / "big.mbox", [
        corpus.plain(sender=f"c{n}@example.com", message_id=f"<kill{n}@example.com>",
                     subject=f"Question {n}", body=f"Question number {n}")
        for n in range(total)])
    env = {**os.environ, **_env(mail_hub)}
    command = [sys.executable, "-c", "from hubdesk.cli import main; main()", "mail", "ingest",
               str(box)]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _counts(mail_hub)[1] < 20 and time.monotonic() < deadline:
        assert first.poll() is None, first.stderr.read() if first.stderr else ""
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    tickets_before_kill, inbound_before_kill, _ = _counts(mail_hub)
    assert 20 <= inbound_before_kill < total  # it died midway
    assert tickets_before_kill <= inbound_before_kill
    second = subprocess.run(command, env=env, capture_output=True, timeout=300, check=True)
    summary = json.loads(second.stdout.decode().strip().splitlines()[-1])
    tickets, inbound, filed = _counts(mail_hub)
    assert (tickets, inbound, filed) == (total, total, total)
    assert summary["read"] == total
    # What the killed run stored is a duplicate now; what it stored but did not file was
    # filed first; the rest is new.
    assert summary["duplicates"] == inbound_before_kill
    assert summary["created"] == total - inbound_before_kill
    assert summary["quarantined"] == summary["threaded"] == 0
    with mail_hub.engine.connect() as db:
        per_ticket = db.execute(select(t.messages.c.ticket_id, func.count())
                                .group_by(t.messages.c.ticket_id)).all()
    assert len(per_ticket) == total and {count for _, count in per_ticket} == {1}
