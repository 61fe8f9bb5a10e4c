"""Publishers for committed events: in-process fan-out, and Redis pub/sub for scale-out."""

from __future__ import annotations

import queue
import threading
from typing import Any

import orjson

EVENTS_CHANNEL = "hubdesk.events"


class LocalBroadcast:
    """Fan-out to subscribers in this process (live updates in the embedded mode)."""

    def __init__(self, max_queued: int = 1000) -> None:
        self._subscribers: list[queue.Queue[dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._max_queued = max_queued

    def subscribe(self) -> queue.Queue[dict[str, Any]]:
        inbox: queue.Queue[dict[str, Any]] = queue.Queue(self._max_queued)
        with self._lock:
            self._subscribers.append(inbox)
        return inbox

    def unsubscribe(self, inbox: queue.Queue[dict[str, Any]]) -> None:
        with self._lock:
            if inbox in self._subscribers:
                self._subscribers.remove(inbox)

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        message = {"topic": topic, **payload}
        with self._lock:
            subscribers = list(self._subscribers)
        for inbox in subscribers:
            try:
                inbox.put_nowait(message)
            except queue.Full:
                # A stalled subscriber must not hold up everyone else; it resynchronises by
                # reloading, which the console does when its stream reconnects.
                self.unsubscribe(inbox)


class RedisPublisher:
    """Publishes each event as JSON on one Redis channel shared by all processes."""

    def __init__(self, url: str, channel: str = EVENTS_CHANNEL) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.channel = channel

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        self._client.publish(self.channel, orjson.dumps({"topic": topic, **payload}))

    def close(self) -> None:
        self._client.close()


class FanOut:
    """Publishes to several publishers; the first failure stops and is retried as a whole."""

    def __init__(self, *publishers: Any) -> None:
        self.publishers = publishers

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        for publisher in self.publishers:
            publisher.publish(topic, payload)
