"""The Python client of Planche: REST calls and a live, self-healing `BoardClient`."""

from board_client.client import BoardClient
from board_client.exceptions import (
    ClientClosed,
    HttpError,
    OpRefused,
    PlancheClientError,
    Unauthorized,
)
from board_client.http import CreatedBoard, Joined, create_board, fetch_board, join_board
from board_client.outbox import Ack

__all__ = [
    "Ack",
    "BoardClient",
    "ClientClosed",
    "CreatedBoard",
    "HttpError",
    "Joined",
    "OpRefused",
    "PlancheClientError",
    "Unauthorized",
    "create_board",
    "fetch_board",
    "join_board",
]
