"""A real Hubdesk server in a child process, on a free loopback port, for the duration of a run."""

from __future__ import annotations

import http.client
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from hubdesk.bench.http import LOOPBACK

log = logging.getLogger("hubdesk.bench")
READY_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class ChildServer:
    """A server in a child process of its own session, on a free loopback port: started,
    awaited until ``ready_path`` answers 200, and stopped with all its workers."""

    name = "server"
    ready_path = "/readyz"
    stop_timeout = STOP_TIMEOUT_SECONDS

    def __init__(self, *, workers: int, log_path: Path) -> None:
        self.workers = workers
        self.log_path = log_path
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        raise NotImplementedError

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def working_dir(self) -> Path | None:
        return None

    def failure(self, message: str) -> Exception:
        return RuntimeError(message)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def __enter__(self) -> ChildServer:
        self.port = free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log_file:
            self._process = subprocess.Popen(  # noqa: S603
                self.command(), cwd=self.working_dir(), env=self.environment(),
                stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        log.info("%s pid %s on %s:%s with %s worker(s), log %s", self.name, self._process.pid,
                 LOOPBACK, self.port, self.workers, self.log_path)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        assert self._process is not None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise self.failure(f"{self.name} exited with {self._process.returncode}; "
                                   f"see {self.log_path}:\n{self.log_tail()}")
            try:
                connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=5)
                connection.request("GET", self.ready_path,
                                   headers={"Accept": "application/json"})
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise self.failure(f"{self.name} was not ready within {READY_TIMEOUT_SECONDS:.0f} s; "
                           f"see {self.log_path}:\n{self.log_tail()}")

    def log_tail(self, characters: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-characters:]
        except OSError:
            return ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # the supervisor stops its workers
        try:
            process.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the session this run started
            process.wait()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


class Server(ChildServer):
    """``hubdesk serve``, as a desk runs it: the application and triage built once before
    the workers fork (shared pages), uvloop and httptools, the problem+json HTTP protocol."""

    def __init__(self, database_url: str, data_dir: Path, *, workers: int = 1,
                 log_path: Path, environment: dict[str, str] | None = None) -> None:
        super().__init__(workers=workers, log_path=log_path)
        self.database_url = database_url
        self.data_dir = data_dir
        self.extra_environment = environment or {}

    def command(self) -> list[str]:
        return [sys.executable, "-c", "from hubdesk.cli import main; main()", "serve",
                "--host", LOOPBACK, "--port", str(self.port), "--workers", str(self.workers)]

    def environment(self) -> dict[str, str]:
        return {**os.environ, "HUBDESK_DATABASE_URL": self.database_url,
                "HUBDESK_DATA_DIR": str(self.data_dir), **self.extra_environment}
