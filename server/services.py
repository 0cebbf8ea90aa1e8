"""What the HTTP handlers and sockets share: config, store, broker, rooms."""

from __future__ import annotations

from dataclasses import dataclass

from server.broker.base import Broker
from server.config import Config
from server.http.ratelimit import FailureLimiter
from server.store.base import Store
from server.sync.rooms import Rooms


@dataclass
class Services:
    config: Config
    store: Store
    broker: Broker
    rooms: Rooms
    join_limiter: FailureLimiter
