"""The board sockets' route, served in front of Starlette's router and middleware stack.

A WebSocket stays open for a whole meeting, and every ASGI layer it passes through keeps a
suspended frame (and its closures) for that long: the router, the exception middleware and
the middlewares that only touch HTTP cost about 5 KiB per idle socket (docs/performance.md,
S3). The board socket needs none of them, so it is served here, inside the host check; and
this layer hands on the handler's awaitable rather than awaiting it, so it keeps no frame
either. Its server `send` is kept in the scope for the direct write path
(server/sync/transport.py).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from server.sync.transport import RAW_SEND

_BOARD_SOCKET = re.compile(r"/ws/boards/([^/]+)")


class BoardSockets:
    def __init__(self, app: ASGIApp, handler: Callable[[WebSocket], Awaitable[None]]) -> None:
        self.app = app
        self.handler = handler

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        match = _BOARD_SOCKET.fullmatch(scope["path"]) if scope["type"] == "websocket" else None
        if match is None:
            return self.app(scope, receive, send)
        scope[RAW_SEND] = send
        scope["path_params"] = {"board_id": match[1]}
        return self.handler(WebSocket(scope, receive, send))
