"""The order in which an area's notes are read: in the list view, the records and every
export (board_client/web/views.js `notesOf` is its mirror in the page).

A note someone placed (dragged, or moved in the list) stands at its `y`; one nobody placed
stands where it came in, by its seq. Ties go to the earlier note, then to the id, so every
replica and every export lists the same notes in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

from server.board.state import Note


def place(note: Note) -> float:
    """Where a note stands in its area's reading order."""
    return note.y if note.y is not None else note.created_seq


def reading_order(notes: Iterable[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (place(n), n.created_seq, n.id))
