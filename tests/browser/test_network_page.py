"""A learning network run from its page: start it, unfold its theme on a planning board,
open its meetings (the parked ideas and their owners listed), open it again on another
device from its link, and draft the deliverable to the leadership forum."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LAPTOP,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    screenshot,
    send_as,
    start_network,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def back_to_network(page: Page, network_url: str) -> None:
    page.goto(network_url)
    expect(page.get_by_role("heading", name="Planlægning")).to_be_visible()


def test_a_network_is_started_planned_and_run_from_its_page(
    browsing: Browsing, server: RunningServer
) -> None:
    page = browsing.page(LAPTOP, lang="da-DK")
    start_network(page, server, "Frivillighed", "Flere frivillige i ældreplejen")
    expect(page.get_by_text("Flere frivillige i ældreplejen")).to_be_visible()
    network_url = page.url
    network_id = network_url.rsplit("/", 1)[1]

    # the theme unfolded on a planning board: no meeting number
    page.get_by_role("button", name="Udfold temaet").click()
    expect(page.locator("#worksheet")).to_be_visible()
    theme_board = page.url.split("/b/")[1]
    back_to_network(page, network_url)
    expect(page.locator("#planning-list")).to_contain_text("Udfold netværkets tema")
    expect(page.get_by_role("button", name="Udfold temaet")).to_be_hidden()
    expect(page.get_by_text("Ingen møder endnu.")).to_be_visible()

    # the first meeting, with an idea parked in it that nobody owns yet
    expect(page.get_by_label("Titel")).to_have_value("Møde 1")
    page.get_by_label("Titel").fill("Opstart")
    page.get_by_role("button", name="Åbn mødet").click()
    expect(page.locator("#controls")).to_be_visible()
    meeting = page.url.split("/b/")[1]
    token = page.evaluate(f"JSON.parse(localStorage.getItem('planche:board:{meeting}')).token")
    idea = {"kind": "idea.park", "idea": {"id": "cafe", "text": "En café for frivillige"}}
    send_as(server, meeting, token, idea)
    back_to_network(page, network_url)
    meetings = page.locator("#meeting-list")
    expect(meetings).to_contain_text("Møde 1: Opstart")
    expect(meetings).to_contain_text("En café for frivillige \u2013 Ingen tovholder endnu")
    assert_all_in(page, "da")
    assert_accessible(page, "a learning network's page")
    screenshot(page, "network-page-da")

    # another device opens the network from its link, and its meeting as its facilitator
    link = f"{server.url}/n/{network_id}#token=" + page.evaluate(
        f"JSON.parse(localStorage.getItem('planche:network:{network_id}')).token"
    )
    laptop = browsing.page(LAPTOP, lang="da-DK")
    laptop.goto(link)
    expect(laptop).to_have_url(network_url)  # the token is taken out of the address
    laptop.get_by_role("button", name="Åbn: Møde 1: Opstart").click()
    expect(laptop.locator("#controls")).to_be_visible()
    assert laptop.url.endswith(f"/b/{meeting}")

    # the deliverable, drafted from the meetings, with the network's theme filled in
    back_to_network(laptop, network_url)
    laptop.get_by_role("button", name="Lav et udkast til leverancen").click()
    expect(laptop.get_by_label("Netværkstema")).to_have_value("Flere frivillige i ældreplejen")
    back_to_network(laptop, network_url)
    expect(laptop.locator("#deliverable-list")).to_contain_text("Leverance til Chefforum")
    expect(laptop.get_by_role("button", name="Lav et udkast til leverancen")).to_be_hidden()
    today = datetime.now(UTC).date()
    listing = api(
        server,
        f"/api/networks/{network_id}",
        token=laptop.evaluate(
            f"JSON.parse(localStorage.getItem('planche:network:{network_id}')).token"
        ),
    )
    assert [b["board_id"] for b in listing["planning"]] == [theme_board]
    assert [m["number"] for m in listing["meetings"]] == [1, None]  # a deliverable: no number
    assert listing["meetings"][0]["date"] == today.isoformat()

    # the start page lists the network held in this browser
    page.goto(f"{server.url}/?lang=da")
    expect(page.locator("#my-boards-list")).to_contain_text("Frivillighed")
