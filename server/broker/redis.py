"""The production broker: Redis pub/sub, one channel per board, one publish per batch.

Pub/sub is at-most-once: a message sent while a subscriber is disconnected is gone. So the
listener, when it has lost Redis and got it back, subscribes again to every board and calls
`on_reconnect`, and the rooms catch up from the store; a message lost any other way shows
up as a gap in seq at the next one, which the room fills from the store as well.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from server import outages
from server.broker.base import Broker, Handler, Subscription
from server.exceptions import BrokerUnavailable

log = logging.getLogger("planche.broker")

_CHANNEL = "planche:board:"
_ALWAYS = "planche:workers"  # keeps the subscription open while no board is
_BACKOFF_MAX = 2.0


def _channel(board_id: str) -> str:
    return _CHANNEL + board_id


class _RedisSubscription(Subscription):
    def __init__(self, broker: RedisBroker, board_id: str, handler: Handler) -> None:
        self._broker = broker
        self._board_id = board_id
        self._handler = handler

    def cancel(self) -> None:
        self._broker._cancel(self._board_id, self._handler)


class RedisBroker(Broker):
    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = url
        self._client: aioredis.Redis | None = None
        self._pubsub: Any = None  # the listener's current PubSub, None while reconnecting
        self._handlers: defaultdict[str, list[Handler]] = defaultdict(list)
        self._listener: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._background: set[asyncio.Task[None]] = set()
        self.reconnects = 0

    @property
    def client(self) -> aioredis.Redis:
        if self._client is None:
            raise BrokerUnavailable("the broker is not started")
        return self._client

    async def start(self) -> None:
        self._client = aioredis.from_url(
            self._url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=10
        )
        try:
            await self._client.ping()
        except (RedisError, OSError) as e:
            raise BrokerUnavailable(f"Redis at {self._url} does not answer: {e}") from e
        self._listener = asyncio.create_task(self._listen(), name="redis-listener")
        await self._connected.wait()

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._client is not None:
            await self._client.aclose()

    async def ping(self) -> None:
        try:
            await self.client.ping()
        except (RedisError, OSError) as e:
            raise BrokerUnavailable(str(e)) from e
        if self._pubsub is None:
            raise BrokerUnavailable("the subscription to Redis is being restored")

    async def publish(self, board_id: str, origin: str, message: dict[str, Any]) -> None:
        payload = json.dumps({"o": origin, "m": message}, separators=(",", ":"), ensure_ascii=False)
        try:
            await self.client.publish(_channel(board_id), payload)
        except (RedisError, OSError) as e:
            raise BrokerUnavailable(str(e)) from e

    async def subscribe(self, board_id: str, handler: Handler) -> Subscription:
        first = not self._handlers[board_id]
        self._handlers[board_id].append(handler)
        if first and self._pubsub is not None:
            try:
                await self._pubsub.subscribe(_channel(board_id))
            except (RedisError, OSError) as e:  # the listener subscribes again on reconnect
                log.warning("subscribing to board %s failed: %s", board_id, e)
        return _RedisSubscription(self, board_id, handler)

    def _cancel(self, board_id: str, handler: Handler) -> None:
        handlers = self._handlers.get(board_id)
        if handlers and handler in handlers:
            handlers.remove(handler)
        if not handlers:
            self._handlers.pop(board_id, None)
            if self._pubsub is not None:
                pubsub = self._pubsub

                async def unsubscribe() -> None:
                    with contextlib.suppress(RedisError, OSError):
                        await pubsub.unsubscribe(_channel(board_id))

                task = asyncio.create_task(unsubscribe())
                self._background.add(task)
                task.add_done_callback(self._background.discard)

    async def _listen(self) -> None:
        backoff = 0.1
        first = True
        while True:
            pubsub = self.client.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(_ALWAYS, *(_channel(b) for b in list(self._handlers)))
                self._pubsub = pubsub
                self._connected.set()
                if not first:
                    self.reconnects += 1
                    outages.BROKER.answered()  # the one line that says it is back
                    self.on_reconnect()  # every room catches up from the store
                first, backoff = False, 0.1
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message is not None:
                        self._dispatch(message)
            except (RedisError, OSError) as e:
                if self._pubsub is not None:
                    outages.BROKER.failed(e)  # one line for the outage, not one per retry
                self._pubsub = None
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)

    def _dispatch(self, message: dict[str, Any]) -> None:
        channel = message["channel"].decode()
        if not channel.startswith(_CHANNEL):
            return
        try:
            body = json.loads(message["data"])
            origin, message_body = body["o"], body["m"]
        except (ValueError, KeyError, TypeError):
            log.error("ignored a malformed message on %s", channel)
            return
        for handler in list(self._handlers.get(channel[len(_CHANNEL) :], ())):
            handler(origin, message_body)
