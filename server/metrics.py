"""Prometheus metrics (prometheus-client), served at /metrics.

With several workers the supervisor sets PROMETHEUS_MULTIPROC_DIR before any worker starts,
every worker writes its figures there, and whichever worker answers /metrics adds them all
up: a scrape through the load balancer sees the whole server, not one worker at random.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

CONNECTIONS = Gauge("planche_connections", "Open board WebSockets.", multiprocess_mode="livesum")
BOARDS = Gauge("planche_boards_open", "Boards loaded in memory.", multiprocess_mode="livesum")
OPS = Counter("planche_ops", "Ops stored, by outcome (applied or no-op).", ["outcome"])
ACK_SECONDS = Histogram(
    "planche_ack_seconds",
    "From an op's arrival to its ack: ordering, applying and the durable commit.",
    buckets=_LATENCY_BUCKETS,
)
FANOUT_SECONDS = Histogram(
    "planche_fanout_seconds",
    "Writing a committed batch, and its acks, to every connection of its board (this worker's).",
    buckets=_LATENCY_BUCKETS,
)
# where an ack's time goes when it is slow: the disk (a commit), or the event loop held up
COMMIT_SECONDS = Histogram(
    "planche_commit_seconds",
    "One commit of the op log by the store's writer, its fsync included: the disk's share.",
    buckets=(0.0005, *_LATENCY_BUCKETS),
)
LOOP_LAG_SECONDS = Histogram(
    "planche_loop_lag_seconds",
    "How late the event loop woke for a timer, sampled every 0.1 s: what every connection "
    "of the worker waited, whatever it was for.",
    buckets=_LATENCY_BUCKETS,
)
# records wait for one of two render threads (server/exports/pool.py): a queue here is why
# a download is slow while pages and acks are not
EXPORTS = Gauge(
    "planche_exports",
    "Exports waiting for or on a render thread.",
    multiprocess_mode="livesum",
)
ERRORS = Counter("planche_errors", "Errors sent to clients, by code.", ["code"])
STORE_READS = Counter("planche_store_reads", "Reads from the store (each one query).")
STORE_FAILURES = Counter("planche_store_failures", "Commits the store refused or failed.")
BROKER_FAILURES = Counter("planche_broker_failures", "Publishes that did not reach the broker.")
# 1 while a worker finds the dependency gone (a broker outage: ops stored, not passed on)
DEPENDENCY_DOWN = Gauge(
    "planche_dependency_down",
    "1 while the store or the broker does not answer (any worker), else 0.",
    ["dependency"],
    multiprocess_mode="livemax",
)


async def watch_loop_lag(
    every: float = 0.1, observe: Callable[[float], None] = LOOP_LAG_SECONDS.observe
) -> None:
    """Tells `observe` how late (in seconds) the event loop woke, every `every` seconds,
    for as long as it runs (by default into `LOOP_LAG_SECONDS`, ten wakeups a second)."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(every)
        observe(max(0.0, time.perf_counter() - started - every))


def render() -> tuple[bytes, str]:
    """The metrics page and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
