"""Acked means durable: kill -9 the server and nothing acked is gone."""

from __future__ import annotations

import pytest

from tests.conftest import RunningServer
from tests.wire import Peers, add_note, get_state, new_board

pytestmark = pytest.mark.anyio


async def test_acked_notes_survive_kill_9_and_resume_gives_exactly_the_missed_ops(
    peers: Peers,
    own_server: RunningServer,
) -> None:
    board = await new_board(own_server)
    token = board["facilitator_token"]
    peer = await peers(own_server, board["id"], token)
    since, epoch = peer.welcome["seq"], peer.welcome["epoch"]
    ids = [await peer.op(add_note(f"n{i}", f"note {i} æøå")) for i in range(20)]
    acks = [await peer.ack(op_id) for op_id in ids]
    assert all(a["type"] == "ack" for a in acks)

    own_server.kill()
    own_server.start()

    state = await get_state(own_server, board["id"], token)
    assert {f"n{i}" for i in range(20)} <= set(state["state"]["notes"])
    back = await peers(own_server, board["id"], token, since=since, epoch=epoch)
    assert [o["id"] for o in back.welcome["ops"]] == ids
    assert back.welcome["seq"] == acks[-1]["seq"]
    # the restarted server goes on from the right seq
    ack = await back.ack(await back.op(add_note("later", "after the crash")))
    assert ack["seq"] == acks[-1]["seq"] + 1
