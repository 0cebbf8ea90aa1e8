"""A real SQLite store for in-process tests, with a way to make commits fail as a full disk
would, and a board to put in it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from server.board.ops import parse_op
from server.board.state import Area, Participant, new_board
from server.exceptions import StoreUnavailable
from server.store.base import BoardRow, StoredOp
from server.store.sql import SqlStore

FAC = "p-fac"


class FlakyStore(SqlStore):
    """A real store whose next `failures` commits fail."""

    failures = 0

    async def append(self, board_id: str, ops: list[StoredOp]) -> None:
        if self.failures:
            self.failures -= 1
            raise StoreUnavailable("disk I/O error")
        await super().append(board_id, ops)


async def make_board(store: SqlStore, board_id: str = "b" * 32) -> str:
    row = BoardRow(board_id, "Workshop", "free", "da", f"CODE-{board_id[:4].upper()}", "e1", 0.0)
    state = replace(
        new_board(board_id, "Workshop", "free", "da", (Area("main", "Tavlen"),)),
        participants={FAC: Participant(FAC, "Fac", "facilitator")},
    )
    await store.create_board(row, state.to_json(), [])
    return board_id


def note(i: int) -> Any:
    return parse_op({"kind": "note.add", "note": {"id": f"n{i}", "area": "main", "text": f"t{i}"}})
