"""A record as PDF: the HTML record, laid out by WeasyPrint, which fetches nothing."""

from __future__ import annotations

import threading
from typing import Any, NoReturn

from server.exports import html
from server.exports.records import Record


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"a record fetches nothing ({url[:60]})")


# one PDF at a time per process: WeasyPrint's font machinery is not made for threads, and a
# queue of large PDFs should not take every core from the live boards
_ONE_AT_A_TIME = threading.Lock()


def render(record: Record) -> bytes:
    from weasyprint import HTML  # loads Pango; only when a PDF is asked for

    page = html.render(record).decode()
    with _ONE_AT_A_TIME:
        # tagged as PDF/UA-1: public bodies must publish accessible documents, and a screen
        # reader needs the headings, lists and tables a tagged PDF keeps
        pdf: bytes = HTML(string=page, url_fetcher=_no_fetching).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
