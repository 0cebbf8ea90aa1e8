"""Brokers behind one interface (`base.Broker`), chosen by the Redis URL (or none)."""

from __future__ import annotations

from server.broker.base import Broker


def open_broker(redis_url: str) -> Broker:
    """Redis when a URL is given, else the in-process broker (one worker only)."""
    if redis_url:
        from server.broker.redis import RedisBroker

        return RedisBroker(redis_url)
    from server.broker.memory import MemoryBroker

    return MemoryBroker()
