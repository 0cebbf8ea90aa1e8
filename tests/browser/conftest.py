"""A real Chromium (Debian's, driven by Playwright) for the tests in this folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.browser.helpers import Browsing
from tests.conftest import RunningServer, timeout

# Playwright's 5 s for an expectation, stretched like every other wait on a slow machine
expect.set_options(timeout=timeout(5) * 1000)

CHROMIUM = os.environ.get("PLANCHE_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's services at start, which this closed
# network refuses; --no-sandbox because CI runs as root.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def browsing(browser: Browser, server: RunningServer) -> Iterator[Browsing]:
    """Browser contexts for one test, every request recorded; closed after it."""
    opened = Browsing(browser, server)
    yield opened
    opened.close()
