"""A socket's messages read below ASGI (server/sync/transport.py): taken as uvicorn parses
them while the connection can take them, queued behind each other when it cannot, and in
the order they came either way."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from server.config import load
from server.serve import _uvicorn_config
from server.sync.connection import _MAX_OPS_IN_FLIGHT
from server.sync.transport import DirectProtocol
from tests.conftest import RunningServer
from tests.wire import Peers, get_state, new_board

pytestmark = pytest.mark.anyio


class _Transport:
    def __init__(self) -> None:
        self.paused = False

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False


def _protocol() -> DirectProtocol:
    """The protocol as it reads, without a server: uvicorn's __init__ wants one, and these
    are the fields reading a message uses."""
    protocol = object.__new__(DirectProtocol)
    protocol.queue = asyncio.Queue()
    protocol.frames = []
    protocol.close_sent = False
    protocol.read_paused = False
    protocol.transport = _Transport()  # type: ignore[assignment]
    return protocol


def _arrives(protocol: DirectProtocol, text: str) -> None:
    protocol.curr_msg_data_type = "text"
    protocol.frames = [text.encode()]
    protocol.send_receive_event_to_app()


def _queued(protocol: DirectProtocol) -> list[str]:
    out = []
    while not protocol.queue.empty():
        out.append(str(protocol.queue.get_nowait()["text"]))  # type: ignore[typeddict-item]
    return out


def test_messages_are_taken_while_the_connection_can_and_queue_in_order_when_it_cannot() -> None:
    protocol, taken, can = _protocol(), [], [True]

    def take(text: str) -> bool:
        if can[0]:
            taken.append(text)
        return can[0]

    protocol.read_directly(take)
    _arrives(protocol, "1")
    _arrives(protocol, "2")
    assert taken == ["1", "2"] and protocol.queue.empty() and not protocol.transport.paused

    can[0] = False
    _arrives(protocol, "3")  # the connection has no room: it waits in the queue
    can[0] = True
    _arrives(protocol, "4")  # there is room again, but 3 came first: 4 queues behind it
    protocol.read_directly(take)  # the connection asks while 3 and 4 still wait: not yet
    _arrives(protocol, "5")
    assert taken == ["1", "2"] and protocol.transport.paused  # as uvicorn pauses for its queue
    assert _queued(protocol) == ["3", "4", "5"]

    protocol.read_directly(take)  # read empty: direct again
    _arrives(protocol, "6")
    assert taken == ["1", "2", "6"] and protocol.queue.empty()

    protocol.read_directly(None)  # the connection is closing: the rest waits for uvicorn
    _arrives(protocol, "7")
    assert taken == ["1", "2", "6"] and _queued(protocol) == ["7"]


def test_the_server_reads_its_sockets_directly() -> None:
    assert _uvicorn_config(load({}, {})).ws is DirectProtocol


async def test_a_burst_past_the_ops_in_flight_keeps_its_order_and_loses_nothing(
    server: RunningServer, peers: Peers
) -> None:
    """More ops at once than may be in flight, with presence and garbage among them: every op
    is sequenced in the order sent, every message answered."""
    board = await new_board(server)
    fac = await peers(server, board["id"], board["facilitator_token"])
    area = fac.welcome["state"]["areas"][0]["id"]
    sent: list[str] = []
    garbage = 0
    for i in range(2 * _MAX_OPS_IN_FLIGHT):
        if i % 10 == 5:
            await fac.send("{not json")
            garbage += 1
        if i % 8 == 3:
            await fac.send({"type": "presence", "typing": i % 16 == 3, "area": area})
        op: dict[str, Any] = {
            "kind": "note.add",
            "note": {"id": f"n{i}", "area": area, "text": f"{i}"},
        }
        sent.append(await fac.op(op, op_id=f"burst-{i}"))

    acks: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []

    def answered(m: dict[str, Any]) -> bool:
        (acks if m["type"] == "ack" else errors if m["type"] == "error" else []).append(m)
        return len(acks) == len(sent) and len(errors) == garbage

    await fac.until(answered, "every op acked and every garbage refused")
    assert [a["id"] for a in acks] == sent
    seqs = [a["seq"] for a in acks]
    assert (
        seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and not any("noop" in a for a in acks)
    )
    assert all(e["code"] == "invalid" for e in errors), errors
    notes = (await get_state(server, board["id"], board["facilitator_token"]))["state"]["notes"]
    assert [notes[f"n{i}"]["text"] for i in range(len(sent))] == [str(i) for i in range(len(sent))]
    assert json.dumps(fac.seen).count('"type": "ack"') == len(sent)  # none twice
