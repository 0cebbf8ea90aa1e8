"""A quadrant area's notes are listed per cell, named by the axes, in the record and CSV."""

from __future__ import annotations

from dataclasses import replace

from server.board.state import Area, Axes, Note, Participant, new_board
from server.exports import csv, markdown, picture, records


def test_a_quadrants_notes_are_listed_under_their_cells_in_every_layout() -> None:
    prio = Area("prio", "Priorities", "What first?", Axes(x="Effort", y="Effect"))
    state = new_board("b1", "Plan", "free", "en", (Area("main", "The board"), prio))
    notes = {
        "n1": Note("n1", "prio", "Fix the door sign", "p1", x=60, y=140),  # high effect, low
        "n2": Note("n2", "prio", "Rebuild the website", "p1", x=420, y=520),  # low, high
        "n3": Note("n3", "prio", "Weekly coffee", "p1"),  # not placed yet
    }
    people = {"p1": Participant("p1", "Ann", "facilitator")}
    state = replace(state, notes=notes, participants=people)
    text = markdown.render(records.build(state, None)).decode()
    cells = text.index("High effect, low effort")
    assert text.index("Priorities") < text.index("Weekly coffee") < cells
    assert cells < text.index("Fix the door sign") < text.index("High effect, high effort")
    assert text.index("Low effect, high effort") < text.index("Rebuild the website")
    rows = csv.render(state).decode()
    assert '"Priorities: High effect, low effort",Fix the door sign' in rows
    assert "Priorities,Weekly coffee" in rows
    drawn = picture.svg(state)  # the picture of the board names the cells too
    assert drawn.index("High effect, low effort") < drawn.index("Fix the door sign")
    assert drawn.index("Not placed yet") < drawn.index("Weekly coffee")
