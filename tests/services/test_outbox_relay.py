"""Every committed change reaches the publisher once, in order, and failures are retried."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from hubdesk.domain.agents import Role
from hubdesk.domain.tickets import Status
from hubdesk.services.outbox import relay_outbox
from hubdesk.services.tickets import change_status
from tests import factories


class Recorder:
    def __init__(self, fail_on: str | None = None) -> None:
        self.seen: list[tuple[str, dict]] = []
        self.fail_on = fail_on
        self.lock = threading.Lock()

    def publish(self, topic, payload):
        if topic == self.fail_on:
            raise ConnectionError("bus down")
        with self.lock:
            self.seen.append((topic, payload))


def test_changes_are_relayed_once_in_commit_order(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    detail = factories.ticket(hub, admin)
    change_status(hub.uows, admin, detail.ticket.id, Status.OPEN)
    recorder = Recorder()
    assert relay_outbox(hub.uows, recorder) == 2
    assert [topic for topic, _ in recorder.seen] == ["ticket.created", "ticket.status_changed"]
    assert recorder.seen[1][1]["changes"] == {"status": ["new", "open"]}
    assert relay_outbox(hub.uows, recorder) == 0


def test_a_failed_publish_stays_queued_and_blocks_later_ones(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    detail = factories.ticket(hub, admin)
    change_status(hub.uows, admin, detail.ticket.id, Status.OPEN)
    failing = Recorder(fail_on="ticket.status_changed")
    assert relay_outbox(hub.uows, failing) == 1
    healthy = Recorder()
    assert relay_outbox(hub.uows, healthy) == 1
    assert [topic for topic, _ in healthy.seen] == ["ticket.status_changed"]


def test_concurrent_relays_never_publish_an_entry_twice(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    for i in range(30):
        factories.ticket(hub, admin, subject=f"Ticket {i}")
    recorder = Recorder()
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda _: [relay_outbox(hub.uows, recorder, limit=4) for _ in range(5)],
                      range(3)))
    relay_outbox(hub.uows, recorder)
    ids = [payload["outbox_id"] for _, payload in recorder.seen]
    assert len(ids) == 30 and len(set(ids)) == 30
