"""A room in process, on a real SQLite store: ordering, durability, reload, eviction."""

from __future__ import annotations

import asyncio

import pytest

from server.board.ops import parse_op
from server.board.protocol import ErrorCode, ProtocolError
from server.broker.memory import MemoryBroker
from server.config import Config
from server.store.base import StoredOp
from server.sync import rooms as rooms_module
from server.sync.rooms import Outcome, Rooms
from tests.server.stores import FAC, FlakyStore, make_board, note

pytestmark = pytest.mark.anyio


async def test_failed_commit_acks_nothing_and_the_next_op_takes_the_free_seq(
    store: FlakyStore,
) -> None:
    rooms = Rooms(store, MemoryBroker(), Config())
    room = await rooms.get(await make_board(store))
    assert room is not None
    await room.submit("op-1", note(1), FAC)
    store.failures = 1
    with pytest.raises(ProtocolError) as refused:
        await room.submit("op-2", note(2), FAC)
    assert refused.value.code is ErrorCode.UNAVAILABLE and refused.value.op_id == "op-2"
    assert room.state.seq == 1 and "n2" not in room.state.notes
    again = await room.submit("op-2", note(2), FAC)  # the client's outbox sends it again
    assert again.seq == 2
    stored = await store.ops_after(room.board.id, 0)
    assert [s.record.id for s in stored] == ["op-1", "op-2"]
    await rooms.close()


async def test_ops_submitted_together_share_commits_and_get_consecutive_seqs(
    store: FlakyStore,
) -> None:
    rooms = Rooms(store, MemoryBroker(), Config())
    room = await rooms.get(await make_board(store))
    assert room is not None
    before = store.commits
    outcomes = await asyncio.gather(*(room.submit(f"op-{i}", note(i), FAC) for i in range(50)))
    assert sorted(o.seq for o in outcomes) == list(range(1, 51))
    assert store.commits - before < 50
    await rooms.close()


async def test_an_op_after_another_workers_record_is_sequenced_after_it_at_the_first_try(
    store: FlakyStore,
) -> None:
    """A record another worker stored waits in the room's queue: it is applied before the
    op offered after it is sequenced, so the op does not take the record's seq, get refused
    by the store and be sequenced again."""
    board_id = await make_board(store)
    first = await Rooms(store, MemoryBroker(), Config()).get(board_id)
    second_rooms = Rooms(store, MemoryBroker(), Config())  # a broker of its own: told by hand
    second = await second_rooms.get(board_id)
    assert first is not None and second is not None
    await first.submit("op-theirs", note(1), FAC)
    tried: list[list[tuple[str, int]]] = []
    append = store.append

    async def recorded(board_id: str, ops: list[StoredOp]) -> None:
        tried.append([(s.record.id, s.record.seq) for s in ops])
        await append(board_id, ops)

    store.append = recorded  # type: ignore[method-assign]
    second._on_published("another worker", {"ops": first.ops_between(0, 1, FAC)})
    assert await second.submit("op-mine", note(2), FAC) == Outcome(2, None)
    assert tried == [[("op-mine", 2)]]  # one commit, at the seq after the other worker's
    await second_rooms.close()


async def test_a_reloaded_room_equals_the_live_one_via_snapshot_and_log(
    store: FlakyStore,
) -> None:
    config = Config(snapshot_every=7)
    live_rooms = Rooms(store, MemoryBroker(), config)
    board_id = await make_board(store)
    live = await live_rooms.get(board_id)
    assert live is not None
    for i in range(30):
        await live.submit(f"op-{i}", note(i), FAC)
    await live.submit("op-del", parse_op({"kind": "note.delete", "note_id": "n3"}), FAC)
    live_state = live.state
    await live_rooms.close()
    snapshot = await store.latest_snapshot(board_id)
    assert snapshot is not None and snapshot.seq >= 28
    reloaded = await Rooms(store, MemoryBroker(), config).get(board_id)
    assert reloaded is not None and reloaded.state == live_state
    known = await reloaded.submit("op-5", note(99), FAC)  # an old id, resent after a restart
    assert known.seq == 6


async def test_an_idle_room_is_closed_and_comes_back_on_next_use(
    store: FlakyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rooms_module, "IDLE_SECONDS", 0.05)
    rooms = Rooms(store, MemoryBroker(), Config())
    board_id = await make_board(store)
    room = await rooms.get(board_id)
    assert room is not None
    await room.submit("op-1", note(1), FAC)
    for _ in range(100):
        if len(rooms) == 0:
            break
        await asyncio.sleep(0.02)
    assert len(rooms) == 0 and room.closed
    back = await rooms.get(board_id)
    assert back is not None and back is not room and "n1" in back.state.notes
    await rooms.close()
