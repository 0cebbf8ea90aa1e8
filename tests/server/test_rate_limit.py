"""One connection may not flood a board: ops over the limit are refused with `rate_limited`,
each one answered (never silently dropped), and the clients send them again later. One
address may not guess join codes beyond its budget (the buckets; the server's side is in
test_join_room.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from board_client import BoardClient, create_board, fetch_board
from server.http.ratelimit import GuessBudget
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


def test_a_guess_budget_allows_its_burst_then_its_rate_then_no_more_than_a_day_s_cap() -> None:
    now = [0.0]
    budget = GuessBudget(burst=5, per_minute=2, per_day=20, clock=lambda: now[0])
    assert [budget.take("a") for _ in range(6)] == [True] * 5 + [False]
    assert budget.wait("a") == 30  # one back at 2 a minute
    assert budget.take("b")  # every address has its own
    now[0] += 30
    assert [budget.take("a"), budget.take("a")] == [True, False]
    budget.give_back("a")  # a guess that proved right costs nothing
    assert budget.take("a")
    per_day = []
    for day in (1, 2):  # a guesser that tries every second for two days
        taken = 0
        while now[0] < day * 86_400:
            taken += budget.take("a")
            now[0] += 1
        per_day.append(taken)
    assert per_day[0] <= 20 + 20  # the day's cap, plus what came back during the day
    assert per_day[1] in (20, 21)  # then the cap, however the guesses are spread


def test_a_guess_budget_never_holds_more_than_its_burst() -> None:
    now = [0.0]
    budget = GuessBudget(burst=3, per_minute=60, per_day=1000, clock=lambda: now[0])
    for _ in range(10):
        budget.give_back("a")
    now[0] += 3600
    assert sum(budget.take("a") for _ in range(10)) == 3


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
