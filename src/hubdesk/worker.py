"""Background work: the job consumer (periodic and one-off jobs), the outbox relay and the
webhook deliveries.

`hubdesk worker` runs both as its own process; in the embedded mode `hubdesk serve` runs the
same pair in a thread, so a single-process install needs nothing else.
"""

from __future__ import annotations

import logging
import threading

from hubdesk.bootstrap import Hub

log = logging.getLogger("hubdesk.worker")


RELAY_BATCH = 200


def run_relay(hub: Hub, stop: threading.Event, *, idle_seconds: float = 0.5,
              gather_seconds: float = 0.2) -> None:
    """Relay until ``stop`` is set: at once again after a full batch, ``gather_seconds``
    after a partial one, ``idle_seconds`` after none.

    The pause after a partial batch lets the events of a busy desk gather, so one
    transaction relays many instead of a few per pass (each pass costs a claim, the webhook
    lookup, a mark and a commit: at 50 ms, passes took about a twentieth of the server's
    time under full intake load). A live update waits at most that long for it on a busy
    desk, less than the ``idle_seconds`` it may wait on a quiet one."""
    while not stop.is_set():
        try:
            sent = hub.app.relay_outbox(RELAY_BATCH)
        except Exception:  # a database hiccup must not kill the worker; it retries
            log.exception("outbox relay failed; retrying")
            sent = 0
        if sent == 0:
            stop.wait(idle_seconds)
        elif sent < RELAY_BATCH:
            stop.wait(gather_seconds)


def run_background(hub: Hub, stop: threading.Event, *, shutdown_seconds: float = 30.0) -> None:
    """Run jobs in threads and relay the outbox until ``stop`` is set; then let the jobs in
    hand finish, for at most ``shutdown_seconds``."""
    from hubdesk.channels.webhooks import run_webhook_deliveries
    from hubdesk.jobs import build_jobs, start_consumer

    consumer = start_consumer(build_jobs(hub), shutdown_seconds=shutdown_seconds)
    # Webhook deliveries wait on other people's servers: their own thread, so a slow
    # receiver never holds up the relay.
    deliveries = threading.Thread(target=run_webhook_deliveries, args=(hub.app, stop),
                                  name="webhook-deliveries", daemon=True)
    deliveries.start()
    mail = _start_mail_deliveries(hub, stop)
    try:
        run_relay(hub, stop)
    finally:
        stop.set()
        deliveries.join(timeout=shutdown_seconds)
        if mail is not None:
            mail.join(timeout=shutdown_seconds)
        consumer.shutdown()


def _start_mail_deliveries(hub: Hub, stop: threading.Event) -> threading.Thread | None:
    """Outbound mail in its own thread too, when an outgoing mail server is configured."""
    settings = hub.settings
    if not settings.mail_smtp_host:
        return None
    from hubdesk.channels.email.sending import SmtpTransport, run_mail_deliveries

    transport = SmtpTransport(settings.mail_smtp_host, settings.mail_smtp_port,
                              settings.mail_smtp_starttls, settings.mail_smtp_username,
                              settings.mail_smtp_password)
    thread = threading.Thread(target=run_mail_deliveries, args=(hub.app, transport, stop),
                              name="mail-deliveries", daemon=True)
    thread.start()
    return thread


def start_background(hub: Hub, *, shutdown_seconds: float = 4.0
                     ) -> tuple[threading.Thread, threading.Event]:
    """`run_background` in a thread of a server; set the event and join the thread to stop.
    The shutdown allowance stays under the server's own wait for this thread."""
    stop = threading.Event()
    thread = threading.Thread(target=run_background, args=(hub, stop),
                              kwargs={"shutdown_seconds": shutdown_seconds},
                              name="background", daemon=True)
    thread.start()
    return thread, stop
