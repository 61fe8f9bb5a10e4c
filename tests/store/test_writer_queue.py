import multiprocessing
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from hubdesk.bootstrap import assemble
from hubdesk.config import Settings
from hubdesk.store import writers
from hubdesk.store.engine import make_engine
from hubdesk.store.migrate import upgrade
from hubdesk.store.writers import WriterQueue


def test_writers_take_turns_and_the_next_one_wakes_at_once(tmp_path):
    queue = WriterQueue(tmp_path / "db.writer-lock")
    order: list[str] = []
    first = queue.acquire()
    waiting = threading.Event()

    def second_writer() -> None:
        waiting.set()
        turn = queue.acquire()
        order.append("second")
        queue.release(turn)

    thread = threading.Thread(target=second_writer)
    thread.start()
    waiting.wait()
    time.sleep(0.05)
    order.append("first")
    released = time.perf_counter()
    queue.release(first)
    thread.join(timeout=5)
    assert order == ["first", "second"]
    assert time.perf_counter() - released < 0.05  # woken, not polling


def _batches(lock_path: Path, done, stop) -> None:
    """A background job's loop: back-to-back turns of 20 ms of work each, counted."""
    queue = WriterQueue(lock_path)
    while not stop.is_set():
        turn = queue.acquire()
        busy_until = time.perf_counter() + 0.02
        while time.perf_counter() < busy_until:
            pass
        with done.get_lock():
            done.value += 1
        queue.release(turn)


def test_a_writer_waits_its_turn_behind_a_loop_of_batches_in_another_process(tmp_path):
    # The kernel gives a freed lock to whoever asks first; without the rejoin gap the loop
    # asks again at once and kept the lock for dozens of turns (seconds) at a time.
    context = multiprocessing.get_context("fork")
    done, stop = context.Value("i", 0), context.Event()
    loop = context.Process(target=_batches, args=(tmp_path / "db.writer-lock", done, stop))
    loop.start()
    try:
        while done.value < 2:
            time.sleep(0.005)
        queue = WriterQueue(tmp_path / "db.writer-lock")
        turns_waited = []
        for _ in range(8):
            before = done.value
            queue.release(queue.acquire())
            turns_waited.append(done.value - before)
            time.sleep(0.03)
    finally:
        stop.set()
        loop.join(timeout=10)
    assert max(turns_waited) <= 3, turns_waited


def _log_size_after_queued_writes(tmp_path: Path, writes: int) -> int:
    """Bytes of the write-ahead log after ``writes`` queued write turns of ~200 kB each."""
    url = f"sqlite:///{tmp_path / 'hubdesk.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        uows = assemble(Settings(environment="test", data_dir=tmp_path, database_url=url,
                                 embedded_worker=False), engine).uows
        at = datetime(2026, 12, 1, tzinfo=UTC)
        for number in range(writes):
            with uows() as uow:
                uow.outbox.put("test.bulky", {"n": number, "text": "x" * 200_000}, at)
                uow.commit()
        return (tmp_path / "hubdesk.db-wal").stat().st_size
    finally:
        engine.dispose()


def test_queued_writers_checkpoint_the_log_so_it_stays_small(tmp_path, monkeypatch):
    writes = 3 * writers.CHECKPOINT_EVERY  # ~20 MB written in all
    checkpointed = _log_size_after_queued_writes(tmp_path / "queue", writes)
    # Control: SQLite's own threshold (SAFETY_NET_PAGES, ~40 MB) alone lets the log grow.
    monkeypatch.setattr(writers, "CHECKPOINT_EVERY", 10 ** 9)
    unattended = _log_size_after_queued_writes(tmp_path / "control", writes)
    assert unattended > 15_000_000
    assert checkpointed < 10_000_000


def test_only_a_queued_database_leaves_checkpoints_to_its_writers(tmp_path, monkeypatch):
    def threshold(name: str) -> int:
        engine = make_engine(f"sqlite:///{tmp_path / name}")
        try:
            with engine.connect() as connection:
                return int(connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one())
        finally:
            engine.dispose()

    assert threshold("queued.db") == writers.SAFETY_NET_PAGES
    monkeypatch.setattr(writers, "fcntl", None)  # a platform without file locks: no queue
    assert threshold("unqueued.db") == 1000  # SQLite's own default, its checkpoints its own
