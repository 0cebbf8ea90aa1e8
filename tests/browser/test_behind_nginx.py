"""The shipped nginx configuration (deploy/nginx.conf) in front of two workers on Postgres and
Redis, opened in Chromium over HTTPS on a port other than 443: the facilitator creates a
board from the start page and the board goes live (its WebSocket's Origin carries the port,
which nginx passes on in Host)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import screenshot
from tests.conftest import timeout
from tests.test_deploy_files import Front, behind_nginx  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_a_facilitator_opens_a_board_through_nginx_on_another_port(
    browser: Browser,
    behind_nginx: Front,  # noqa: F811
) -> None:
    # the test's certificate is self-signed: Chromium is told to take it, as after a CA import
    context = browser.new_context(ignore_https_errors=True, locale="da-DK")
    try:
        page = context.new_page()
        page.set_default_timeout(timeout(10) * 1000)
        page.goto(f"{behind_nginx.https}/?lang=da")
        page.locator("#create-title").fill("Netværksmøde bag nginx")
        page.locator("#create button[type=submit]").click()
        expect(page.locator("#status")).to_have_attribute("data-state", "online")
        expect(page.locator("#controls")).to_be_visible()
        expect(page.locator("#peers li")).to_have_count(1)  # presence comes through too
        assert page.url.startswith(behind_nginx.https)
        screenshot(page, "facilitator-behind-nginx")
    finally:
        context.close()
