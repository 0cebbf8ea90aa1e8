"""Counting failures per key (an address) in a sliding minute, to slow down guessing."""

from __future__ import annotations

import time
from collections import deque

_MAX_KEYS = 100_000  # beyond this, the oldest keys are forgotten: memory stays bounded


class FailureLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, key: str) -> int | None:
        """Seconds until `key` may try again, or None if it may try now."""
        window = self._prune(key)
        if window is None or len(window) < self.per_minute:
            return None
        return max(1, int(window[0] + 60 - time.monotonic()) + 1)

    def failed(self, key: str) -> None:
        window = self._prune(key)
        if window is None:
            if len(self._failures) >= _MAX_KEYS:
                del self._failures[next(iter(self._failures))]
            window = self._failures[key] = deque()
        window.append(time.monotonic())

    def _prune(self, key: str) -> deque[float] | None:
        window = self._failures.get(key)
        if window is None:
            return None
        horizon = time.monotonic() - 60
        while window and window[0] < horizon:
            window.popleft()
        return window
