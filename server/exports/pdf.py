"""A record as PDF: the HTML record, laid out by WeasyPrint, which fetches nothing but the
pictures written into the page itself."""

from __future__ import annotations

import threading

from server.exports import html
from server.exports.records import Record

# one PDF at a time per process: WeasyPrint's font machinery is not made for threads, and a
# queue of large PDFs should not take every core from the live boards
_ONE_AT_A_TIME = threading.Lock()


def render(record: Record) -> bytes:
    from weasyprint import HTML  # loads Pango; only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    page = html.render(record).decode()
    # the record's pictures are data: URLs in the page; nothing else is ever fetched
    fetcher = URLFetcher(allowed_protocols=("data",))
    with _ONE_AT_A_TIME:
        # tagged as PDF/UA-1: public bodies must publish accessible documents, and a screen
        # reader needs the headings, lists and tables a tagged PDF keeps
        pdf: bytes = HTML(string=page, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
