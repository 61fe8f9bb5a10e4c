"""Reports' turns held in files are shared by every process of one server: an agent whose
two turns another worker process holds is refused a third, and a worker killed mid-report
gives its turns back without anyone tidying up."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import Busy
from hubdesk.services.fair_share import FairShare
from hubdesk.store.turn_files import FileSlots, file_locks_available
from tests import factories

pytestmark = pytest.mark.skipif(not file_locks_available(), reason="no file locks here")

AGENT = Agent(7, "a@hubdesk.test", "A")
UNTIL = datetime(2026, 6, 30, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=30)


def _hold_every_turn(folder: str, ready, done) -> None:
    share = FairShare(slots=FileSlots(Path(folder)))
    with share.turn(AGENT), share.turn(AGENT):
        ready.set()
        done.wait(timeout=60)


def _another_worker(folder: Path):
    context = multiprocessing.get_context("spawn")
    ready, done = context.Event(), context.Event()
    worker = context.Process(target=_hold_every_turn, args=(str(folder), ready, done))
    worker.start()
    assert ready.wait(timeout=60), "the other worker never took its turns"
    return worker, done


def test_turns_another_process_holds_are_not_given_again(tmp_path: Path) -> None:
    worker, done = _another_worker(tmp_path)
    share = FairShare(slots=FileSlots(tmp_path))
    try:
        with pytest.raises(Busy):
            share._take(AGENT.id or 0)
        with share.turn(Agent(8, "b@hubdesk.test", "B")):
            pass  # nobody else waits for that agent's reports
    finally:
        done.set()
        worker.join(timeout=30)
    with share.turn(AGENT), share.turn(AGENT):
        pass  # given back when the other process finished


def test_a_worker_killed_mid_report_gives_its_turns_back(tmp_path: Path) -> None:
    worker, _ = _another_worker(tmp_path)
    os.kill(worker.pid or 0, signal.SIGKILL)
    worker.join(timeout=30)
    share = FairShare(slots=FileSlots(tmp_path))
    with share.turn(AGENT), share.turn(AGENT):
        pass


def test_the_desk_takes_its_turns_where_its_other_workers_do(hub) -> None:
    manager = factories.staff(hub, Role.MANAGER).agent
    other_worker = FairShare(slots=FileSlots(hub.settings.data_dir / "turns"))
    with other_worker.turn(manager), other_worker.turn(manager), pytest.raises(Busy):
        hub.app.flow.report(manager, SINCE, UNTIL, now=UNTIL)
    hub.app.flow.report(manager, SINCE, UNTIL, now=UNTIL)
