"""A picture of the board as SVG: one column per area, a sticky note per note.

The picture is an overview: an area shows its first notes and then how many more there
are, which the record lists in full. (WeasyPrint draws SVG text glyph by glyph, so a
2,000-note picture alone took most of a minute to lay out as PDF.)
"""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape

from server.board.order import reading_order
from server.board.quadrant import CELLS, Cell, cell_label, cell_of
from server.board.state import BoardState
from server.i18n import translations

_COLORS = {
    "yellow": "#fff3a6",
    "pink": "#ffd3e2",
    "blue": "#cfe6ff",
    "green": "#d4f5cf",
    "orange": "#ffdcb8",
    "purple": "#e6d9ff",
}
_NOTE_W, _NOTE_H, _GAP, _HEAD = 170, 96, 12, 40
_LINES, _CHARS = 5, 24
_SHOWN = 30  # notes drawn per area
_CELL_ORDER: dict[Cell | None, int] = {c: i for i, c in enumerate(CELLS)}


def svg(state: BoardState) -> str:
    areas = list(state.areas)
    width = max(1, len(areas)) * (_NOTE_W + 2 * _GAP)
    columns = []
    tallest = 0
    _ = translations(state.language).gettext
    ngettext = translations(state.language).ngettext
    for i, area in enumerate(areas):
        x = i * (_NOTE_W + 2 * _GAP) + _GAP
        notes = reading_order(
            n for n in state.notes.values() if n.area == area.id and not n.private
        )
        parts = [
            f'<text x="{x}" y="24" font-size="12" font-weight="bold">'
            f"{escape(_clip(area.title, _CHARS - 4))}</text>"
        ]
        if area.axes:  # a quadrant: its notes by cell, each cell named by the axes
            notes.sort(key=lambda n: _CELL_ORDER.get(cell_of(n), len(_CELL_ORDER)))
        y = _HEAD
        named: list[Cell | None] = []  # the cells named so far
        for note in notes[:_SHOWN]:
            cell = cell_of(note)
            if area.axes and cell not in named:
                named.append(cell)
                name = cell_label(cell, area.axes, _) if cell else _("Not placed yet")
                parts.append(
                    f'<text x="{x}" y="{y + 12}" font-size="11" font-weight="bold">'
                    f"{escape(_clip(name, _CHARS + 4))}</text>"
                )
                y += 18
            fill = _COLORS.get(note.color or "yellow", _COLORS["yellow"])
            parts.append(
                f'<rect x="{x}" y="{y}" width="{_NOTE_W}" height="{_NOTE_H}" rx="4" '
                f'fill="{fill}" stroke="#c9c6bf"/>'
            )
            for k, line in enumerate(_wrap(note.text)):
                parts.append(
                    f'<text x="{x + 8}" y="{y + 20 + k * 15}" font-size="12">{escape(line)}</text>'
                )
            y += _NOTE_H + _GAP
        bottom = y
        if len(notes) > _SHOWN:
            hidden = len(notes) - _SHOWN
            more = ngettext("+ {n} more", "+ {n} more", hidden).format(n=hidden)
            parts.append(f'<text x="{x}" y="{bottom + 14}" font-size="12">{escape(more)}</text>')
            bottom += 24
        tallest = max(tallest, bottom)
        columns.append("".join(parts))
    height = max(tallest, _HEAD + _NOTE_H)
    label = escape(state.title, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}" '
        f'font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">'
        + "".join(columns)
        + "</svg>"
    )


def _wrap(text: str) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), _CHARS, break_long_words=True) or [""]
    if len(lines) > _LINES:
        lines = [*lines[: _LINES - 1], _clip(lines[_LINES - 1] + " …", _CHARS)]
    return lines


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
