"""One WebSocket of a board: handshake checks, hello, then ops in and frames out.

Reading and writing are separate tasks: a reader that waits for a slow socket would hold up
the acks of everyone's group commit, so frames go through a bounded queue, and a connection
whose queue fills up is closed (it resumes from its last seq when it comes back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from server.board.ops import SENDERS
from server.board.protocol import (
    Ack,
    ErrorCode,
    ErrorMessage,
    Hello,
    OpMessage,
    PresenceUpdate,
    ProtocolError,
    decode_client_message,
    encode,
)
from server.board.state import Role
from server.config import Config
from server.exceptions import StoreUnavailable
from server.http.errors import error_response
from server.ids import hash_token
from server.metrics import CONNECTIONS, ERRORS
from server.store.base import Store
from server.sync.close import Close
from server.sync.core import Outcome, ops_frame
from server.sync.limits import AddressCounter, Throttled, TokenBucket
from server.sync.rooms import Room, Rooms
from server.sync.transport import DirectWriter, direct_reader

log = logging.getLogger("planche.connection")

_MAX_OPS_IN_FLIGHT = 64  # per connection; more waits for earlier acks
_REFUSALS = Throttled()  # per address: refusals are logged once a minute, with their count


class Connection:
    """The room's view of this socket (see `rooms.Peer`)."""

    def __init__(
        self,
        websocket: WebSocket,
        participant_id: str,
        role: Role,
        queue_max: int,
        token_hash: str = "",
        direct: DirectWriter | None = None,
    ):
        self.websocket = websocket
        self.participant_id = participant_id
        self.role = role
        self.token_hash = token_hash
        self.last_seq = 0
        self.room: Room | None = None
        self._queue_max = queue_max
        # Frames go straight to the socket (`direct`) while nothing waits for it. Otherwise
        # (the socket's buffer is full, or no direct path) they wait in `_out` (None: close)
        # for a writer task, which exists only while there is something to write: a server
        # holds thousands of idle connections. Nothing is written while `_held`.
        self._direct = direct
        self._out: deque[str | None] | None = None
        self._writer: asyncio.Task[None] | None = None
        self._held = True
        self._closing = False

    def deliver(self, first_seq: int, last_seq: int, frame: str) -> None:
        if last_seq <= self.last_seq:
            return  # already sent (a resend or a late duplicate from the broker)
        if first_seq != self.last_seq + 1:
            room = self.room
            missed = (
                room.ops_between(self.last_seq, last_seq, self.participant_id) if room else None
            )
            if missed is None:
                self.close(Close.TRY_AGAIN, "missed ops; resume", drop_backlog=True)
                return
            frame = ops_frame(missed)
        self.last_seq = last_seq
        self.send(frame)

    def send(self, frame: str) -> None:
        if self._closing:
            return
        if self._out is not None and len(self._out) >= self._queue_max:
            log.warning("closing slow connection of %s", self.participant_id)
            self.close(Close.TRY_AGAIN, "too slow; resume", drop_backlog=True)
            return
        # a writer holds the frames before this one: writing past it would reorder them
        waiting = self._writer is not None or self._held
        if waiting or self._direct is None or not self._direct.write(frame):
            self._push(frame)

    def release(self) -> None:
        """Start writing: the welcome and whatever came after it (see `_serve`)."""
        self._held = False
        if self._out:
            self._start_writer()

    def _push(self, item: str | None) -> None:
        if self._out is None:
            self._out = deque()
        self._out.append(item)
        if self._writer is None and not self._held:
            self._start_writer()

    def _start_writer(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(self._write())

    def close(self, code: int, reason: str, *, drop_backlog: bool = False) -> None:
        """Queue nothing more; close once the queued frames are sent (or dropped: a client
        that resumes from its last seq gets them again anyway)."""
        if self._closing:
            return
        self._closing = True
        self._close_code, self._close_reason = code, reason
        if drop_backlog and self._out:
            self._out.clear()
        self._push(None)

    async def closed(self) -> None:
        """Returns once the queued frames are written and the socket closed (or failed)."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer

    async def _write(self) -> None:
        out = self._out
        assert out is not None
        while out:
            frame = out.popleft()
            if frame is None:
                with contextlib.suppress(Exception):
                    await self.websocket.close(self._close_code, self._close_reason)
                return
            await self.websocket.send_text(frame)
        # all written: the next frame goes straight to the socket again
        self._out = self._writer = None


def error_frame(error: ProtocolError) -> str:
    ERRORS.labels(error.code.value).inc()
    # not encode(): the contract wants `"id": null` present when there is no op id
    return ErrorMessage(id=error.op_id, code=error.code, message=error.message).model_dump_json()


def origin_allowed(websocket: WebSocket, allowed: tuple[str, ...]) -> bool:
    origin = websocket.headers.get("origin")
    if origin is None:
        return True  # scripts send none; browsers always do
    origin = origin.rstrip("/")
    host = websocket.headers.get("host", "")
    own = {f"http://{host}", f"https://{host}"}
    return origin in own or origin in allowed


async def serve_board_socket(
    websocket: WebSocket,
    board_id: str,
    rooms: Rooms,
    store: Store,
    config: Config,
    connections: AddressCounter,
) -> None:
    if not origin_allowed(websocket, config.allowed_origins):
        log.warning("refused WebSocket from origin %s", websocket.headers.get("origin"))
        await websocket.close(Close.POLICY)  # before accept: the client sees HTTP 403
        return
    address = websocket.client.host if websocket.client else "unknown"
    if connections.full(address):
        if refused := _REFUSALS.count(address):  # one line a minute, however many
            log.warning(
                "refused %d WebSocket(s) from %s: %d open", refused, address, connections.limit
            )
        message = (
            f"Too many open connections from this address (at most {connections.limit}). "
            "Close some boards, then try again."
        )
        await websocket.send_denial_response(
            error_response(429, "rate_limited", message, {"Retry-After": "10"})
        )
        return
    await websocket.accept()
    if rooms.draining:  # shutting down: the client goes to another worker
        await websocket.close(Close.GOING_AWAY, "server going away")
        return
    hello = await _hello_or_none(websocket, config, connections, address)
    if hello is None:
        return
    if not connections.acquire(address):  # others said hello first
        message = f"Too many open connections from this address (at most {connections.limit})."
        await websocket.send_text(error_frame(ProtocolError(ErrorCode.RATE_LIMITED, message)))
        await websocket.close(Close.TRY_AGAIN, "too many connections")
        return
    try:
        await _serve(websocket, board_id, rooms, store, config, hello)
    finally:
        connections.release(address)


async def _hello_or_none(
    websocket: WebSocket, config: Config, connections: AddressCounter, address: str
) -> Hello | None:
    """The socket's hello; None when it closed, said none in time, or gave way to a newer
    socket from its address while more than `connections_per_address` waited."""
    waiting = asyncio.create_task(_await_hello(websocket, config.hello_timeout))
    key = connections.wait(address, lambda: _cancel(waiting))
    reason = "no hello"
    try:
        return await waiting
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise  # the server is stopping this handler, not the limit
        reason = "too many sockets waiting for their hello"
    except (WebSocketDisconnect, TimeoutError):
        pass
    finally:
        connections.done_waiting(address, key)
    with contextlib.suppress(Exception):
        await websocket.close(Close.POLICY, reason)
    return None


def _cancel(task: asyncio.Task[Hello]) -> None:
    task.cancel()


async def _serve(
    websocket: WebSocket, board_id: str, rooms: Rooms, store: Store, config: Config, hello: Hello
) -> None:
    token_hash = hash_token(hello.token)
    credential = await store.authenticate(token_hash)
    room = await rooms.get(board_id) if credential and credential.board_id == board_id else None
    if credential is None or room is None:
        await _refuse(websocket)
        return

    conn = Connection(
        websocket,
        credential.participant_id,
        credential.role,
        config.send_queue_max,
        token_hash,
        DirectWriter.of(websocket.scope),
    )
    conn.room = room
    _welcome(conn, room, hello)
    # A removal between the check above and the attach closed no socket of this one; now
    # attached, any later removal will: so check once more before sending or reading.
    try:
        still = credential.participant_id not in room.revoked and bool(
            await store.authenticate(token_hash)
        )
    except StoreUnavailable:
        room.detach(conn)
        await websocket.close(Close.TRY_AGAIN, "store unavailable; try again")
        return
    if not still:
        room.detach(conn)
        await _refuse(websocket)
        return
    conn.release()
    CONNECTIONS.inc()
    try:
        await _Reader(conn, room, TokenBucket(config.op_rate, config.op_burst)).run(websocket)
    finally:
        CONNECTIONS.dec()
        room.detach(conn)
        conn.close(Close.GOING_AWAY, "bye")
        await conn.closed()


def _welcome(conn: Connection, room: Room, hello: Hello) -> None:
    """Attaches `conn` and queues its welcome; a function of its own so that the welcome (a
    participant's own view of the board, or the ops it missed) is not kept as long as the
    socket is open."""
    welcome = room.attach(conn, hello.since, hello.epoch)
    conn.last_seq = welcome.seq
    conn.send(room.encode_welcome(welcome))


async def _refuse(websocket: WebSocket) -> None:
    message = "This token does not open this board. Join again with the board's code."
    await websocket.send_text(error_frame(ProtocolError(ErrorCode.UNAUTHORIZED, message)))
    await websocket.close(Close.POLICY, "unauthorized")


async def _await_hello(websocket: WebSocket, seconds: float) -> Hello:
    """The first valid hello; anything else before it is answered with an error."""
    async with asyncio.timeout(seconds):
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                raise WebSocketDisconnect(message.get("code", 1000))
            try:
                decoded = decode_client_message(_frame(message))
            except ProtocolError as e:
                await websocket.send_text(error_frame(e))
                continue
            if isinstance(decoded, Hello):
                return decoded
            op_id = decoded.id if isinstance(decoded, OpMessage) else None
            await websocket.send_text(
                error_frame(ProtocolError(ErrorCode.INVALID, "Send a hello first.", op_id))
            )


def _frame(message: Any) -> str | bytes:
    text = message.get("text")
    return text if text is not None else message.get("bytes") or b""


class _Reader:
    """A connection's messages after its hello, in the order they came: each is taken as
    uvicorn parses it while the connection has room for another op (server/sync/transport.py),
    and read through ASGI otherwise, or under another server."""

    def __init__(self, conn: Connection, room: Room, bucket: TokenBucket) -> None:
        self._conn = conn
        self._room = room
        self._bucket = bucket
        self._inflight = _InFlight(_MAX_OPS_IN_FLIGHT)

    async def run(self, websocket: WebSocket) -> None:
        direct = direct_reader(websocket.scope)
        try:
            while True:
                if direct is not None and not self._inflight.full:
                    direct.read_directly(self._take)
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    return
                decoded = self._decoded(_frame(message))
                if isinstance(decoded, OpMessage):
                    await self._inflight.room()
                self._handle(decoded)
        finally:
            if direct is not None:  # a connection on its way out takes nothing more
                direct.read_directly(None)

    def _take(self, frame: str) -> bool:
        if self._inflight.full:
            return False  # it waits in the queue for an answer to free a place
        self._handle(self._decoded(frame))
        return True

    def _decoded(self, frame: str | bytes) -> Hello | OpMessage | PresenceUpdate | None:
        try:
            return decode_client_message(frame)
        except ProtocolError as e:
            self._conn.send(error_frame(e))
            return None

    def _handle(self, decoded: Hello | OpMessage | PresenceUpdate | None) -> None:
        conn, room = self._conn, self._room
        if isinstance(decoded, OpMessage):
            if not self._bucket.take():
                text = (
                    f"Too many changes at once (at most {self._bucket.rate:g} a second). This one "
                    "was not applied; send it again in a moment."
                )
                conn.send(error_frame(ProtocolError(ErrorCode.RATE_LIMITED, text, decoded.id)))
                return
            self._inflight.count += 1
            _submit(conn, room, decoded, self._inflight)
        elif isinstance(decoded, PresenceUpdate):
            drag = decoded.drag.model_dump() if decoded.drag else None
            room.set_presence(conn, {"typing": decoded.typing, "area": decoded.area, "drag": drag})
        elif decoded is not None:
            error = ProtocolError(ErrorCode.INVALID, "Already greeted; send hello only once.")
            conn.send(error_frame(error))


class _InFlight:
    """The ops of one connection waiting for their answers; the reader waits while there
    are `limit` (a counter and one future: no task or semaphore per op)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self.count = 0
        self._freed: asyncio.Future[None] | None = None

    @property
    def full(self) -> bool:
        return self.count >= self._limit

    async def room(self) -> None:
        """Returns once fewer than `limit` are in flight."""
        while self.full:
            self._freed = asyncio.get_running_loop().create_future()
            await self._freed

    def done(self) -> None:
        self.count -= 1
        if self._freed is not None and not self._freed.done():
            self._freed.set_result(None)


def _submit(conn: Connection, room: Room, message: OpMessage, inflight: _InFlight) -> None:
    """Hands the op to the room; its ack (or error) is sent from the room's task when the op
    is durable."""
    kind = message.op.kind
    role = room.role_of(conn)  # a role.set since the welcome counts
    # a resend of an op already taken is answered as it was, whatever the sender's role is
    # now: a facilitator's own step down, sent again after the reload it caused
    allowed = role in SENDERS.get(kind, frozenset())
    if not allowed and (known := room.resent(message.id, conn.participant_id)) is not None:
        inflight.done()
        conn.send(encode(Ack(id=message.id, seq=known.seq, noop=known.noop)))
        return
    if not allowed:
        inflight.done()
        if kind not in SENDERS:  # participant.join: the server's own, when someone joins
            text = f"'{kind}' is sent by the server only; no client may send it."
        elif role == "viewer":
            text = f"Viewers can only watch this board; '{kind}' was not applied."
        else:
            text = f"Only the facilitator may send '{kind}'."
        conn.send(error_frame(ProtocolError(ErrorCode.FORBIDDEN, text, message.id)))
        return

    def reply(outcome: Outcome | ProtocolError) -> None:
        inflight.done()
        if isinstance(outcome, ProtocolError):
            conn.send(error_frame(outcome))
        else:
            conn.send(encode(Ack(id=message.id, seq=outcome.seq, noop=outcome.noop)))

    room.offer(message.id, message.op, conn.participant_id, reply)
