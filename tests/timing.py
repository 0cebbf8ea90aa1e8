"""Timeouts, waiting for a condition, and free ports, without pytest: the benchmarks (bench/)
start the same servers as the tests and run where the test extras are not installed."""

from __future__ import annotations

import asyncio
import inspect
import os
import socket
import time
from collections.abc import Awaitable, Callable

TIMEOUT_FACTOR = float(os.environ.get("PLANCHE_TEST_TIMEOUT_FACTOR", "1"))


def timeout(seconds: float) -> float:
    return seconds * TIMEOUT_FACTOR


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def eventually(
    check: Callable[[], bool | Awaitable[bool]], what: str, seconds: float = 10
) -> None:
    """Waits until `check()` (a function or a coroutine function) is true, polling it; fails
    naming `what` after `seconds` (times the factor). The one way a test waits for a state it
    cannot be told of: never a sleep that hopes the state has come by then."""
    deadline = time.monotonic() + timeout(seconds)
    while True:
        done = check()
        if inspect.isawaitable(done):
            done = await done
        if done:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout(seconds):.0f} s waiting for {what}")
        await asyncio.sleep(0.02)


def wait_until(check: Callable[[], bool], what: str, seconds: float = 10) -> None:
    """`eventually` for code without an event loop."""
    deadline = time.monotonic() + timeout(seconds)
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout(seconds):.0f} s waiting for {what}")
        time.sleep(0.05)
