"""Timeouts and free ports, without pytest: the benchmarks (bench/) start the same servers
as the tests and run where the test extras are not installed."""

from __future__ import annotations

import os
import socket

TIMEOUT_FACTOR = float(os.environ.get("PLANCHE_TEST_TIMEOUT_FACTOR", "1"))


def timeout(seconds: float) -> float:
    return seconds * TIMEOUT_FACTOR


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
