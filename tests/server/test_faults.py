"""Faults an operator meets, and what the log says about them: a store or broker that is not
there yet when the server starts, and one that goes away for a while under load. The log
stays a handful of lines, whatever the number of ops or restarts."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from board_client import BoardClient, create_board
from tests.conftest import RunningServer, timeout
from tests.server.test_operations import children, get
from tests.timing import eventually, wait_until

pytestmark = pytest.mark.anyio

_MILLISECONDS_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def entries(server: RunningServer) -> list[dict[str, Any]]:
    return [json.loads(line) for line in server.log().splitlines() if line.strip()]


def delays(lines: list[str]) -> list[float]:
    return [float(re.findall(r"again in ([0-9.]+) s", line)[0]) for line in lines]


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()


def ready(server: RunningServer) -> bool:
    deadline = time.monotonic() + timeout(20)
    while time.monotonic() < deadline:
        if get(server.url + "/readyz")[0] == 200:
            return True
        time.sleep(0.1)
    return False


def test_a_server_started_before_its_database_and_redis_waits_for_them_quietly(
    tmp_path: Path, postgres_server: Any, postgres_url: str, redis_server: Any
) -> None:
    """Started at boot before Postgres and Redis: the server waits for the database with its
    port closed, then its workers, which need Redis, are started again with growing delays,
    one line each; no traceback, no tight loop."""
    server = RunningServer(
        tmp_path,
        ("--workers", "2", "--redis-url", redis_server.url, "--log-format", "json"),
        database_url=postgres_url,
    )
    postgres_server.stop()
    redis_server.stop()
    down = {"postgres", "redis"}

    def come_up_one_after_the_other() -> None:
        # each service comes up once the server has waited for it twice: its delays can grow
        wait_until(
            lambda: server.log().count("the store does not answer") >= 2,
            "the second wait for the database",
            seconds=20,
        )
        postgres_server.start()
        down.discard("postgres")
        wait_until(
            lambda: all(server.log().count(f"worker {n} exited") >= 2 for n in (1, 2)),
            "both workers to find no Redis twice",
            seconds=20,
        )
        redis_server.start()
        down.discard("redis")

    services = threading.Thread(target=come_up_one_after_the_other)
    services.start()
    try:
        server.start()
        assert ready(server), server.log()
        assert server.process is not None
        assert cmdline(server.process.pid) == "planche: supervisor"
        # ready once one worker answers; the other may still be in its restart delay
        pid, deadline = server.process.pid, time.monotonic() + timeout(20)
        while len(workers := _workers(pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert workers == ["planche: worker 1", "planche: worker 2"]
    finally:
        services.join()
        server.stop()
        if "postgres" in down:
            postgres_server.start()
        if "redis" in down:
            redis_server.start()
    log = entries(server)
    assert "Traceback" not in server.log()
    assert all(_MILLISECONDS_UTC.match(e["time"]) for e in log), log[0]["time"]
    waits = [e["message"] for e in log if "the store does not answer" in e["message"]]
    assert 2 <= len(waits) <= 5, waits
    assert delays(waits) == sorted(delays(waits))  # growing, not a tight loop
    assert str(postgres_server.port) in waits[0]  # the operator learns which database
    for worker in ("worker 1", "worker 2"):
        restarts = [e["message"] for e in log if e["message"].startswith(f"{worker} exited")]
        assert 2 <= len(restarts) <= 5, restarts
        assert delays(restarts) == sorted(delays(restarts)) and delays(restarts)[0] == 0.5
    no_redis = [e for e in log if e["message"].startswith("stopped: ")]
    assert no_redis and all("BrokerUnavailable" in e["message"] for e in no_redis)
    faults = [e["message"] for e in log if e["level"] in ("warning", "error")]
    assert len(faults) <= 16, "\n".join(faults)  # the waits and the restarts, nothing more


async def test_an_outage_of_redis_or_the_database_under_load_is_two_lines_each(
    tmp_path: Path, postgres_server: Any, postgres_url: str, redis_server: Any
) -> None:
    server = RunningServer(tmp_path, ("--redis-url", redis_server.url), database_url=postgres_url)
    server.start()
    board = await create_board(server.url, "Outage")
    client = BoardClient(server.url, board.id, board.facilitator_token)
    await client.start(timeout(10))
    redis_stopped = postgres_stopped = False
    try:
        redis_server.stop()
        redis_stopped = True
        async with asyncio.timeout(timeout(30)):
            for i in range(30):
                await client.add_note("main", f"stored, not published {i}")
        status, body = get(server.url + "/readyz")
        # ops are stored: a load balancer keeps sending people here
        assert status == 200 and json.loads(body)["broker"] == "degraded", body
        assert str(redis_server.port) not in body
        redis_server.start()
        redis_stopped = False
        assert ready(server)
        postgres_server.stop()
        postgres_stopped = True
        notes = [asyncio.create_task(client.add_note("main", f"sent again {i}")) for i in range(20)]
        await eventually(
            lambda: client.unacked == 20 and get(server.url + "/readyz")[0] == 503,
            "the notes sent and the store found down",
        )
        assert not any(n.done() for n in notes)  # none acked unstored
        postgres_server.start()
        postgres_stopped = False
        async with asyncio.timeout(timeout(30)):
            await asyncio.gather(*notes)
        assert ready(server)
    finally:
        await client.close()
        server.stop()
        if redis_stopped:
            redis_server.start()
        if postgres_stopped:
            postgres_server.start()
    lines = server.log().splitlines()
    outages = [line for line in lines if "planche.outages" in line]
    broker = [line for line in outages if "the broker" in line]
    store = [line for line in outages if ": the store" in line]
    assert len(broker) == 2 and len(store) == 2, "\n".join(broker + store)
    assert "ops are stored but other workers do not get them" in broker[0]
    assert re.search(r"the broker is back after [0-9.]+ s; 30 ops were not published", broker[1])
    assert "the store takes no writes" in store[0]
    assert re.search(r"the store is back after [0-9.]+ s; ops were refused \d+ times", store[1])
    assert len(lines) <= 40, "\n".join(lines)  # not a line per op: 50 ops went through


def test_a_traceback_in_json_logs_is_its_own_field_and_the_message_one_line() -> None:
    from server.serve import _JsonFormatter, _traceback_apart

    try:
        raise ValueError("a bug")
    except ValueError:
        import traceback

        text = traceback.format_exc()  # how Starlette hands uvicorn a failed start
        record = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, text, (), None)
        raised = logging.LogRecord(
            "planche.app", logging.ERROR, "", 0, "failed", (), sys.exc_info()
        )
    for entry in (record, raised):
        assert _traceback_apart(entry)
        line = json.loads(_JsonFormatter().format(entry))
        assert "\n" not in line["message"] and "Traceback" not in line["message"]
        assert line["exc_info"].startswith("Traceback") and "ValueError: a bug" in line["exc_info"]
    assert json.loads(_JsonFormatter().format(record))["message"] == "stopped: ValueError: a bug"


def _workers(supervisor: int) -> list[str]:
    """The supervisor's worker processes, by the names they give themselves."""
    names = sorted(cmdline(pid) for pid in children(supervisor))
    return [n for n in names if n.startswith("planche:")]
