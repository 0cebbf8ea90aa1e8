"""Slowing down join-code guessing: counts per address and per code in sliding windows."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from starlette.requests import HTTPConnection

from server.config import Config

_MAX_KEYS = 100_000  # beyond this, the oldest keys are forgotten: memory stays bounded


class SlidingWindow:
    """Events per key within the last `seconds`."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._events: dict[str, deque[float]] = {}

    def count(self, key: str) -> int:
        return len(self._prune(key) or ())

    def add(self, key: str) -> None:
        window = self._prune(key)
        if window is None:
            if len(self._events) >= _MAX_KEYS:
                del self._events[next(iter(self._events))]
            window = self._events[key] = deque()
        window.append(self._clock())

    def retry_after(self, key: str, limit: int) -> int | None:
        """Seconds until `key` is under `limit` again, or None if it is now."""
        window = self._prune(key)
        if window is None or len(window) < limit:
            return None
        return max(1, math.ceil(window[-limit] + self.seconds - self._clock()))

    def _prune(self, key: str) -> deque[float] | None:
        window = self._events.get(key)
        if window is None:
            return None
        horizon = self._clock() - self.seconds
        while window and window[0] < horizon:
            window.popleft()
        return window


class Refused(Exception):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class JoinGuard:
    """Who may try a join code now. Wrong codes from one address: `join_attempts_per_minute`,
    then 429 for the rest of the minute; `join_lockout_after` within an hour, then the address
    is locked out for `join_lockout_minutes`. Joins through one code: at most
    `joins_per_code_per_minute` (a script filling a board with fake participants)."""

    def __init__(self, config: Config, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._minute = SlidingWindow(60, clock)
        self._hour = SlidingWindow(3600, clock)
        self._codes = SlidingWindow(60, clock)
        self._locked: dict[str, float] = {}  # address → locked until

    def check_address(self, address: str) -> None:
        """Raises Refused while `address` may not try a code."""
        until = self._locked.get(address)
        if until is not None:
            if until > self._clock():
                minutes = max(1, round((until - self._clock()) / 60))
                raise Refused(
                    "Joining from this address is locked because of too many wrong codes. "
                    f"Try again in {minutes} minutes, or ask the facilitator to read the code "
                    "out again.",
                    max(1, math.ceil(until - self._clock())),
                )
            del self._locked[address]
        if wait := self._minute.retry_after(address, self._config.join_attempts_per_minute):
            raise Refused(
                f"Too many wrong codes from this address. Try again in {wait} seconds.", wait
            )

    def check_code(self, code: str) -> None:
        """Raises Refused while the board of `code` takes no more joins for a moment."""
        if wait := self._codes.retry_after(code, self._config.joins_per_code_per_minute):
            raise Refused(
                f"Very many people are joining this board right now. Try again in {wait} seconds.",
                wait,
            )

    def joined(self, code: str) -> None:
        self._codes.add(code)

    def failed(self, address: str) -> None:
        self._minute.add(address)
        self._hour.add(address)
        if self._hour.count(address) >= self._config.join_lockout_after:
            if len(self._locked) >= _MAX_KEYS:
                del self._locked[next(iter(self._locked))]
            self._locked[address] = self._clock() + self._config.join_lockout_minutes * 60


class CreationGuard:
    """Boards, imports and networks per address per hour: a script cannot fill the store."""

    def __init__(self, per_hour: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_hour = per_hour
        self._window = SlidingWindow(3600, clock)

    def count(self, address: str) -> None:
        """Counts one creation by `address`; raises Refused if it is over the limit."""
        if (wait := self._window.retry_after(address, self.per_hour)) is not None:
            minutes = max(1, round(wait / 60))
            raise Refused(
                f"This address has created {self.per_hour} boards within the hour. Try again "
                f"in {minutes} minutes, or ask whoever runs this server to raise the limit.",
                wait,
            )
        self._window.add(address)


def client_address(request: HTTPConnection) -> str:
    """The address the limits count (the client's, through a trusted proxy)."""
    return request.client.host if request.client else "unknown"
