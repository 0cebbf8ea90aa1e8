"""The reading order of an area's notes (server/board/order.py), which the list view,
records and exports share."""

from __future__ import annotations

from server.board.order import reading_order
from server.board.state import Note


def test_placed_notes_stand_at_their_y_and_the_others_where_they_came_in() -> None:
    notes = [
        Note("late", "a", "written last", "p", created_seq=9),
        Note("dragged", "a", "dragged to the top", "p", y=0.5, created_seq=8),
        Note("first", "a", "written first", "p", created_seq=2),
        Note("tie-b", "a", "placed at 2", "p", y=2, created_seq=7),
        Note("tie-a", "a", "placed at 2 too", "p", y=2, created_seq=5),
    ]
    assert [n.id for n in reading_order(notes)] == ["dragged", "first", "tie-a", "tie-b", "late"]
