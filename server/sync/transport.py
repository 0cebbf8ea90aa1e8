"""A socket read and written below ASGI, when uvicorn serves it.

Writing: a room hands the same `ops` frame to every socket of a viewer class. Through ASGI
each socket would pay for its own writer task wake-up, Starlette's and the middlewares' send
wrappers, uvicorn's `send`, a UTF-8 encode and websockets' framing; at 70 sockets that was
most of an op's cost (docs/performance.md). Here the frame is framed once, and each socket
whose transport is open and not paused gets it with one `transport.write`. Anything else (a
paused transport, frames already queued, a close under way, a server other than uvicorn's
websockets-sansio) takes the ASGI path, so the order of frames on a socket never changes.

Reading: through ASGI each message is queued, reading is paused, the connection's task wakes
up, and reading resumes: about 0.1 ms of an op's path at the bench's pace. `DirectProtocol`
hands a text message to the connection as soon as it is parsed instead, while the
connection says it can take one; when it cannot (its ops in flight are at their limit), the
message and every one after it take the ASGI queue until the connection has read it empty.

Corking: a room writes a sender's `ops` frame and then its ack. Each write is a system call,
and the first to a socket whose reader sleeps also wakes that reader; inside `corked()` each
socket's frames are held and written as one, when the block ends. A room corks only its
senders' frames (docs/performance.md): everyone else gets one frame, written at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from starlette.types import Scope
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State

RAW_SEND = "planche.raw_send"  # the server's own `send`, before any middleware wraps it
# what `write` reads of uvicorn's protocol, set in its __init__ (checked in `of`)
_PROTOCOL_STATE = (
    "handshake_complete",
    "close_sent",
    "disconnected",
    "writable",
    "conn",
    "transport",
)


class DirectProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio protocol (`ws=` in its config), which can hand text
    messages straight to the connection (`take`)."""

    # the connection's reader while it reads directly: True when it took the message, False
    # when the message must wait in the queue (taking it stops direct reading)
    take: Callable[[str], bool] | None = None

    def send_receive_event_to_app(self) -> None:
        take = self.take
        if take is not None and not self.close_sent and self.curr_msg_data_type == "text":
            data = self.frames[0] if len(self.frames) == 1 else b"".join(self.frames)
            try:
                text = data.decode()
            except UnicodeDecodeError:
                text = None  # uvicorn's own path closes with 1007
            if text is not None and take(text):
                self.frames = []
                return
        self.take = None  # queued: what comes after it queues behind it
        super().send_receive_event_to_app()

    def read_directly(self, take: Callable[[str], bool] | None) -> None:
        """From now on text messages go to `take`, once those queued have been read; None:
        through the queue again."""
        if take is None or self.queue.empty():
            self.take = take


def _protocol_of(scope: Scope) -> object:
    """What serves the socket: uvicorn's protocol is the owner of the raw `send`."""
    return getattr(scope.get(RAW_SEND), "__self__", None)


def direct_reader(scope: Scope) -> DirectProtocol | None:
    """The socket's protocol when it can be read directly; None under another server."""
    protocol = _protocol_of(scope)
    return protocol if isinstance(protocol, DirectProtocol) else None


class DirectWriter:
    """Writes text frames to one socket's transport while that is safe."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def of(cls, scope: Scope) -> DirectWriter | None:
        """The socket's writer, or None when another server (or a test client) serves it."""
        protocol = _protocol_of(scope)
        if not isinstance(protocol, WebSocketsSansIOProtocol):
            return None
        # these are uvicorn's internals: a version without one of them keeps the ASGI path
        return cls(protocol) if all(hasattr(protocol, a) for a in _PROTOCOL_STATE) else None

    def write(self, frame: str) -> bool:
        """Writes `frame` now; False when it must go through ASGI instead (nothing written)."""
        p = self._protocol
        if (
            not p.handshake_complete
            or p.close_sent
            or p.disconnected
            or not p.writable.is_set()  # paused: the buffer is full, ASGI waits for it
            or p.conn.state is not State.OPEN
            or p.transport.is_closing()
        ):
            return False
        if (held := _corks.held) is not None:
            held.setdefault(p, []).append(_framed(frame))
        else:
            _write(p, _framed(frame))
        return True


class _Corks(threading.local):
    # the frames written inside `corked()` on this thread's event loop, by socket, in the
    # order the sockets were first written. Not a ContextVar: a callback or task made inside
    # the block would keep seeing it, and write into it after it was written out.
    held: dict[WebSocketsSansIOProtocol, list[bytes]] | None = None


_corks = _Corks()


@contextlib.contextmanager
def corked() -> Iterator[None]:
    """Each socket written meanwhile gets its frames in one write when the block ends. The
    block must not await: frames held across an await would wait for it. Nested, the outer
    block writes."""
    if _corks.held is not None:
        yield
        return
    held: dict[WebSocketsSansIOProtocol, list[bytes]] = {}
    _corks.held = held
    try:
        yield
    finally:
        _corks.held = None
        for protocol, frames in held.items():
            _write(protocol, frames[0] if len(frames) == 1 else b"".join(frames))


def _write(protocol: WebSocketsSansIOProtocol, data: bytes) -> None:
    """Every direct write goes through here, where bench.stages stamps it: uvloop's
    transports are compiled, and cannot be stamped themselves."""
    protocol.transport.write(data)


_last: tuple[str | None, bytes] = (None, b"")


def _framed(frame: str) -> bytes:
    """`frame` as one unmasked text frame; the room hands the same string to every socket in
    turn, so one entry of memory frames it once per delivery."""
    global _last
    if _last[0] is not frame:
        data = frame.encode()
        _last = (frame, Frame(Opcode.TEXT, data).serialize(mask=False))
    return _last[1]
