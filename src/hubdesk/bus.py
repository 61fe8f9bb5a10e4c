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

    def subscribed(self, inbox: queue.Queue[dict[str, Any]]) -> bool:
        with self._lock:
            return inbox in self._subscribers

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


class RedisListener:
    """Hands every event published on the shared Redis channel to this process's subscribers,
    so a live console on any server process sees what any process committed.

    A daemon thread; a lost connection is retried every few seconds, and each reconnect is
    announced to subscribers (topic ``live.resync``) because events may have been missed.
    """

    RETRY_SECONDS = 3.0

    def __init__(self, url: str, local: LocalBroadcast, channel: str = EVENTS_CHANNEL) -> None:
        self.url, self.local, self.channel = url, local, channel
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="hubdesk-live", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        import redis

        first = True
        while not self._stop.is_set():
            try:
                client = redis.Redis.from_url(self.url, socket_connect_timeout=5)
                # redis before 8.2 leaves pubsub() untyped; later releases type it
                subscription = client.pubsub(  # type: ignore[no-untyped-call, unused-ignore]
                    ignore_subscribe_messages=True)
                subscription.subscribe(self.channel)
                if not first:
                    self.local.publish("live.resync", {})
                first = False
                while not self._stop.is_set():
                    message = subscription.get_message(timeout=1.0)
                    if message is not None:
                        self._forward(message["data"])
                subscription.close()
                client.close()
            except redis.exceptions.RedisError:
                self._stop.wait(self.RETRY_SECONDS)

    def _forward(self, data: bytes) -> None:
        try:
            event = orjson.loads(data)
        except orjson.JSONDecodeError:
            return  # not one of ours
        if isinstance(event, dict) and isinstance(event.get("topic"), str):
            topic = event.pop("topic")
            self.local.publish(topic, event)
