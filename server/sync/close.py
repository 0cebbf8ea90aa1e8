"""The WebSocket close codes the server uses, and what a client should do on each."""

from __future__ import annotations

from enum import IntEnum


class Close(IntEnum):
    GOING_AWAY = 1001  # the server shuts down or the socket says bye: reconnect
    POLICY = 1008  # refused (origin, token) or removed by the facilitator: do not retry as is
    RELOAD = 1012  # the stored board changed (rewritten, deleted): reconnect and load it
    TRY_AGAIN = 1013  # too slow, missed ops, too many connections, store away: resume later
