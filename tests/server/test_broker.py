"""The broker contract on the in-process broker and on a real Redis, and two rooms of one
board (two workers' worth) sharing a store and a broker: one order, one state."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server.board.ops import parse_op
from server.broker.base import Broker
from server.broker.memory import MemoryBroker
from server.broker.redis import RedisBroker
from server.config import Config
from server.exceptions import BrokerUnavailable
from server.store.sql import SqlStore
from server.sync.rooms import Rooms
from tests.conftest import timeout
from tests.server.stores import FAC, make_board
from tests.timing import eventually

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["memory", "redis"])
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    opened: Broker
    if request.param == "memory":
        opened = MemoryBroker()
    else:
        opened = RedisBroker(request.getfixturevalue("redis_server").url)
    await opened.start()
    yield opened
    await opened.stop()


async def test_batches_reach_every_subscriber_of_their_board_in_order(broker: Broker) -> None:
    got: dict[str, list[tuple[str, dict[str, Any]]]] = {"a": [], "b": [], "other": []}
    first = await broker.subscribe("board-1", lambda o, r: got["a"].append((o, r)))
    await broker.subscribe("board-1", lambda o, r: got["b"].append((o, r)))
    await broker.subscribe("board-2", lambda o, r: got["other"].append((o, r)))
    sent = [{"ops": [{"seq": i, "text": f"æøå {i}"}]} for i in range(1, 21)]
    for message in sent:
        await broker.publish("board-1", "worker-x", message)
    await eventually(lambda: len(got["a"]) == 20 and len(got["b"]) == 20, "all 20 batches")
    assert got["a"] == got["b"] == [("worker-x", message) for message in sent]
    assert got["other"] == []

    first.cancel()
    await broker.publish("board-1", "worker-x", {"ops": [{"seq": 21}]})
    await eventually(lambda: len(got["b"]) == 21, "the last batch")
    assert len(got["a"]) == 20  # a cancelled subscription hears nothing more


async def test_after_redis_restarts_the_broker_reconnects_and_asks_rooms_to_catch_up(
    redis_server: Any,
) -> None:
    broker = RedisBroker(redis_server.url)
    reconnected = asyncio.Event()
    broker.on_reconnect = reconnected.set
    await broker.start()
    got: list[dict[str, Any]] = []
    await broker.subscribe("board-1", lambda o, r: got.append(r))
    try:
        redis_server.stop()

        async def ping_refused() -> bool:
            try:
                await broker.ping()
            except BrokerUnavailable:
                return True
            return False

        await eventually(ping_refused, "the broker to find Redis gone")
        redis_server.start()
        async with asyncio.timeout(timeout(15)):
            await reconnected.wait()
        await broker.publish("board-1", "w", {"ops": [{"seq": 1}]})  # subscribed again
        await eventually(lambda: got == [{"ops": [{"seq": 1}]}], "a batch after the restart")
        await broker.ping()
    finally:
        await broker.stop()


async def test_two_workers_rooms_of_one_board_keep_one_order_and_one_state(
    tmp_path: Path, broker: Broker
) -> None:
    store = SqlStore(f"sqlite:///{tmp_path / 'shared.db'}")
    await store.open()
    board_id = await make_board(store)
    # two processes' worth of rooms, one store, one broker
    one, two = Rooms(store, broker, Config()), Rooms(store, broker, Config())
    try:
        room_one, room_two = await one.get(board_id), await two.get(board_id)
        assert room_one is not None and room_two is not None

        def note(i: int) -> Any:
            return parse_op(
                {"kind": "note.add", "note": {"id": f"n{i}", "area": "main", "text": f"{i}"}}
            )

        outcomes = await asyncio.gather(
            *((room_one if i % 2 else room_two).submit(f"op-{i}", note(i), FAC) for i in range(60))
        )
        seqs = sorted(o.seq for o in outcomes)
        assert seqs == list(range(1, 61))  # gap-free, each seq once, across both
        await eventually(lambda: room_one.state.seq == room_two.state.seq == 60, "both at seq 60")
        assert room_one.state == room_two.state
        assert len(room_one.state.notes) == 60

        # the same op id sent again to the other worker is answered, not stored twice
        again = await room_one.submit("op-0", note(0), FAC)
        assert again == outcomes[0]
        assert await store.head(board_id) == 60
    finally:
        await one.close()
        await two.close()
        await store.close()
