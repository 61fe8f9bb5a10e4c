"""Committed events reach other processes through Redis pub/sub (required under CI=true)."""

from __future__ import annotations

import time

import orjson
import pytest

from hubdesk.bus import EVENTS_CHANNEL, FanOut, LocalBroadcast, RedisPublisher
from hubdesk.domain.agents import Role
from hubdesk.services.outbox import relay_outbox
from tests import factories
from tests.conftest import REDIS_TEST_URL

REDIS_URL = REDIS_TEST_URL


@pytest.fixture
def redis_client(redis_url):
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    yield client
    client.close()


def test_relayed_events_arrive_on_the_redis_channel(hub, redis_client):
    pubsub = redis_client.pubsub()
    pubsub.subscribe(EVENTS_CHANNEL)
    pubsub.get_message(timeout=2)  # the subscription confirmation
    admin = factories.staff(hub, Role.ADMIN).agent
    detail = factories.ticket(hub, admin)
    local = LocalBroadcast()
    inbox = local.subscribe()
    publisher = RedisPublisher(REDIS_URL)
    try:
        assert relay_outbox(hub.uows, FanOut(local, publisher)) == 1
    finally:
        publisher.close()
    deadline = time.monotonic() + 5
    message = None
    while message is None and time.monotonic() < deadline:
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=1)
    pubsub.close()
    assert message is not None
    event = orjson.loads(message["data"])
    assert (event["topic"], event["ticket_id"]) == ("ticket.created", detail.ticket.id)
    assert inbox.get_nowait()["ticket_id"] == detail.ticket.id


def test_a_stalled_local_subscriber_is_dropped_not_waited_for():
    local = LocalBroadcast(max_queued=2)
    stalled = local.subscribe()
    for i in range(5):
        local.publish("ticket.updated", {"ticket_id": i})
    assert stalled.qsize() == 2
    fresh = local.subscribe()
    local.publish("ticket.updated", {"ticket_id": 9})
    assert fresh.get_nowait()["ticket_id"] == 9
