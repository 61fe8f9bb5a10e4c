"""`hubdesk bench mail`: messages per second from SMTP receipt to committed ticket, the
delay a 25 MB attachment causes others, and one IMAP cycle over many mailboxes.

The SMTP server runs as a desk runs it (`hubdesk mail smtpd` in its own process, on the
bench database); clients send over real SMTP connections and a message counts once its
`mail_inbound` row is committed as processed (a ticket created or updated). The IMAP cycle
is `hubdesk mail poll` against dovecot on 127.0.0.1 with one user per mailbox; without
dovecot (or root to start it) those keys are null with the reason.
"""

from __future__ import annotations

import email.policy
import json
import logging
import os
import smtplib
import statistics
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from hubdesk.bench.databases import BenchDatabase, bench_database
from hubdesk.bench.imap_server import Dovecot, available, free_port, wait_for_port
from hubdesk.bench.intake import install_intent_model
from hubdesk.bench.triage_evidence import SAMPLE_SIZE, summarise_stored
from hubdesk.store import tables as t

log = logging.getLogger("hubdesk.bench")
SUPPORT = "support@bench.test"
TARGETS = {"messages_per_s": 200.0, "imap_cycle_s": 30.0, "large_attachment_delay_s": 1.0}


def _message(n: int, *, attachment: bytes | None = None, tag: str = "m") -> bytes:
    message = EmailMessage()
    message["From"] = f"customer{n}@example.com"
    message["To"] = SUPPORT
    message["Subject"] = f"Order {n} has not arrived"
    message["Message-ID"] = f"<{tag}{n}.{time.time_ns()}@example.com>"
    message.set_content(f"Hello, my order number {n} has not arrived yet. Where is it?\n\n"
                        "Thanks,\nA customer")
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="octet-stream",
                               filename="large.bin")
    return message.as_bytes(policy=email.policy.SMTP)  # CRLF, as on the wire


def _env(database: BenchDatabase, *, triage: bool) -> dict[str, str]:
    return {**os.environ, "HUBDESK_DATABASE_URL": database.url,
            "HUBDESK_DATA_DIR": str(database.data_dir),
            "HUBDESK_TRIAGE_ENABLED": "true" if triage else "false",
            "HUBDESK_MAIL_ADDRESSES": json.dumps({SUPPORT: None}),
            "HUBDESK_MAIL_RATE_LIMIT": "1000000",
            "HUBDESK_LOG_LEVEL": "WARNING"}


def _hubdesk(*args: str) -> list[str]:
    return [sys.executable, "-c", "from hubdesk.cli import main; main()", *args]


class _Processed:
    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)

    def count(self) -> int:
        with self.engine.connect() as db:
            return int(db.execute(select(func.count()).select_from(t.mail_inbound).where(
                t.mail_inbound.c.status == "processed")).scalar_one())

    def triage_sample(self, size: int = SAMPLE_SIZE) -> list[dict[str, Any] | None]:
        """The triage stored with the latest customer messages the server filed."""
        with self.engine.connect() as db:
            rows = db.execute(select(t.messages.c.triage)
                              .where(t.messages.c.author_kind == "customer")
                              .order_by(t.messages.c.id.desc()).limit(size)).scalars().all()
        return [row if isinstance(row, dict) else None for row in rows]

    def wait_until(self, target: int, timeout: float, poll: float = 0.01) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= target:
                return time.monotonic()
            time.sleep(poll)
        raise TimeoutError(f"only {self.count()} of {target} messages filed in {timeout} s")


def _send_all(port: int, messages: list[bytes], connections: int) -> None:
    """Send over ``connections`` connections at once; raises if any message was refused."""
    chunks = [messages[i::connections] for i in range(connections)]
    failures: list[BaseException] = []

    def send(chunk: list[bytes]) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
                for raw in chunk:
                    client.sendmail("customer@example.com", [SUPPORT], raw)
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=send, args=(chunk,)) for chunk in chunks if chunk]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} connections failed: {failures[0]!r}")


def _latencies(port: int, processed: _Processed, count: int, tag: str) -> list[float]:
    """Send ``count`` small messages one after another; each one's time from the first
    byte sent to its row committed as processed."""
    found: list[float] = []
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        for n in range(count):
            before = processed.count()
            started = time.monotonic()
            client.sendmail("customer@example.com", [SUPPORT], _message(n, tag=tag))
            found.append(processed.wait_until(before + 1, 60, poll=0.005) - started)
    return found


def _smtp_figures(database: BenchDatabase, *, messages: int, connections: int,
                  triage: bool, log_path: Path) -> dict[str, Any]:
    env = _env(database, triage=triage)
    subprocess.run(_hubdesk("migrate"), env=env, check=True,  # noqa: S603
                   capture_output=True)
    port = free_port()
    with log_path.open("ab") as server_log:
        server = subprocess.Popen(_hubdesk("mail", "smtpd", "--port", str(port)),  # noqa: S603
                                  env=env, stdout=server_log, stderr=server_log)
    try:
        if not wait_for_port(port, 120):
            raise RuntimeError(f"the SMTP server did not start; see {log_path}")
        processed = _Processed(database.url)
        warmup = [_message(n, tag="w") for n in range(50)]
        _send_all(port, warmup, connections)
        processed.wait_until(len(warmup), 120)
        batch = [_message(n) for n in range(messages)]
        started = time.monotonic()
        _send_all(port, batch, connections)
        finished = processed.wait_until(len(warmup) + messages, 600)
        rate = messages / (finished - started)
        log.info("smtp: %d messages in %.2f s", messages, finished - started)
        filed_triage = summarise_stored(processed.triage_sample())
        baseline = _latencies(port, processed, 20, "b")
        large = _message(0, attachment=os.urandom(25 * 1024 * 1024), tag="large")
        large_failed: list[BaseException] = []

        def send_large() -> None:
            try:
                _send_all(port, [large], 1)
            except Exception as error:
                large_failed.append(error)

        sender = threading.Thread(target=send_large)
        sender.start()
        time.sleep(0.2)  # the large message is on the wire while the others are sent
        during = _latencies(port, processed, 20, "d")
        sender.join()
        if large_failed:
            raise RuntimeError(f"the 25 MB message was refused: {large_failed[0]!r}")
        processed.wait_until(len(warmup) + messages + 41, 300)  # and it was filed
        return {"messages_per_s": round(rate, 1), "messages": messages,
                "connections": connections, "filed_triage": filed_triage,
                "small_message_latency_s": {
                    "alone_median": round(statistics.median(baseline), 4),
                    "alone_max": round(max(baseline), 4),
                    "beside_25mb_median": round(statistics.median(during), 4),
                    "beside_25mb_max": round(max(during), 4)},
                "large_attachment_delay_s": round(
                    max(0.0, max(during) - statistics.median(baseline)), 4)}
    finally:
        server.terminate()
        server.wait(30)


def _imap_figures(database: BenchDatabase, mailboxes: int, per_mailbox: int,
                  log_path: Path, *, triage: bool) -> dict[str, Any]:
    why = available()
    if why:
        return {"mailboxes": None, "imap_cycle_s": None, "imap_skipped": why}
    users = {f"user{n}": f"password-{n}" for n in range(mailboxes)}
    server = Dovecot(users)
    server.start()
    try:
        env = _env(database, triage=triage)
        for n, (user, password) in enumerate(users.items()):
            server.deliver(user, password, *[_message(n * 1000 + k, tag=f"i{n}.")
                                             for k in range(per_mailbox)])
            subprocess.run(_hubdesk(  # noqa: S603
                "mail", "mailbox-add", "--name", user, "--host", "127.0.0.1",
                "--port", str(server.port), "--no-tls", "--user", user,
                "--password", password), env=env, check=True, capture_output=True)
        started = time.monotonic()
        result = subprocess.run(_hubdesk("mail", "poll"), env=env,  # noqa: S603
                                check=True, capture_output=True)
        cycle = time.monotonic() - started
        polls = json.loads(result.stdout.decode().strip().splitlines()[-1])
        return {"mailboxes": len(polls), "imap_cycle_s": round(cycle, 2),
                "imap_messages_fetched": sum(p["fetched"] for p in polls),
                "imap_mailbox_errors": sum(1 for p in polls if p["error"])}
    finally:
        server.remove()
        with log_path.open("a") as handle:
            handle.write("imap bench done\n")


def run(*, db: str = "postgres", messages: int = 2000, connections: int = 8,
        mailboxes: int = 50, per_mailbox: int = 2, triage: bool = True,
        log_dir: Path, seed: int = 7) -> dict[str, Any]:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / "mail-bench.log"
    with bench_database(db) as database:
        model = install_intent_model(database.data_dir, seed) if triage else None
        smtp = _smtp_figures(database, messages=messages, connections=connections,
                             triage=triage, log_path=log_path)
        imap = _imap_figures(database, mailboxes, per_mailbox, log_path, triage=triage)
    return {"benchmark": "mail", "database": db, "triage": triage,
            "intent_model": model, "cpus": os.cpu_count(), **smtp, **imap, "targets": TARGETS}
