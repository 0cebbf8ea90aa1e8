"""A connection's send side: order, gaps, and what happens when it cannot keep up."""

from __future__ import annotations

import pytest

from server.sync.close import Close
from server.sync.connection import Connection

pytestmark = pytest.mark.anyio


class _Socket:
    """Collects what the write loop sends; stands in for a client that reads everything."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: tuple[int, str] | None = None

    async def send_text(self, frame: str) -> None:
        self.sent.append(frame)

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


def _connection(queue_max: int = 10) -> tuple[Connection, _Socket]:
    socket = _Socket()
    conn = Connection(socket, "p-1", "participant", queue_max)  # type: ignore[arg-type]
    conn.release()
    return conn, socket


async def test_frames_already_delivered_are_not_sent_again() -> None:
    conn, socket = _connection()
    conn.deliver(1, 2, "ops 1-2")
    conn.deliver(1, 2, "ops 1-2 again")
    conn.deliver(3, 3, "ops 3")
    conn.close(1000, "done")
    await conn.closed()
    assert socket.sent == ["ops 1-2", "ops 3"]


async def test_a_gap_that_cannot_be_filled_closes_so_the_client_resumes() -> None:
    conn, socket = _connection()
    conn.deliver(1, 1, "ops 1")
    conn.deliver(5, 5, "ops 5")  # 2..4 never came, and there is no room to fill them from
    await conn.closed()
    assert socket.closed is not None and socket.closed[0] == Close.TRY_AGAIN


async def test_a_connection_that_falls_behind_is_closed_instead_of_buffering_forever() -> None:
    conn, socket = _connection(queue_max=3)
    for seq in range(1, 10):  # nothing is written meanwhile: the client does not read
        conn.deliver(seq, seq, f"ops {seq}")
    await conn.closed()
    assert socket.closed is not None and socket.closed[0] == Close.TRY_AGAIN
    assert socket.sent == [], "a closing connection drops its backlog; the client resumes"


class _Transport:
    """Stands in for uvicorn's socket: takes frames straight away unless its buffer is full."""

    def __init__(self, sent: list[str]) -> None:
        self.sent = sent
        self.full = False

    def write(self, frame: str) -> bool:
        if self.full:
            return False
        self.sent.append(frame)
        return True


async def test_frames_keep_their_order_when_the_socket_fills_up_and_drains() -> None:
    socket = _Socket()
    transport = _Transport(socket.sent)
    conn = Connection(socket, "p-1", "participant", 10, direct=transport)  # type: ignore[arg-type]
    conn.release()
    conn.deliver(1, 1, "ops 1")  # straight to the socket
    transport.full = True
    conn.deliver(2, 2, "ops 2")  # queued for the writer
    transport.full = False
    conn.deliver(3, 3, "ops 3")  # the socket takes frames again, but 2 waits: 3 queues too
    assert socket.sent == ["ops 1"]
    conn.close(1000, "done")
    await conn.closed()
    assert socket.sent == ["ops 1", "ops 2", "ops 3"]
    assert socket.closed == (1000, "done")


async def test_nothing_is_written_until_the_credential_is_checked_again() -> None:
    """The welcome is queued at attach, but a participant removed meanwhile must not get it:
    the socket writes only once released (after the second check in `_serve`)."""
    socket = _Socket()
    conn = Connection(socket, "p-1", "participant", 10, direct=_Transport(socket.sent))  # type: ignore[arg-type]
    conn.send("welcome")
    conn.deliver(1, 1, "ops 1")
    assert socket.sent == []
    conn.release()
    conn.deliver(2, 2, "ops 2")
    conn.close(1000, "done")
    await conn.closed()
    assert socket.sent == ["welcome", "ops 1", "ops 2"]
