"""A token bucket per connection: how many ops one client may send, in bursts and over time."""

from __future__ import annotations

import time
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
