"""The SMTP server over a real socket: refuses strangers at RCPT, answers 250 only once a
message is stored, and files it; a server killed right after answering loses nothing."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.smtpd import SmtpServer
from hubdesk.store import tables as t
from tests.channels.email import corpus
from tests.channels.email.net import free_port, wait_for, wait_for_port


@pytest.fixture
def smtp_port(mail_hub: Hub) -> Iterator[int]:
    port = free_port()
    server = SmtpServer(mail_hub.app, "127.0.0.1", port, max_message_bytes=1_000_000)
    server.start()
    yield port
    server.stop()


def _count(hub: Hub, table: object, *where: object) -> int:
    with hub.engine.connect() as db:
        query = select(func.count()).select_from(table)  # type: ignore[arg-type]
        return int(db.execute(query.where(*where)).scalar_one())  # type: ignore[arg-type]


def test_mail_for_a_support_address_is_stored_then_filed(mail_hub: Hub, smtp_port: int) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        refused = client.sendmail("ann@example.com", ["support@desk.test"], corpus.plain())
    assert refused == {}
    assert wait_for(lambda: _count(mail_hub, t.tickets) == 1)
    with mail_hub.engine.connect() as db:
        row = db.execute(select(t.mail_inbound)).one()
    assert row.source == "smtp" and row.status == "processed"
    assert row.envelope["rcpt_to"] == ["support@desk.test"]


def test_unknown_recipients_are_refused_at_rcpt(mail_hub: Hub, smtp_port: int) -> None:
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client:
        client.ehlo()
        client.mail("ann@example.com")
        code, reply = client.rcpt("ceo@desk.test")
        assert code == 550 and b"not a support address" in reply
        assert client.rcpt("support+7@desk.test")[0] == 250
        client.rset()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            client.sendmail("ann@example.com", ["nobody@elsewhere.test"], corpus.plain())
    assert _count(mail_hub, t.mail_inbound) == 0


def test_an_oversized_message_is_refused_by_size(mail_hub: Hub, smtp_port: int) -> None:
    big = corpus.plain(body="word " * 240_000)  # 1.2 MB in short lines, over the 1 MB limit
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as client, \
            pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail("ann@example.com", ["support@desk.test"], big)
    assert refused.value.smtp_code == 552
    assert _count(mail_hub, t.mail_inbound) == 0


def test_a_server_killed_after_answering_files_everything_once_on_restart(
        mail_hub: Hub) -> None:
    port = free_port()
    env = {**os.environ, "HUBDESK_DATABASE_URL": mail_hub.settings.effective_database_url,
           "HUBDESK_DATA_DIR": str(mail_hub.settings.data_dir),
           "HUBDESK_TRIAGE_ENABLED": "false",
           "HUBDESK_MAIL_ADDRESSES": json.dumps(mail_hub.settings.mail_addresses)}
    command = [sys.executable, "-c", "from hubdesk.cli import main; main()", "mail", "smtpd",
               "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        assert wait_for_port(port, 60)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            for n in range(40):
                client.sendmail(f"c{n}@example.com", ["support@desk.test"],
                                corpus.plain(sender=f"c{n}@example.com",
                                             message_id=f"<smtp{n}@example.com>",
                                             subject=f"Question {n}"))
        server.send_signal(signal.SIGKILL)  # at once after the last 250
        server.wait()
    finally:
        if server.poll() is None:
            server.kill()
    assert _count(mail_hub, t.mail_inbound) == 40  # every 250 was a stored message
    restarted = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    try:
        assert wait_for(lambda: _count(mail_hub, t.mail_inbound,
                                       t.mail_inbound.c.status == "processed") == 40, 120)
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(30)
    assert _count(mail_hub, t.tickets) == 40
    assert _count(mail_hub, t.messages) == 40


def _maps_models(pid: int, cache: str) -> bool:
    try:
        with open(f"/proc/{pid}/maps") as maps:
            return any(cache in line for line in maps)
    except FileNotFoundError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as listed:
            found.extend(int(child) for child in listed.read().split())
    return found


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="reads /proc")
def test_the_smtp_process_leaves_triage_to_the_filing_processes(mail_hub: Hub) -> None:
    port = free_port()
    cache = str(mail_hub.settings.data_dir / "models" / "cache")
    env = {**os.environ, "HUBDESK_DATABASE_URL": mail_hub.settings.effective_database_url,
           "HUBDESK_DATA_DIR": str(mail_hub.settings.data_dir),
           "HUBDESK_TRIAGE_ENABLED": "true",
           "HUBDESK_MAIL_ADDRESSES": json.dumps(mail_hub.settings.mail_addresses)}
    server = subprocess.Popen(
        [sys.executable, "-c", "from hubdesk.cli import main; main()", "mail", "smtpd",
         "--port", str(port), "--filing-processes", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_port(port, 60)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail("ann@example.com", ["support@desk.test"],
                            corpus.plain(body="Mon imprimante est en panne depuis hier."))
        assert wait_for(lambda: _count(mail_hub, t.mail_inbound,
                                       t.mail_inbound.c.status == "processed") == 1, 120)
        # The worker that filed it read it with the models (the language model is mapped
        # from the cache); the process that received it never loaded them.
        assert any(_maps_models(child, cache) for child in _children(server.pid))
        assert not _maps_models(server.pid, cache)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    with mail_hub.engine.connect() as db:
        triage = db.execute(select(t.messages.c.triage)).scalar_one()
    assert triage and triage["language"]["code"] == "fr"
