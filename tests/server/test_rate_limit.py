"""One connection may not flood a board: ops over the limit are refused with `rate_limited`,
each one answered (never silently dropped), and the clients send them again later."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from board_client import BoardClient, create_board, fetch_board
from server.sync.limits import TokenBucket
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.anyio


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] += 0.5  # one token back
    assert [bucket.take(), bucket.take()] == [True, False]
    now[0] += 100  # never more than the burst
    assert sum(bucket.take() for _ in range(10)) == 3


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[RunningServer]:
    running = RunningServer(tmp_path, ("--op-rate", "5", "--op-burst", "10"))
    running.start()
    yield running
    running.stop()


async def test_a_flood_is_refused_op_by_op_and_nothing_else_changes(
    limited: RunningServer,
) -> None:
    board = await create_board(limited.url, "Flood")
    async with connect(f"{limited.ws_url}/ws/boards/{board.id}") as ws:
        await ws.send(json.dumps({"type": "hello", "token": board.facilitator_token}))
        assert json.loads(await ws.recv())["type"] == "welcome"
        for k in range(30):
            note = {"id": f"n{k}", "area": "main", "text": f"flood {k}"}
            await ws.send(json.dumps({"type": "op", "id": f"op{k}", "op": {
                "kind": "note.add", "note": note}}))  # fmt: skip
        answers: dict[str, dict[str, str]] = {}
        async with asyncio.timeout(timeout(10)):
            while len(answers) < 30:
                message = json.loads(await ws.recv())
                if message["type"] in ("ack", "error"):
                    assert message["id"] not in answers  # one answer per op
                    answers[message["id"]] = message
        acked = {i for i, m in answers.items() if m["type"] == "ack"}
        limited_ids = {i for i, m in answers.items() if m.get("code") == "rate_limited"}
        assert len(acked) >= 10 and acked | limited_ids == set(answers)
        assert len(limited_ids) >= 15
        assert "a second" in next(answers[i]["message"] for i in limited_ids)
    live = await fetch_board(limited.url, board.id, board.facilitator_token)
    assert {f"op{n[1:]}" for n in live["state"]["notes"]} == acked  # exactly the acked ones


async def test_the_client_sends_limited_ops_again_until_all_are_stored(
    limited: RunningServer,
) -> None:
    board = await create_board(limited.url, "Paste")
    async with BoardClient(limited.url, board.id, board.facilitator_token) as client:
        acks = await asyncio.wait_for(
            asyncio.gather(*(client.add_note("main", f"pasted {k}") for k in range(20))),
            timeout(30),
        )
        assert len({a.seq for a in acks}) == 20
        assert len(client.state.notes) == 20
