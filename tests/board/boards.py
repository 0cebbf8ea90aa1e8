"""A board for domain tests, and one op sent to it as the server's room does: completed,
sequenced, applied. Shared by tests/board/test_facilitation.py (op by op) and
tests/board/streams.py (generated streams)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from server.board.apply import Record, apply
from server.board.complete import complete
from server.board.ops import Op, parse_op
from server.board.state import Area, BoardState, Participant, new_board


def a_board(
    title: str,
    method: str,
    language: str,
    areas: tuple[Area, ...],
    people: tuple[Participant, ...],
    **settings: Any,
) -> BoardState:
    """A new board (id "b") with these participants already in it."""
    board = new_board("b", title, method, language, areas, **settings)
    return replace(board, participants={p.id: p for p in people})


def send(
    state: BoardState, by: str, raw: dict[str, Any], now_ms: int
) -> tuple[BoardState, Op, str | None]:
    """The state after `raw` from `by`, the op as completed and logged, and the no-op reason
    (None when it applied)."""
    seq = state.seq + 1
    op = complete(state, parse_op(raw), by, now_ms)
    state, noop = apply(state, Record(seq, f"op-{seq}", by, op))
    return state, op, noop.value if noop else None
