"""Writing a frame straight to a socket's transport, when uvicorn serves the socket.

A room hands the same `ops` frame to every socket of a viewer class. Through ASGI each socket
would pay for its own writer task wake-up, Starlette's and the middlewares' send wrappers,
uvicorn's `send`, a UTF-8 encode and websockets' framing; at 70 sockets that was most of an
op's cost (docs/performance.md). Here the frame is framed once, and each socket whose
transport is open and not paused gets it with one `transport.write`. Anything else (a paused
transport, frames already queued, a close under way, a server other than uvicorn's
websockets-sansio) takes the ASGI path, so the order of frames on a socket never changes.
"""

from __future__ import annotations

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


class DirectWriter:
    """Writes text frames to one socket's transport while that is safe."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def of(cls, scope: Scope) -> DirectWriter | None:
        """The socket's writer, or None when another server (or a test client) serves it."""
        protocol = getattr(scope.get(RAW_SEND), "__self__", None)
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
        p.transport.write(_framed(frame))
        return True


_last: tuple[str | None, bytes] = (None, b"")


def _framed(frame: str) -> bytes:
    """`frame` as one unmasked text frame; the room hands the same string to every socket in
    turn, so one entry of memory frames it once per delivery."""
    global _last
    if _last[0] is not frame:
        data = frame.encode()
        _last = (frame, Frame(Opcode.TEXT, data).serialize(mask=False))
    return _last[1]
