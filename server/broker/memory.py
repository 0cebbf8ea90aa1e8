"""The embedded broker: one process, handlers called directly, nothing lost."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from server.broker.base import Broker, Handler, Subscription


class _MemorySubscription(Subscription):
    def __init__(self, handlers: list[Handler], handler: Handler) -> None:
        self._handlers = handlers
        self._handler = handler

    def cancel(self) -> None:
        if self._handler in self._handlers:
            self._handlers.remove(self._handler)


class MemoryBroker(Broker):
    def __init__(self) -> None:
        super().__init__()
        self._handlers: defaultdict[str, list[Handler]] = defaultdict(list)

    async def publish(self, board_id: str, origin: str, message: dict[str, Any]) -> None:
        for handler in list(self._handlers.get(board_id, ())):
            handler(origin, message)

    async def subscribe(self, board_id: str, handler: Handler) -> Subscription:
        self._handlers[board_id].append(handler)
        return _MemorySubscription(self._handlers[board_id], handler)
