"""What an administrator relies on: several workers on one port, /readyz, /metrics, SIGTERM
that sends clients elsewhere with 1001, and logs as JSON lines."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from board_client import BoardClient, create_board
from tests.conftest import ROOT, RunningServer, timeout
from tests.timing import eventually

pytestmark = pytest.mark.anyio


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout(10)) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode()


def metric(page: str, name: str) -> float:
    found = re.search(rf"^{name} ([0-9.e+]+)$", page, re.M)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


async def test_two_workers_on_one_port_serve_one_board_and_count_together(
    tmp_path: Path, redis_server: Any, postgres_url: str
) -> None:
    server = RunningServer(
        tmp_path, ("--workers", "2", "--redis-url", redis_server.url), database_url=postgres_url
    )
    server.start()
    try:
        assert server.process is not None
        workers = [p for p in children(server.process.pid) if p]
        assert len(workers) >= 2  # (the spawn helper may be a child too)
        board = await create_board(server.url, "Workers")
        clients = [BoardClient(server.url, board.id, board.facilitator_token) for _ in range(8)]
        for c in clients:
            await c.start(timeout(10))
        try:
            acks = await asyncio.gather(
                *(c.add_note("main", f"n{i}") for i, c in enumerate(clients))
            )
            last = max(a.seq for a in acks)
            await eventually(lambda: all(c.seq >= last for c in clients), "every client's seq")
            assert all(c.state == clients[0].state for c in clients)
            # whichever worker answers counts every worker's connections and ops
            for _ in range(4):
                status, page = get(server.url + "/metrics")
                assert status == 200
                assert metric(page, "planche_connections") == 8
                assert metric(page, 'planche_ops_total{outcome="applied"}') >= 8
                assert metric(page, "planche_ack_seconds_count") >= 8
                # where a slow ack's time went: the disk's commits, the event loop's lateness
                assert metric(page, "planche_commit_seconds_count") >= 1
                assert metric(page, "planche_loop_lag_seconds_count") >= 1
        finally:
            for c in clients:
                await c.close()
        # a worker that dies is replaced; the port keeps answering
        subprocess.run(["kill", "-9", str(workers[-1])], check=True)
        supervisor = server.process.pid

        def replaced() -> bool:
            now = children(supervisor)
            return (
                workers[-1] not in now and len(now) >= 2 and get(server.url + "/readyz")[0] == 200
            )

        await eventually(replaced, "a new worker in place of the killed one", 20)
    finally:
        server.stop()


async def test_readyz_says_the_broker_is_missing_and_stays_ready(
    tmp_path: Path, redis_server: Any
) -> None:
    """Without Redis ops are still stored (the other workers catch up from the store): a
    load balancer must keep sending people here, so the answer is 200, marked degraded."""
    server = RunningServer(tmp_path, ("--redis-url", redis_server.url))
    server.start()
    stopped = False
    try:
        status, body = get(server.url + "/readyz")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "store": "ok", "broker": "ok"}
        redis_server.stop()
        stopped = True
        status, body = get(server.url + "/readyz")
        assert status == 200
        assert json.loads(body) == {"status": "degraded", "store": "ok", "broker": "degraded"}
        assert (
            metric(get(server.url + "/metrics")[1], 'planche_dependency_down{dependency="broker"}')
            == 1
        )
        # where the broker lives is for the log, not for whoever asks
        assert str(redis_server.port) not in body and "127.0.0.1" not in body
        assert str(redis_server.port) in server.log()
        redis_server.start()
        stopped = False
        deadline = time.monotonic() + timeout(10)  # the next ping reconnects
        while "degraded" in (body := get(server.url + "/readyz")[1]):
            assert time.monotonic() < deadline, body
            time.sleep(0.1)
        assert json.loads(body)["broker"] == "ok"
        assert (
            metric(get(server.url + "/metrics")[1], 'planche_dependency_down{dependency="broker"}')
            == 0
        )
    finally:
        if stopped:
            redis_server.start()
        server.stop()


async def test_readyz_fails_while_the_store_takes_no_writes(
    tmp_path: Path, postgres_server: Any, postgres_url: str
) -> None:
    """A database that turned read-only (a standby after failover) answers every read:
    readyz tries a write, and says not ok without the database's address."""
    server = RunningServer(tmp_path, database_url=postgres_url)
    server.start()
    database = postgres_url.rsplit("/", 1)[1]

    def sql(statement: str) -> None:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(postgres_server.port), "-U", "postgres",
             "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", statement],
            check=True, capture_output=True, timeout=timeout(30),
        )  # fmt: skip

    def reconnect() -> None:  # the server's pooled connections pick up the new default
        sql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )

    try:
        assert get(server.url + "/readyz")[0] == 200
        sql(f"ALTER DATABASE {database} SET default_transaction_read_only = on")
        reconnect()
        status, body = get(server.url + "/readyz")
        assert status == 503, body
        answer = json.loads(body)
        assert (answer["store"], answer["broker"]) == ("not ok", "ok")
        assert "store takes no writes" in answer["error"]["message"]
        assert "read-only transaction" in server.log()  # the reason, for the operator
        assert str(postgres_server.port) not in body and "127.0.0.1" not in body
        assert get(server.url + "/healthz")[0] == 200  # alive: it reads
        sql(f"ALTER DATABASE {database} SET default_transaction_read_only = off")
        reconnect()
        assert get(server.url + "/readyz")[0] == 200
    finally:
        server.stop()


def test_a_read_only_data_directory_stops_the_server_with_one_line_naming_it(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    # the tests run as root, whom file modes do not stop: a read-only bind mount does
    command = (
        f"mount --bind -o ro {data} {data} && exec {sys.executable} -m server serve "
        f"--port 1 --database-url sqlite:///{data}/planche.db"
    )
    run = subprocess.run(
        ["unshare", "-m", "sh", "-c", command],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout(60),
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("planche: cannot write the database")
    assert f"{data}/planche.db" in line and "--database-url" in line


def test_a_sqlite_uri_filename_is_refused_and_makes_no_stray_directory(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "server", "serve", "--database-url",
         "sqlite:///file:boards.db?mode=rwc&uri=true"],
        cwd=tmp_path, capture_output=True, text=True, timeout=timeout(60),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert run.returncode == 2
    assert "file:" in run.stderr and "sqlite:///PATH" in run.stderr
    assert list(tmp_path.iterdir()) == []


async def test_sigterm_sends_clients_away_with_1001(own_server: RunningServer) -> None:
    board = await create_board(own_server.url, "Drain")
    async with connect(f"{own_server.ws_url}/ws/boards/{board.id}") as ws:
        await ws.send(json.dumps({"type": "hello", "token": board.facilitator_token}))
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome"
        assert own_server.process is not None
        own_server.process.send_signal(signal.SIGTERM)
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(timeout(10)):
                while True:
                    await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
    own_server.process.wait(timeout(15))  # uvicorn ends by re-raising SIGTERM: exit -15
    assert "Application shutdown complete" in own_server.log()  # a clean shutdown


def test_logs_are_json_lines_when_asked(tmp_path: Path) -> None:
    server = RunningServer(tmp_path, ("--log-format", "json"))
    server.start()
    try:
        get(server.url + "/healthz")
    finally:
        server.stop()
    lines = [line for line in server.log().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    assert any(e["logger"] == "uvicorn.access" and "/healthz" in e["message"] for e in entries)
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    # to the millisecond, in UTC, as ISO 8601
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"]) for e in entries)
