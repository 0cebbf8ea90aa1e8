"""Keyed reads that arrive together answered by one query.

A restart's reconnect storm makes thousands of token lookups at once, two per socket. One
thread hop and one query each kept the event loop waiting for the GIL behind as many
lookups; gathered, the lookups that arrive while one query runs share the next, and a key
asked for twice is read once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batched(Generic[K, V]):
    """`get(key)` is `read([key, ...])[key]` (None where it is missing), with every key
    asked for while a read runs going into the next read, at most `most` keys a read."""

    def __init__(self, read: Callable[[list[K]], Awaitable[dict[K, V]]], most: int = 500):
        self._read = read
        self._most = most
        self._waiting: dict[K, list[asyncio.Future[V | None]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def get(self, key: K) -> V | None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[V | None] = loop.create_future()
        self._waiting.setdefault(key, []).append(future)
        if self._reader is None:
            self._reader = loop.create_task(self._read_waiting())
        return await future

    async def _read_waiting(self) -> None:
        futures: dict[K, list[asyncio.Future[V | None]]] = {}
        try:
            while self._waiting:
                keys = list(self._waiting)[: self._most]
                futures = {key: self._waiting.pop(key) for key in keys}
                try:
                    found = await self._read(keys)
                except Exception as e:
                    for waiting in futures.values():
                        _settle(waiting, None, e)
                else:
                    for key, waiting in futures.items():
                        _settle(waiting, found.get(key), None)
        finally:  # cancelled (the server stopping): nobody may wait for ever (cancel() leaves
            # an answered future as it is)
            self._reader = None
            for waiting in [*futures.values(), *self._waiting.values()]:
                for future in waiting:
                    future.cancel()
            self._waiting.clear()


def _settle(
    futures: list[asyncio.Future[V | None]], value: V | None, error: BaseException | None
) -> None:
    for future in futures:
        if future.done():  # its caller stopped waiting
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)
