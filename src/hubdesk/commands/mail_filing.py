"""Filing received mail in worker processes, for `hubdesk mail smtpd`.

Filing a message (parsing, triage, threading, the ticket's write) is mostly Python: on one
interpreter it is bound by one lock however many threads run it, and it also waits on the
database. So the SMTP process keeps receiving and storing, and hands each stored message's
id to a few worker processes, each filing on several threads. A worker builds the desk from
the same settings (the environment it inherits) and reads the message's bytes from the blob
store, so nothing large crosses between processes.

A worker that dies (killed, out of memory on a freak message) is started again. What it held
stays `received` in the database and is filed by the pending sweep or the next start: the
message was durable before the sender heard 250, so nothing is lost.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from typing import Any

log = logging.getLogger("hubdesk.mail")

THREADS_PER_PROCESS = 4
_STOP = -1


def _serve(queue: Queue[int], threads: int, log_level: str) -> None:
    """A worker process: file the ids from ``queue`` on ``threads`` threads until told to
    stop."""
    from hubdesk import logs
    from hubdesk.bootstrap import build_hub
    from hubdesk.config import get_settings

    logs.configure(log_level)
    threading.Thread(target=_exit_with_parent, name="mail-filing-parent", daemon=True).start()
    hub: Any = build_hub(get_settings())  # triage models load (and warm up) here, once

    def work() -> None:
        while (inbound_id := queue.get()) != _STOP:
            try:
                hub.app.mail.process(inbound_id)
            except Exception:  # left `received`; filed by the next pending sweep or restart
                log.exception("filing a received message failed; it stays pending")

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mail-filing") as pool:
        for _ in range(threads):
            pool.submit(work)
    hub.close()


def _exit_with_parent() -> None:
    """An SMTP process killed outright cannot stop its workers: they stop themselves. What
    they were filing stays `received` for the next start."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


class ProcessFiler:
    """Files stored messages on ``processes`` worker processes of ``threads`` threads."""

    def __init__(self, processes: int, log_level: str = "INFO", *,
                 threads: int = THREADS_PER_PROCESS, watch_seconds: float = 1.0) -> None:
        # Spawned, not forked: the SMTP process runs threads and an event loop.
        self._context = multiprocessing.get_context("spawn")
        self._queue: Queue[int] = self._context.Queue()
        self.threads = threads
        self.log_level = log_level
        self.restarts = 0  # workers started again after one died
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._workers = [self._start() for _ in range(processes)]
        self._watcher = threading.Thread(target=self._watch, args=(watch_seconds,),
                                         name="mail-filing-watch", daemon=True)
        self._watcher.start()

    def _start(self) -> SpawnProcess:
        worker = self._context.Process(target=_serve, name="hubdesk-mail-filing",
                                       args=(self._queue, self.threads, self.log_level))
        worker.start()
        return worker

    def _watch(self, every: float) -> None:
        while not self._closed.wait(every):
            with self._lock:
                for n, worker in enumerate(self._workers):
                    if not worker.is_alive() and not self._closed.is_set():
                        log.error("a mail filing process died (exit code %s); starting "
                                  "another", worker.exitcode)
                        self._workers[n] = self._start()
                        self.restarts += 1

    def submit(self, inbound_id: int, raw: bytes) -> None:
        del raw  # the worker reads the stored bytes; passing them would copy them twice
        self._queue.put(inbound_id)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [worker.pid for worker in self._workers if worker.pid is not None]

    def close(self, wait: bool = True) -> None:
        self._closed.set()
        with self._lock:
            workers = list(self._workers)
        if wait:  # what was handed over is filed first
            for _ in range(len(workers) * self.threads):
                self._queue.put(_STOP)
            for worker in workers:
                worker.join(60)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
                worker.join(5)
