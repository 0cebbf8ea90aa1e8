"""What can go wrong for a script talking to a Planche server."""

from __future__ import annotations


class PlancheClientError(Exception):
    """Base of every error this package raises."""


class HttpError(PlancheClientError):
    """The server answered an HTTP request with an error (`{"error": {code, message}}`)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class OpRefused(PlancheClientError):
    """The server refused an op with an error frame (`forbidden`, `invalid`, ...)."""

    def __init__(self, op_id: str | None, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.op_id = op_id
        self.code = code
        self.message = message


class Unauthorized(PlancheClientError):
    """The token does not open this board; reconnecting will not help."""


class ClientClosed(PlancheClientError):
    """The client was closed before the op was acknowledged."""
