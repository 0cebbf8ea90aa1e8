"""Slowing down join-code guessing and floods: budgets of wrong codes per address, joins per
code, creations per address."""

from __future__ import annotations

import asyncio
import ipaddress
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

    def remove(self, key: str) -> None:
        """Takes back the latest event of `key` (one counted in advance that did not happen)."""
        window = self._events.get(key)
        if window:
            window.pop()
        if window is not None and not window:
            del self._events[key]  # a wrong code leaves nothing behind

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


_DAY = 86_400.0


class GuessBudget:
    """Wrong codes each address has left: a burst (`burst`) refilled at `per_minute`, and a
    day's cap (`per_day`) refilled evenly over a day. A guess takes a token from both, so in
    the long run an address gets `per_day` guesses a day however it spreads them."""

    def __init__(
        self,
        burst: int,
        per_minute: float,
        per_day: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.per_minute = per_minute
        self.per_day = per_day
        self._clock = clock
        # key → (burst tokens, day tokens, when); oldest-touched first, evicted first (a key
        # untouched the longest has most likely refilled: forgetting it loses the least)
        self._left: dict[str, tuple[float, float, float]] = {}

    def take(self, key: str) -> bool:
        """True if `key` may have one more code checked (and counts it)."""
        burst, day = self._refilled(key)
        if burst < 1 or day < 1:
            return False
        self._store(key, burst - 1, day - 1)
        return True

    def give_back(self, key: str) -> None:
        """Returns a token taken for a guess that proved right."""
        burst, day = self._refilled(key)
        self._store(key, min(self.burst, burst + 1), min(self.per_day, day + 1))

    def wait(self, key: str) -> int:
        """Whole seconds until `key` has a token in both buckets again."""
        burst, day = self._refilled(key)
        burst_wait = max(0.0, 1 - burst) * 60 / self.per_minute
        day_wait = max(0.0, 1 - day) * _DAY / self.per_day
        return max(1, math.ceil(max(burst_wait, day_wait)))

    def _refilled(self, key: str) -> tuple[float, float]:
        now = self._clock()
        burst, day, at = self._left.get(key, (self.burst, self.per_day, now))
        elapsed = max(0.0, now - at)
        return (
            min(self.burst, burst + elapsed * self.per_minute / 60),
            min(self.per_day, day + elapsed * self.per_day / _DAY),
        )

    def _store(self, key: str, burst: float, day: float) -> None:
        now = self._clock()
        self._left.pop(key, None)
        # a key untouched for a day has both buckets full again: nothing worth keeping (and
        # no address is kept longer than that)
        while self._left and (
            len(self._left) >= _MAX_KEYS or next(iter(self._left.values()))[2] < now - _DAY
        ):
            del self._left[next(iter(self._left))]
        self._left[key] = (burst, day, now)


_KNOWN_CODES = 8  # codes remembered per address: a building's meetings of one day
_KNOWN_FOR = _DAY


class JoinGuard:
    """Who may have a join code checked now.

    Only wrong codes are limited, per address (an IPv6 /64 counts as one address, as a
    router's NAT does for IPv4): `join_guess_burst` at once, refilled at
    `join_guesses_per_minute`, at most `join_guesses_per_day` a day. A right code never costs
    anything. While an address has no guess left, no code from it is checked, since a right
    one cannot be told from a wrong one without checking it: only codes that already let
    someone in from the same address are (checking those tells a guesser nothing new).
    The budget is sized so that a room behind one router never spends it on typos; the
    arithmetic is in docs/security.md. Joins through one code: at most
    `joins_per_code_per_minute` (a script filling a board with fake participants)."""

    def __init__(self, config: Config, clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._budget = GuessBudget(
            config.join_guess_burst,
            config.join_guesses_per_minute,
            config.join_guesses_per_day,
            clock,
        )
        self._codes = SlidingWindow(60, clock)
        self._known: dict[str, dict[str, float]] = {}  # address → code → when it let one in
        self._in_flight: dict[str, int] = {}  # address → its guesses being looked up now
        self._pending: dict[str, asyncio.Event] = {}  # address → set when one of them settles

    async def admit(self, address: str, code: str) -> Attempt:
        """Counts an attempt with `code` from `address` before the code is looked up, so that
        concurrent requests cannot all be checked; raises Refused if it may not be."""
        key = address_key(address)
        spent = not self._knows(key, code)
        if spent:
            while not self._budget.take(key):
                pending = self._pending.get(key)
                if pending is None:
                    seconds = self._budget.wait(key)
                    raise Refused(
                        "Too many wrong codes from this address. Check the code on the shared "
                        f"screen. Try again in {_seconds(seconds)}.",
                        seconds,
                    )
                # codes from this address are being looked up; the right ones among them come
                # back, so a room joining at once waits for them rather than being refused
                await pending.wait()
            if key not in self._pending:
                self._pending[key] = asyncio.Event()
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
        if wait := self._codes.retry_after(code, self._config.joins_per_code_per_minute):
            if spent:
                self._settle(key, refund=True)
            raise Refused(
                f"Very many people are joining this board right now. Try again in "
                f"{_seconds(wait)}.",
                wait,
            )
        self._codes.add(code)
        return Attempt(self, key, code, spent)

    def _settle(self, key: str, refund: bool) -> None:
        """One looked-up guess of `key` is settled: those waiting for it look again."""
        if refund:
            self._budget.give_back(key)
        left = self._in_flight.pop(key) - 1
        if left:
            self._in_flight[key] = left
        self._pending.pop(key).set()
        if left:
            self._pending[key] = asyncio.Event()

    def _knows(self, key: str, code: str) -> bool:
        at = self._known.get(key, {}).get(code)
        return at is not None and at > self._clock() - _KNOWN_FOR

    def _remember(self, key: str, code: str) -> None:
        now = self._clock()
        codes = self._known.pop(key, {})
        codes.pop(code, None)
        codes[code] = now
        while len(codes) > _KNOWN_CODES:
            del codes[next(iter(codes))]
        # addresses in the order they last joined: the first ones' codes may have expired
        while self._known and (
            len(self._known) >= _MAX_KEYS
            or max(next(iter(self._known.values())).values()) <= now - _KNOWN_FOR
        ):
            del self._known[next(iter(self._known))]
        self._known[key] = codes


class Attempt:
    """One admitted attempt: a guess spent and a join counted in advance, settled once by
    what the lookup found."""

    def __init__(self, guard: JoinGuard, key: str, code: str, spent: bool) -> None:
        self._guard = guard
        self._key = key
        self._code = code
        self._spent = spent
        self._settled = False

    def found(self) -> None:
        """The code was right: the guess is given back, the join stays counted."""
        self._finish(refund=True, keep_join=True)
        self._guard._remember(self._key, self._code)

    def wrong(self) -> None:
        """No board has the code: the guess stays spent, the join is taken back."""
        self._finish(refund=False, keep_join=False)

    def cancel(self) -> None:
        """The code could not be looked up (the store failed): nothing was checked."""
        self._finish(refund=True, keep_join=False)

    def _finish(self, refund: bool, keep_join: bool) -> None:
        if self._settled:
            return
        self._settled = True
        if not keep_join:
            self._guard._codes.remove(self._code)
        if self._spent:
            self._guard._settle(self._key, refund)


def _seconds(n: int) -> str:
    return "1 second" if n == 1 else f"{n} seconds"


def address_key(address: str) -> str:
    """What the join limits count: the address, or its /64 for IPv6, where one household or
    meeting room gets a whole /64 and one attacker could otherwise use 2**64 addresses."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return address


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
