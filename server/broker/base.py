"""How committed ops reach every process that serves a board.

The room that sequenced an op publishes it once; each process's room for that board
receives it and forwards it to its own connections. Delivery may be at-most-once (Redis
pub/sub), so receivers check seq continuity and fill gaps from the store.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

Handler = Callable[[list[dict[str, Any]]], None]


class Subscription(abc.ABC):
    @abc.abstractmethod
    def cancel(self) -> None: ...


class Broker(abc.ABC):
    async def start(self) -> None:
        """Connect; the in-process broker has nothing to do."""
        return None

    async def stop(self) -> None:
        """Disconnect."""
        return None

    @abc.abstractmethod
    async def publish(self, board_id: str, records: list[dict[str, Any]]) -> None:
        """Send committed op records (wire form, seq order) to every subscriber of the board."""

    @abc.abstractmethod
    def subscribe(self, board_id: str, handler: Handler) -> Subscription:
        """Call `handler` with each published batch of the board, in publish order."""
