"""Limits of the sync path: ops per connection (a token bucket), connections per address,
and a log line per address and minute rather than per refusal."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucket:
    """`burst` ops at once, refilled at `rate` per second."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()

    def take(self) -> bool:
        """True if one op may go now (and counts it); False if it is over the limit."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


class AddressCounter:
    """Open connections per client address, at most `limit` each, counting only those that
    said hello; those still waiting for their hello are kept apart, at most `limit` too, and
    one more makes the longest-waiting give way: silent sockets cannot keep anyone out."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: dict[str, int] = {}
        self._waiting: dict[str, OrderedDict[object, Callable[[], None]]] = {}

    def full(self, address: str) -> bool:
        return self._open.get(address, 0) >= self.limit

    def wait(self, address: str, give_way: Callable[[], None]) -> object:
        """Counts a socket waiting for its hello; `give_way()` ends its wait if it is the
        oldest of `limit` waiting when another comes. The key for `done_waiting`."""
        waiting = self._waiting.setdefault(address, OrderedDict())
        if len(waiting) >= self.limit:
            _, oldest = waiting.popitem(last=False)
            oldest()
        key = object()
        waiting[key] = give_way
        return key

    def done_waiting(self, address: str, key: object) -> None:
        waiting = self._waiting.get(address)
        if waiting is not None:
            waiting.pop(key, None)
            if not waiting:
                del self._waiting[address]

    def acquire(self, address: str) -> bool:
        """True if `address` may open one more (and counts it)."""
        count = self._open.get(address, 0)
        if count >= self.limit:
            return False
        self._open[address] = count + 1
        return True

    def release(self, address: str) -> None:
        count = self._open.get(address, 0) - 1
        if count > 0:
            self._open[address] = count
        else:
            self._open.pop(address, None)


class Throttled:
    """Whether to log one more refusal for `key`: once per `seconds`, with how many were
    refused meanwhile; a flood of refusals must not become a flood of log lines."""

    def __init__(self, seconds: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: dict[str, tuple[float, int]] = {}

    def count(self, key: str) -> int:
        """0 when this one goes unlogged; else how many to report (this one included)."""
        now = self._clock()
        for k in [k for k, (at, _) in self._last.items() if now - at >= self.seconds]:
            if k != key:
                del self._last[k]  # keeps the table to the addresses of the last minute
        at, quiet = self._last.get(key, (now - self.seconds, 0))
        if now - at < self.seconds:
            self._last[key] = (at, quiet + 1)
            return 0
        self._last[key] = (now, 0)
        return quiet + 1
