"""A ready check and raised hands: participants say they are done with the phase and raise
hands from their phones; the facilitator and the projector count who is done and see the
hands in the order they went up; the facilitator lowers them; the next phase starts the
count again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    facilitator_page,
    join,
    phone_shot,
    screenshot,
    send_as,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def test_a_ready_check_reaches_all_done_and_hands_are_taken_in_turn(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Kategorianalyse", "method": "category-analysis", "language": "da"}
    board = api(server, "/api/boards", body)
    phone = browsing.page(PHONE, lang="da-DK")
    join(phone, server, board["join_code"], "Ahmed")
    bo_phone = browsing.page(PHONE, lang="da-DK")  # here too: the count is of those here
    join(bo_phone, server, board["join_code"], "Bo")
    page = facilitator_page(browsing, board, lang="da-DK")
    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    phase = {"kind": "phase.set", "phase": "silent"}
    send_as(server, board["id"], board["facilitator_token"], phase)

    # Ahmed is done and raises a hand; Bo, on another device, raises one too
    phone.get_by_role("button", name="Jeg er færdig").click()
    expect(phone.get_by_role("button", name="Færdig ✓")).to_have_attribute("aria-pressed", "true")
    phone.get_by_role("button", name="Ræk hånden op").click()
    expect(phone.get_by_role("button", name="Tag hånden ned")).to_be_visible()
    bo_phone.get_by_role("button", name="Ræk hånden op").click()
    assert_all_in(phone, "da")
    assert_accessible(phone, "a participant who is done and has a hand up")
    phone_shot(phone, "signals-phone-da")

    signals = page.locator("#signals")
    expect(signals.locator(".signal-count")).to_have_text("1 af 2 er færdige")
    expect(signals.locator(".hand-queue li")).to_have_text(["AhmedTag ned", "BoTag ned"])
    expect(projector.locator(".signal-count")).to_have_text("1 af 2 er færdige")
    expect(projector.locator(".hand-queue li")).to_have_text(["2 hænder oppe"])  # no names
    screenshot(projector, "signals-projector-da")

    # Bo is done too: all done; the facilitator gives Ahmed the word and lowers his hand
    bo_phone.get_by_role("button", name="Jeg er færdig").click()
    expect(projector.locator(".signal-count")).to_have_text("2 af 2 er færdige")
    signals.get_by_role("button", name="Tag Ahmeds hånd ned").click()
    expect(signals.locator(".hand-queue li")).to_have_text(["BoTag ned"])
    expect(phone.get_by_role("button", name="Ræk hånden op")).to_be_visible()
    assert_accessible(page, "the facilitator's count and hand queue")
    screenshot(page, "signals-facilitator-da")

    # the next phase starts the count again
    page.locator("[data-action=next-phase]").click()
    expect(projector.locator(".signal-count")).to_have_text("0 af 2 er færdige")
    expect(phone.get_by_role("button", name="Jeg er færdig")).to_have_attribute(
        "aria-pressed", "false"
    )
