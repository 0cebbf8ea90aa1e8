"""A record as a Word document (python-docx): headings, bullet lists and real tables."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Cm
from PIL import Image

from server.exports.records import Block, Entry, Record

Pictures = dict[str, tuple[str, bytes]]
_WORD_TAKES = ("image/jpeg", "image/png")

# characters XML 1.0 cannot hold; Word would refuse the file
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


_PICTURE_WIDTH = Cm(12)  # within the page's margins


def render(record: Record) -> bytes:
    document = Document()
    document.core_properties.title = _clean(record.title)
    document.core_properties.language = record.language
    document.add_heading(_clean(record.title), level=0)
    for fact in record.facts:
        document.add_paragraph().add_run(_clean(fact)).italic = True
    for block in record.blocks:
        _block(document, block, 1, record.pictures)
    # python-docx's template carries a preview picture of an empty page, camera data and
    # all: a record holds no metadata of any picture, and no wrong preview either
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _block(document: WordDocument, block: Block, level: int, pictures: Pictures) -> None:
    document.add_heading(_clean(block.heading), level=min(level, 9))
    if block.intro:
        document.add_paragraph().add_run(_clean(block.intro)).italic = True
    if block.nothing and not block.entries:
        document.add_paragraph().add_run(_clean(block.nothing)).italic = True
    for entry in block.entries:
        style = "List Number" if block.numbered else "List Bullet"
        paragraph = document.add_paragraph(_clean(entry.text), style=style)
        if entry.meta:
            paragraph.add_run(" — " + _clean(" · ".join(entry.meta))).italic = True
        if entry.picture is not None and (stored := pictures.get(entry.picture.id)):
            _picture(document, entry, *stored)
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
        _block(document, child, level + 1, pictures)


def _picture(document: WordDocument, entry: Entry, kind: str, data: bytes) -> None:
    """The picture inline under its caption, its caption as the text alternative."""
    if kind not in _WORD_TAKES:  # Word shows no WebP: the same pixels as PNG
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.save(out, "PNG")
            data = out.getvalue()
    assert entry.picture is not None
    portrait = entry.picture.height > entry.picture.width
    size = {"height": _PICTURE_WIDTH} if portrait else {"width": _PICTURE_WIDTH}
    shape = document.add_paragraph().add_run().add_picture(io.BytesIO(data), **size)
    shape._inline.docPr.set("descr", _clean(entry.alt))  # Word's alt text
