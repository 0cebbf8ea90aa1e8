"""Quadrant areas: a 2x2 frame for prioritising (effect/effort, urgent/important).

A quadrant's notes keep their x, y like any note's (px from the frame's inner top-left
corner at zoom 1); which cell a note is in follows from where it is, the same way on every
screen and in every record. The frame's geometry is fixed so that it does: the browser's
`board_client/web/quadrant.js` draws it with the same numbers.

    x: 0 ........ AXIS ............ AXIS + CELL ............ AXIS + 2 * CELL
    y: GRID_TOP   | high y, low x   | high y, high x   |
                  | low y, low x    | low y, high x    |  (GRID_TOP + 2 * CELL)

A note is in the cell holding its anchor, the middle of a typical note (`ANCHOR_X`,
`ANCHOR_Y` from its top-left corner); a note without x and y, or anchored outside the
grid, is "not placed yet".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from server.board.state import Axes, Note

AXIS = 40  # the gutter on the left where the y axis is named
CELL = 360  # a cell's side: two columns of 160 px notes
GRID_TOP = 120  # below the frame's title and prompt
ANCHOR_X = 80
ANCHOR_Y = 56

Level = Literal["low", "high"]
Cell = tuple[Level, Level]  # (y, x)

# reading order: the top row (high y) first, left to right
CELLS: tuple[Cell, ...] = (("high", "low"), ("high", "high"), ("low", "low"), ("low", "high"))


def cell_of(note: Note) -> Cell | None:
    """The cell `note` is in, or None when it is not placed in one."""
    if note.x is None or note.y is None:
        return None
    across = note.x + ANCHOR_X - AXIS
    down = note.y + ANCHOR_Y - GRID_TOP
    if not (0 <= across < 2 * CELL and 0 <= down < 2 * CELL):
        return None
    return ("high" if down < CELL else "low", "low" if across < CELL else "high")


def _mid_sentence(name: str) -> str:
    """ "Effect" reads "effect" inside a phrase; "ROI" stays "ROI"."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name


def cell_label(cell: Cell, axes: Axes, gettext: Callable[[str], str]) -> str:
    """ "High effect, low effort": the y axis first, as people say it."""
    _ = gettext
    texts = {
        ("high", "low"): _("High {y}, low {x}"),
        ("high", "high"): _("High {y}, high {x}"),
        ("low", "low"): _("Low {y}, low {x}"),
        ("low", "high"): _("Low {y}, high {x}"),
    }
    return texts[cell].format(y=_mid_sentence(axes.y), x=_mid_sentence(axes.x))
