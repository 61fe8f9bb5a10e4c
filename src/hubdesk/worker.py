"""Background work: relaying the outbox (and, later, scheduled sweeps).

`hubdesk worker` runs it as its own process; in the embedded mode `hubdesk serve` runs the
same loop in a thread, so a single-process install needs nothing else.
"""

from __future__ import annotations

import logging
import threading

from hubdesk.bootstrap import Hub

log = logging.getLogger("hubdesk.worker")


def run_relay(hub: Hub, stop: threading.Event, *, idle_seconds: float = 0.5) -> None:
    """Relay until ``stop`` is set; sleeps only when there was nothing to send."""
    while not stop.is_set():
        try:
            sent = hub.app.relay_outbox()
        except Exception:  # a database hiccup must not kill the worker; it retries
            log.exception("outbox relay failed; retrying")
            sent = 0
        if sent == 0:
            stop.wait(idle_seconds)


def start_relay_thread(hub: Hub) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=run_relay, args=(hub, stop), name="outbox-relay",
                              daemon=True)
    thread.start()
    return thread, stop
