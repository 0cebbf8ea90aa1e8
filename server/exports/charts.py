"""Bar charts of a record (votes per note, average score per criterion) as SVG for the HTML
and PDF records. Word and Markdown show the same figures as a table (`Chart.rows`)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

_LABEL_W, _BAR_W, _ROW_H, _PAD = 300, 320, 34, 8
_LABEL_CHARS = 40


@dataclass
class Bar:
    label: str
    value: float
    shown: str  # the value as the record's language writes it: "3,5", "12"


@dataclass
class Chart:
    caption: str  # says what is measured and on which scale
    columns: tuple[str, str]  # what the labels and the values are, for the table form
    bars: list[Bar]
    top: float  # the value a full bar stands for

    def rows(self) -> list[list[str]]:
        """The chart as a table, headings first."""
        return [list(self.columns), *([b.label, b.shown] for b in self.bars)]


def svg(chart: Chart) -> str:
    """Horizontal bars, each labelled with its text and value; `role="img"` with the caption
    as its name, and each bar's text also in the picture for those who read the PDF's text."""
    height = len(chart.bars) * _ROW_H + 2 * _PAD
    width = _LABEL_W + _BAR_W + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label={quoteattr(chart.caption)}'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}"'
        ' font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">',
    ]
    for i, bar in enumerate(chart.bars):
        y = _PAD + i * _ROW_H
        label = textwrap.shorten(bar.label, _LABEL_CHARS, placeholder="…")
        length = _BAR_W * (bar.value / chart.top) if chart.top > 0 else 0
        parts += [
            f'<text x="{_LABEL_W - 8}" y="{y + 21}" font-size="13" text-anchor="end"'
            f' fill="#1d1d1f">{escape(label)}</text>',
            f'<rect x="{_LABEL_W}" y="{y + 6}" width="{_BAR_W}" height="20" fill="#ecebe7"/>',
            f'<rect x="{_LABEL_W}" y="{y + 6}" width="{max(length, 0):.1f}" height="20"'
            ' fill="#1f5f8b"/>',
            f'<text x="{_LABEL_W + _BAR_W + 8}" y="{y + 21}" font-size="13" font-weight="bold"'
            f' fill="#1d1d1f">{escape(bar.shown)}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)
