"""When the server refuses what the facilitator asked for, the page says the server's reason
(the API's one error shape, {"error": {"code", "message"}}), not a generic failure."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import Browsing, api, assert_accessible, screenshot
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def test_a_record_over_the_limit_is_refused_with_the_servers_reason(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(server, "/api/boards", {"title": "Refusals", "method": "free", "language": "en"})
    token = board["facilitator_token"]
    page = browsing.page(lang="en")
    page.goto(f"{server.url}/b/{board['id']}#token={token}")  # the facilitator's link
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    for n in range(10):  # the most a board may save in a minute (records_per_minute)
        api(server, f"/api/boards/{board['id']}/records", {"name": f"Round {n}"}, token)

    page.locator("[data-action=records]").click()  # the toolbar's "Records" dialog
    page.locator("#record-name").fill("One too many")
    page.get_by_role("button", name="Save a record").click()
    message = page.locator("#records .records-message")
    expect(message).to_contain_text("At most 10 records a minute")
    expect(message).not_to_contain_text("The server did not answer")
    expect(page.locator("#record-name")).to_have_value("One too many")  # kept to try again
    screenshot(page, "records-refused")
    assert_accessible(page, "records, a refused record")
