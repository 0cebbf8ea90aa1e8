"""A record as PDF: the HTML record, laid out by WeasyPrint, which fetches nothing."""

from __future__ import annotations

from typing import Any, NoReturn

from server.exports import html
from server.exports.records import Record


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"a record fetches nothing ({url[:60]})")


def render(record: Record) -> bytes:
    from weasyprint import HTML  # loads Pango; only when a PDF is asked for

    pdf: bytes = HTML(string=html.render(record).decode(), url_fetcher=_no_fetching).write_pdf()
    return pdf
