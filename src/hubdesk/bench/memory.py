"""`hubdesk bench memory`: what `hubdesk serve` holds in memory at rest, with triage loaded.

A scratch data folder gets a SQLite database and the demo desk's trained intent model, then
`hubdesk serve` starts on a free loopback port. Once `/readyz` answers, the resident set
(VmRSS) and the proportional set (Pss: shared pages divided among the processes sharing them)
of every process of the server's tree are read from /proc. RSS counts a page shared by N
workers N times; Pss counts it once in all, so the summed Pss is what N workers really cost.

With ``requests``, that many tickets are then posted through the API one after another (as the
demo's customers write them) and the tree is read again after the same settling: what a
server holds once it has worked. Each reading splits RSS into the process's own heap
(RssAnon) and mapped files (RssFile: the libraries, and the memory-mapped language model's
pages that detection visited, which every worker shares through the page cache).
"""

from __future__ import annotations

import logging
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from hubdesk.bench.load import drive, encoder, run_async
from hubdesk.bench.processes import ProcessMemory, memory_of, process_tree
from hubdesk.bench.server import ChildServer

log = logging.getLogger("hubdesk.bench")
TARGET_MB = 150
SETTLE_SECONDS = 2.0


class ServeCommand(ChildServer):
    """`hubdesk serve` itself, as a desk runs it."""

    name = "hubdesk serve"

    def __init__(self, data_dir: Path, *, workers: int, log_path: Path) -> None:
        super().__init__(workers=workers, log_path=log_path)
        self.data_dir = data_dir

    def command(self) -> list[str]:
        return [sys.executable, "-c", "from hubdesk.cli import main; main()", "serve",
                "--host", "127.0.0.1", "--port", str(self.port),
                "--workers", str(self.workers)]

    def environment(self) -> dict[str, str]:
        environment = {key: value for key, value in super().environment().items()
                       if not key.startswith("HUBDESK_")}
        return {**environment, "HUBDESK_DATA_DIR": str(self.data_dir),
                "HUBDESK_LOG_LEVEL": "WARNING"}


def run(*, workers: int = 1, requests: int = 0, seed: int = 7,
        log_dir: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hubdesk-bench-memory-") as scratch:
        data_dir = Path(scratch)
        version, token = _prepare_desk(data_dir, seed)
        bodies = _ticket_bodies(requests, seed)
        log_path = (log_dir or data_dir) / "memory-server.log"
        with ServeCommand(data_dir, workers=workers, log_path=log_path) as server:
            time.sleep(SETTLE_SECONDS)  # let the workers finish starting their threads
            assert server.pid is not None
            at_rest = _tree(server.pid, workers)
            after = None
            if bodies:
                errors = _post_tickets(server.port, token, bodies)
                time.sleep(SETTLE_SECONDS)
                after = {"requests": len(bodies), "errors": errors,
                         **_tree(server.pid, workers)}
    return {"workers": workers, "intent_model": version, **at_rest,
            **({"after_requests": after} if after else {}), "target_mb": TARGET_MB}


def _tree(root: int, workers: int) -> dict[str, Any]:
    readings = (memory_of(pid) for pid in process_tree(root))
    processes = [_memory(reading) for reading in readings if reading is not None]
    workers_only = processes[1:] if workers > 1 else processes
    return {
        "processes": processes,
        "total_rss_mb": round(sum(p["rss_mb"] for p in processes), 1),
        "total_pss_mb": round(sum(p["pss_mb"] for p in processes), 1),
        "largest_worker_rss_mb": max(p["rss_mb"] for p in workers_only),
    }


def _prepare_desk(data_dir: Path, seed: int) -> tuple[str | None, str]:
    """The demo desk's intent model trained into ``data_dir``, and an API token."""
    from hubdesk.bench.setup import api_caller
    from hubdesk.bootstrap import build_hub
    from hubdesk.config import Settings
    from hubdesk.demo.intent_model import train_demo_intent_model

    log.info("training the demo desk's intent model in %s", data_dir)
    hub = build_hub(Settings(environment="test", data_dir=data_dir, embedded_worker=False))
    try:
        hub.migrate()
        return train_demo_intent_model(hub, seed), api_caller(hub, "memory-bench").token
    finally:
        hub.close()


def _ticket_bodies(count: int, seed: int) -> list[bytes]:
    from hubdesk.bench.setup import ticket_payloads

    return ticket_payloads(random.Random(seed), count, []) if count else []


def _post_tickets(port: int, token: str, bodies: list[bytes]) -> int:
    """Post each ticket in turn on one connection; how many were not created."""
    log.info("posting %s tickets", len(bodies))
    build = encoder(port, token, {"Content-Type": "application/json"})
    requests = [build.encode("POST", "/api/v1/tickets", body) for body in bodies]
    result = run_async(lambda: drive(port, requests, 1, expect=201))
    return result.errors + result.abandoned


def _memory(reading: ProcessMemory) -> dict[str, Any]:
    return {"pid": reading.pid, "rss_mb": reading.rss_mib,
            "heap_mb": reading.own_rss_mib or 0.0,
            "mapped_files_mb": reading.file_rss_mib or 0.0, "pss_mb": reading.pss_mib or 0.0}
