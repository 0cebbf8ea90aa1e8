"""A graceful reload (SIGHUP to `planche serve --workers 2`): the workers are replaced one at a
time by new processes while a facilitator writes and a load balancer checks the port; no
acked op is lost and the port answers throughout (docs/deploy.md, "Restarts and upgrades")."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from board_client import BoardClient, create_board, fetch_board
from server.serve import _HeaderDeadline
from tests.conftest import RunningServer, timeout
from tests.timing import eventually

pytestmark = pytest.mark.anyio


def workers(supervisor: int) -> set[int]:
    """The supervisor's worker processes (by the names they give themselves)."""
    found = set()
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    for pid in map(int, children):
        try:
            name = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            continue
        if name.startswith(b"planche: worker"):
            found.add(pid)
    return found


async def test_a_reload_replaces_every_worker_and_loses_nothing(
    tmp_path: Path, redis_server: Any, postgres_url: str
) -> None:
    server = RunningServer(
        tmp_path, ("--workers", "2", "--redis-url", redis_server.url), database_url=postgres_url
    )
    server.start()
    try:
        assert server.process is not None
        supervisor = server.process.pid
        before = workers(supervisor)
        assert len(before) == 2
        board = await create_board(server.url, "Reload")
        acked: list[str] = []
        waits: list[float] = []
        refused: list[str] = []
        done = asyncio.Event()

        async with BoardClient(server.url, board.id, board.facilitator_token) as fac:

            async def write() -> None:
                while not done.is_set():
                    sent = time.perf_counter()
                    ack = await fac.add_note("main", f"note {len(acked)}")
                    waits.append(time.perf_counter() - sent)
                    acked.append(ack.note_id or "")
                    await asyncio.sleep(0.02)

            async def check_port() -> None:  # as a load balancer: a new connection each time
                limits = httpx.Limits(max_keepalive_connections=0)
                async with httpx.AsyncClient(limits=limits, timeout=timeout(5)) as http:
                    while not done.is_set():
                        try:
                            answer = await http.get(server.url + "/healthz")
                            if answer.status_code != 200:
                                refused.append(f"{answer.status_code} {answer.text}")
                        except httpx.HTTPError as e:
                            refused.append(repr(e))
                        await asyncio.sleep(0.05)

            tasks = [asyncio.create_task(write()), asyncio.create_task(check_port())]
            await eventually(lambda: len(acked) >= 10, "notes acked before the reload")
            server.process.send_signal(signal.SIGHUP)
            await eventually(lambda: "reload: done" in server.log(), "the reload", 90)
            then = len(acked)  # and on, on the new workers
            await eventually(lambda: len(acked) >= then + 10, "notes acked after it", 30)
            done.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout(30))

        after = workers(supervisor)
        assert len(after) == 2 and not before & after, "every worker is a new process"
        assert refused == [], "the port answered throughout"
        live = await fetch_board(server.url, board.id, board.facilitator_token)
        assert set(acked) <= set(live["state"]["notes"]), "an acked note was lost"
        assert "worker 1 replaced" in server.log() and "worker 2 replaced" in server.log()
        print(f"reload: {len(acked)} notes acked, the longest ack wait {max(waits) * 1000:.0f} ms")
    finally:
        server.stop()


async def test_a_single_worker_says_a_reload_needs_more_and_goes_on(
    own_server: RunningServer,
) -> None:
    assert own_server.process is not None
    own_server.process.send_signal(signal.SIGHUP)
    await eventually(
        lambda: "a reload needs --workers 2 or more" in own_server.log(), "the refusal in the log"
    )
    assert own_server.process.poll() is None
    async with httpx.AsyncClient(timeout=timeout(5)) as http:
        assert (await http.get(own_server.url + "/healthz")).status_code == 200


def _accept_queue(port: int) -> int:
    """Connections to `port` the server has not accepted yet (its listening socket's queue)."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "0A" and int(local.split(":")[1], 16) == port:  # LISTEN
            return int(queues.split(":")[1], 16)
    raise AssertionError(f"nothing listens on {port}")


async def test_a_request_on_a_connection_made_as_the_worker_stops_is_answered(
    own_server: RunningServer,
) -> None:
    """What a load balancer's check sees when it connects just as a reload retires a worker:
    uvicorn closed such a connection without a word."""
    assert own_server.process is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", own_server.port)
    await eventually(lambda: _accept_queue(own_server.port) == 0, "the server took it")
    own_server.process.send_signal(signal.SIGTERM)
    await eventually(lambda: "Shutting down" in own_server.log(), "the shutdown under way")

    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    answer = await asyncio.wait_for(reader.read(), timeout(10))  # to the end: it closes
    writer.close()

    assert answer.startswith(b"HTTP/1.1 200"), answer  # and then it was closed (read to EOF)
    own_server.process.wait(timeout(20))  # and the server stopped all the same


async def test_a_connection_that_never_spoke_does_not_hold_the_stop(tmp_path: Path) -> None:
    """A browser's preconnect, idle since before the stop: closed, as uvicorn does, not kept
    for a request until its header deadline (here ten minutes)."""
    server = RunningServer(tmp_path, ("--header-timeout", "600"))
    server.start()
    try:
        assert server.process is not None
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        await eventually(lambda: _accept_queue(server.port) == 0, "the server took it")
        await asyncio.sleep(_HeaderDeadline.LAST_REQUEST_SECONDS + 0.5)  # what is tested: age
        server.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(reader.read(), timeout(30)) == b""  # closed unanswered
        writer.close()
        server.process.wait(timeout(30))
    finally:
        server.stop()
