"""Scale-out: two `hubdesk worker` processes on one Redis queue and one database run every
periodic tick exactly once (Redis is required under CI=true)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REDIS_TEST_URL
from tests.jobs.conftest import wait_until
from tests.jobs.recording import TICK_JOB, records

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = REDIS_TEST_URL
TAKEN = "periodic tick already taken"


@pytest.fixture
def queue_name(redis_url):
    """A queue of this test's own on the shared Redis, emptied afterwards."""
    from huey import RedisHuey

    name = f"hubdesk_test_{uuid.uuid4().hex[:12]}"
    yield name
    RedisHuey(name, url=redis_url).storage.flush_all()


def _worker(hub, queue_name: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ,
           "PYTHONPATH": str(ROOT),
           "HUBDESK_ENVIRONMENT": "test",
           "HUBDESK_DATA_DIR": str(hub.settings.data_dir),
           "HUBDESK_DATABASE_URL": hub.engine.url.render_as_string(hide_password=False),
           "HUBDESK_REDIS_URL": REDIS_URL,
           "HUBDESK_JOB_QUEUE_NAME": queue_name,
           "HUBDESK_JOB_MODULES": json.dumps(["tests.jobs.recording"]),
           "HUBDESK_JOB_SCHEDULE_CHECK_SECONDS": "1",
           "HUBDESK_JOB_WORKERS": "2",
           "HUBDESK_TRIAGE_ENABLED": "false",
           "HUBDESK_LOG_LEVEL": "INFO"}
    hubdesk = Path(sys.executable).with_name("hubdesk")
    # Started from the data directory, so no developer's .env file is read.
    return subprocess.Popen([str(hubdesk), "worker"], env=env, cwd=hub.settings.data_dir,
                            stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def _taken(log: Path) -> int:
    return sum(TAKEN in line for line in log.read_text(errors="replace").splitlines())


def test_two_worker_processes_run_every_tick_exactly_once(hub, recorded, queue_name, tmp_path):
    logs = [tmp_path / "worker-a.log", tmp_path / "worker-b.log"]
    workers = [_worker(hub, queue_name, log) for log in logs]
    try:
        # Enough ticks, and ticks seen arriving a second time after their claim: both
        # schedulers were enqueueing the same ticks.
        wait_until(lambda: (len(records(hub.engine, TICK_JOB)) >= 6
                            and sum(_taken(log) for log in logs) >= 3)
                   or any(worker.poll() is not None for worker in workers),
                   seconds=90, what="ticks run by two workers")
        assert [worker.poll() for worker in workers] == [None, None], \
            [log.read_text()[-2000:] for log in logs]
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            assert worker.wait(timeout=40) == 0
    finally:
        for log in logs:  # shown by pytest when the test fails
            print(log.name, log.read_text(errors="replace")[-3000:])
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)

    runs = Counter(tick for tick, *_ in records(hub.engine, TICK_JOB))
    assert len(runs) >= 6
    assert [tick for tick, count in runs.items() if count != 1] == []
