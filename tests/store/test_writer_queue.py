import threading
import time

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
