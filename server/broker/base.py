"""How committed ops reach every process that serves a board.

The room that sequenced an op delivers it to its own connections and publishes it once;
every other process's room for that board receives it, applies it to its replica and
forwards it to its connections. Delivery may be at-most-once (Redis pub/sub), so receivers
check seq continuity and fill gaps from the store; after a broker outage `on_reconnect` tells
every room to catch up from the store, since anything published meanwhile is gone.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

# (origin, message): who published (a room's id) and what: {"ops": committed records in seq
# order} or {"presence": who is connected to that room, for the other workers' lists}
Handler = Callable[[str, dict[str, Any]], None]


class Subscription(abc.ABC):
    @abc.abstractmethod
    def cancel(self) -> None: ...


class Broker(abc.ABC):
    def __init__(self) -> None:
        # set by Rooms: called after the broker lost its connection and got it back
        self.on_reconnect: Callable[[], None] = lambda: None

    async def start(self) -> None:
        """Connect; the in-process broker has nothing to do."""
        return None

    async def stop(self) -> None:
        """Disconnect."""
        return None

    async def ping(self) -> None:
        """Return when the broker answers; raise BrokerUnavailable otherwise."""
        return None

    @abc.abstractmethod
    async def publish(self, board_id: str, origin: str, message: dict[str, Any]) -> None:
        """Send a message to every subscriber of the board. Raises BrokerUnavailable when it
        could not be sent (ops are stored all the same)."""

    @abc.abstractmethod
    async def subscribe(self, board_id: str, handler: Handler) -> Subscription:
        """Call `handler` with each batch published for the board from now on, in order."""
