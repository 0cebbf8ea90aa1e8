"""What an administrator relies on: several workers on one port, /readyz, /metrics, SIGTERM
that sends clients elsewhere with 1001, and logs as JSON lines."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from board_client import BoardClient, create_board
from tests.conftest import RunningServer, timeout

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
            async with asyncio.timeout(timeout(10)):
                while any(c.seq < last for c in clients):
                    await asyncio.sleep(0.02)
            assert all(c.state == clients[0].state for c in clients)
            # whichever worker answers counts every worker's connections and ops
            for _ in range(4):
                status, page = get(server.url + "/metrics")
                assert status == 200
                assert metric(page, "planche_connections") == 8
                assert metric(page, 'planche_ops_total{outcome="applied"}') >= 8
                assert metric(page, "planche_ack_seconds_count") >= 8
        finally:
            for c in clients:
                await c.close()
        # a worker that dies is replaced; the port keeps answering
        subprocess.run(["kill", "-9", str(workers[-1])], check=True)
        deadline = time.monotonic() + timeout(20)
        while time.monotonic() < deadline:
            if get(server.url + "/readyz")[0] == 200 and len(children(server.process.pid)) >= 2:
                break
            time.sleep(0.1)
        assert get(server.url + "/readyz")[0] == 200
    finally:
        server.stop()


async def test_readyz_says_which_part_is_missing(tmp_path: Path, redis_server: Any) -> None:
    server = RunningServer(tmp_path, ("--redis-url", redis_server.url))
    server.start()
    try:
        status, body = get(server.url + "/readyz")
        assert status == 200
        assert json.loads(body) == {"status": "ok", "store": "ok", "broker": "ok"}
        redis_server.stop()
        status, body = get(server.url + "/readyz")
        assert status == 503
        answer = json.loads(body)
        assert answer["store"] == "ok"
        assert answer["broker"].startswith("The broker does not answer")
        assert answer["error"]["code"] == "unavailable"
    finally:
        redis_server.start()
        server.stop()


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
