"""Filing received mail in worker processes, for `hubdesk mail smtpd`.

Filing a message (parsing, triage, threading, the ticket's write) is mostly Python: on one
interpreter it is bound by one lock however many threads run it, and it also waits on the
database. So the SMTP process keeps receiving and storing, and hands each stored message's
id to a few worker processes in turn, each filing on several threads. A worker builds the
desk from the same settings (the environment it inherits) and reads the message's bytes from
the blob store, so nothing large crosses between processes: with the id comes the name the
bytes are kept under, so the worker need not look the message up in a transaction of its own
before filing it (filing checks the message's state under a lock anyway).

Each worker has a pipe of its own, written only by the SMTP process and read only by that
worker: a worker killed in the middle of anything holds no lock another needs. A dead worker
is started again; the messages it held stay `received` in the database and are filed by the
pending sweep or the next start (they were durable before the sender heard 250, so nothing
is lost).
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from typing import Any

log = logging.getLogger("hubdesk.mail")

THREADS_PER_PROCESS = 4
_STOP = -1


def _serve(ids: Connection, threads: int, log_level: str) -> None:
    """A worker process: file the ids read from ``ids`` on ``threads`` threads, until the
    pipe says stop or closes."""
    from hubdesk import logs
    from hubdesk.bootstrap import build_hub
    from hubdesk.config import get_settings

    logs.configure(log_level)
    threading.Thread(target=_exit_with_parent, name="mail-filing-parent", daemon=True).start()
    # Triage models load (and warm up) here, once, with the background budget: nobody waits.
    hub: Any = build_hub(get_settings().for_background_filing())
    work: queue.Queue[tuple[int, str | None]] = queue.Queue()

    def file_each() -> None:
        while (item := work.get())[0] != _STOP:
            inbound_id, raw_sha256 = item
            try:
                if raw_sha256 is not None:
                    hub.app.mail.process_stored(inbound_id, raw_sha256)
                else:
                    hub.app.mail.process(inbound_id)
            except Exception:  # left `received`; filed by the next pending sweep or restart
                log.exception("filing a received message failed; it stays pending")

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mail-filing") as pool:
        for _ in range(threads):
            pool.submit(file_each)
        try:
            while (item := ids.recv()) != _STOP:
                work.put(item)
        except EOFError:  # the SMTP process closed its end: finish what was handed over
            pass
        for _ in range(threads):
            work.put((_STOP, None))
    hub.close()


def _exit_with_parent() -> None:
    """An SMTP process killed outright cannot stop its workers: they stop themselves. What
    they were filing stays `received` for the next start."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)


@dataclass
class _Worker:
    process: SpawnProcess
    ids: Connection  # the SMTP process's end of the worker's pipe


class ProcessFiler:
    """Files stored messages on ``processes`` worker processes of ``threads`` threads."""

    def __init__(self, processes: int, log_level: str = "INFO", *,
                 threads: int = THREADS_PER_PROCESS, watch_seconds: float = 1.0) -> None:
        # Spawned, not forked: the SMTP process runs threads and an event loop.
        self._context = multiprocessing.get_context("spawn")
        self.threads = threads
        self.log_level = log_level
        self.restarts = 0  # workers started again after one died
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._workers = [self._start() for _ in range(processes)]
        self._turn = itertools.cycle(range(processes))
        self._watcher = threading.Thread(target=self._watch, args=(watch_seconds,),
                                         name="mail-filing-watch", daemon=True)
        self._watcher.start()

    def _start(self) -> _Worker:
        reading, writing = self._context.Pipe(duplex=False)
        process = self._context.Process(target=_serve, name="hubdesk-mail-filing",
                                        args=(reading, self.threads, self.log_level))
        process.start()
        reading.close()  # the worker's end lives on in the worker only
        return _Worker(process, writing)

    def _watch(self, every: float) -> None:
        while not self._closed.wait(every):
            with self._lock:
                for n, worker in enumerate(self._workers):
                    if not worker.process.is_alive() and not self._closed.is_set():
                        self._replace(n)

    def _replace(self, n: int) -> None:
        """Under the lock: a fresh worker in place of a dead one."""
        dead = self._workers[n]
        log.error("a mail filing process died (exit code %s); starting another, and what "
                  "it held is filed by the pending sweep", dead.process.exitcode)
        dead.ids.close()
        self._workers[n] = self._start()
        self.restarts += 1

    def submit(self, inbound_id: int, raw: bytes | None, raw_sha256: str | None = None
               ) -> None:
        del raw  # the worker reads the stored bytes; passing them would copy them twice
        with self._lock:
            for _ in range(len(self._workers)):
                n = next(self._turn)
                try:
                    self._workers[n].ids.send((inbound_id, raw_sha256))
                    return
                except OSError:  # died since the last look: the next one takes it
                    self._replace(n)
        log.error("no mail filing process took message %d; the pending sweep files it",
                  inbound_id)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def close(self, wait: bool = True) -> None:
        self._closed.set()
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            try:
                if wait:  # what was handed over is filed first
                    worker.ids.send(_STOP)
                worker.ids.close()
            except OSError:
                pass
        for worker in workers:
            worker.process.join(60 if wait else 0)
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join(5)
