"""A record as a Word document (python-docx): headings, bullet lists and real tables."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as WordDocument

from server.exports.records import Block, Record

# characters XML 1.0 cannot hold; Word would refuse the file
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def render(record: Record) -> bytes:
    document = Document()
    document.core_properties.title = _clean(record.title)
    document.core_properties.language = record.language
    document.add_heading(_clean(record.title), level=0)
    for fact in record.facts:
        document.add_paragraph().add_run(_clean(fact)).italic = True
    for block in record.blocks:
        _block(document, block, 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _block(document: WordDocument, block: Block, level: int) -> None:
    document.add_heading(_clean(block.heading), level=min(level, 9))
    if block.intro:
        document.add_paragraph().add_run(_clean(block.intro)).italic = True
    for entry in block.entries:
        style = "List Number" if block.numbered else "List Bullet"
        paragraph = document.add_paragraph(_clean(entry.text), style=style)
        if entry.meta:
            paragraph.add_run(" — " + _clean(" · ".join(entry.meta))).italic = True
    if block.grid is not None:
        table = document.add_table(rows=1, cols=len(block.grid.columns))
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, block.grid.columns, strict=True):
            cell.text = _clean(title)
        for row in block.grid.rows:
            for cell, text in zip(table.add_row().cells, row, strict=True):
                cell.text = _clean(text)
    if block.chart is not None:  # the chart's figures as a table, which Word reads aloud
        document.add_paragraph().add_run(_clean(block.chart.caption)).italic = True
        rows = block.chart.rows()
        table = document.add_table(rows=len(rows), cols=2)
        table.style = "Table Grid"
        for cells, row in zip(table.rows, rows, strict=True):
            for cell, text in zip(cells.cells, row, strict=True):
                cell.text = _clean(text)
    for child in block.children:
        _block(document, child, level + 1)
