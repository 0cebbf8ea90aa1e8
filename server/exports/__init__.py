"""Meeting records in the formats a municipality uses: Markdown, HTML, PDF, DOCX, CSV, JSON.

`records.build` lays a board out as a `Record` (headings, entries, tables) by its method;
each format module renders a `Record`. No I/O here: the HTTP handlers and the CLI fetch the
board and write the bytes.
"""

from __future__ import annotations

FORMATS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
