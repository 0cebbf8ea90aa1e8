"""Frames written below ASGI (server/sync/transport.py): a sender gets its ops and its ack in
one write, so that its device is woken once, not twice, for each op it sends."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from websockets.protocol import State

from server.board.protocol import OpMessage, decode_client_message
from server.broker.memory import MemoryBroker
from server.config import Config
from server.sync.connection import Connection, _InFlight, _submit
from server.sync.rooms import Rooms
from server.sync.transport import DirectProtocol, DirectWriter, corked
from tests.server.stores import FAC, FlakyStore, make_board

pytestmark = pytest.mark.anyio


class _Transport:
    """Records each write to the socket, as the bytes handed to it at once."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return False


def _writer(order: list[_Transport] | None = None) -> tuple[DirectWriter, _Transport]:
    """A writer on an open socket, without a server: the fields a write reads."""
    protocol = object.__new__(DirectProtocol)
    protocol.handshake_complete = True
    protocol.close_sent = False
    protocol.disconnected = False
    protocol.writable = asyncio.Event()
    protocol.writable.set()
    protocol.conn = SimpleNamespace(state=State.OPEN)  # type: ignore[assignment]
    transport = _Transport()
    if order is not None:  # which socket was written first
        write = transport.write
        transport.write = lambda data: (order.append(transport), write(data))[1]  # type: ignore[method-assign]
    protocol.transport = transport  # type: ignore[assignment]
    return DirectWriter(protocol), transport


def _texts(data: bytes) -> list[str]:
    """The text frames in `data` (unmasked, each under 64 KiB, as these tests write)."""
    texts = []
    while data:
        assert data[0] == 0x81  # one whole text frame
        size, start = data[1], 2
        if size == 126:
            size, start = int.from_bytes(data[2:4]), 4
        texts.append(data[start : start + size].decode())
        data = data[start + size :]
    return texts


async def test_corked_frames_go_out_in_one_write_per_socket_in_the_order_written() -> None:
    order: list[_Transport] = []
    (a, to_a), (b, to_b) = _writer(order), _writer(order)
    with corked():
        assert a.write("a1") and b.write("b1") and a.write("a2")
        with corked():  # an inner block leaves the writing to the outer one
            a.write("a3")
        assert to_a.writes == to_b.writes == []
    assert [_texts(w) for w in to_a.writes] == [["a1", "a2", "a3"]]
    assert [_texts(w) for w in to_b.writes] == [["b1"]]
    assert order == [to_a, to_b]  # the socket written first is written first

    a.write("a4")  # not corked: at once
    assert [_texts(w) for w in to_a.writes[1:]] == [["a4"]]


async def test_frames_held_when_a_block_fails_are_still_written() -> None:
    a, to_a = _writer()
    with pytest.raises(RuntimeError), corked():
        a.write("a1")
        raise RuntimeError("a bug in the middle of a delivery")
    assert [_texts(w) for w in to_a.writes] == [["a1"]]


async def test_a_callback_made_inside_a_block_writes_when_it_runs() -> None:
    """Presence is sent from a timer that an op's delivery may start: it must not write into
    a block that has already been written out."""
    a, to_a = _writer()
    ran = asyncio.Event()
    with corked():
        asyncio.get_running_loop().call_soon(lambda: (a.write("later"), ran.set()))
    await ran.wait()
    assert [_texts(w) for w in to_a.writes] == [["later"]]


async def test_a_sender_gets_its_op_and_its_ack_in_one_write_before_the_others(
    store: FlakyStore,
) -> None:
    """...made before anyone else's copy is even prepared: in a room of 70 the ack would
    otherwise wait for 69 deliveries."""
    rooms = Rooms(store, MemoryBroker(), Config())
    room = await rooms.get(await make_board(store))
    assert room is not None
    sockets, conns = {}, {}
    for pid in (FAC, "p-other"):
        writer, transport = _writer()
        role = "facilitator" if pid == FAC else "participant"
        conn = Connection(None, pid, role, 10, direct=writer)  # type: ignore[arg-type]
        conn.last_seq = room.attach(conn, None, None).seq  # the welcome itself is not sent
        conn.release()
        sockets[pid], conns[pid] = transport, conn
    sender = conns[FAC]
    other_seq_at_senders_write: list[int] = []
    write = sockets[FAC].write
    sockets[FAC].write = lambda data: (  # type: ignore[method-assign]
        other_seq_at_senders_write.append(conns["p-other"].last_seq),
        write(data),
    )[1]

    message = decode_client_message(
        '{"type":"op","id":"op-1","op":{"kind":"note.add","note":{"id":"n1","area":"main","text":"Hi"}}}'
    )
    assert isinstance(message, OpMessage)
    inflight = _InFlight(1)
    inflight.count += 1
    _submit(sender, room, message, inflight)  # type: ignore[arg-type]
    async with asyncio.timeout(10):
        await inflight.room()  # the op is answered

    (one_write,) = sockets[FAC].writes
    ops, ack = _texts(one_write)
    assert '"type":"ops"' in ops and '"id":"op-1"' in ops
    assert '"type":"ack"' in ack and '"seq":1' in ack
    (theirs,) = sockets["p-other"].writes
    assert _texts(theirs) == [ops]
    assert other_seq_at_senders_write == [0]  # the other's copy came after
    await rooms.close()
