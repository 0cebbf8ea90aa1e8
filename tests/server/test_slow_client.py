"""A client that stops reading is cut loose; the room keeps serving everyone else.

That the cut-off client is then closed with 1013 (and told to resume) is checked in
test_connection.py: through a receive window this small, draining what the kernel already
buffered for it takes minutes, which no test should wait for.
"""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.conftest import RunningServer
from tests.wire import Peers, add_note, new_board

pytestmark = pytest.mark.anyio


async def test_client_that_stops_reading_is_cut_off_and_writers_go_on(
    tmp_path: Path, peers: Peers
) -> None:
    # the writer floods on purpose: no op limit here, the slow reader is what is tested
    running = RunningServer(tmp_path, ("--send-queue-max", "20", "--op-burst", "1000000"))
    running.start()
    try:
        board = await new_board(running)
        # a small receive buffer and no reading: the server's send buffer fills up for real
        sock = socket.create_connection(("127.0.0.1", running.port))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled = await connect(
            f"{running.ws_url}/ws/boards/{board['id']}", sock=sock, compression=None, max_queue=2
        )
        await stalled.send(json.dumps({"type": "hello", "token": board["viewer_token"]}))
        writer = await peers(running, board["id"], board["facilitator_token"])
        text = "a long note to fill buffers " * 35  # near the 1000-character limit
        acks = []
        for _ in range(1000):  # the writer reads as it goes, as a live client does
            ids = [await writer.op(add_note(str(uuid.uuid4()), text)) for _ in range(10)]
            acks += [await writer.ack(op_id) for op_id in ids]
            if "closing slow connection" in running.log():
                break
        assert all(a["type"] == "ack" for a in acks), "the room stalled behind a slow client"
        assert "closing slow connection" in running.log()
        # and the room still serves: one more note is acked at once
        assert (await writer.ack(await writer.op(add_note(str(uuid.uuid4()), "after"))))["seq"]
        stalled.transport.abort()
    finally:
        running.stop()
