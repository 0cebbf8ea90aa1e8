"""Access and privacy in the browser: the facilitator gives the board a new code, removes a
participant and deletes the board; a participant sees their data and takes their name off
their notes. Every change reaches the other screens, and nothing stays in a browser that
lost its access."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    Browsing,
    assert_accessible,
    assert_all_in,
    assert_no_text_fits_badly,
    join,
    join_code,
    post_note,
    screenshot,
)
from tests.browser.test_meeting import create_board
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def test_a_participant_sees_their_data_and_takes_their_name_off_their_notes(
    browsing: Browsing, server: RunningServer
) -> None:
    facilitator = browsing.page(lang="sv-SE")
    create_board(facilitator, server, "sv", "Fri tavla")
    code = join_code(facilitator)
    phone = browsing.page(lang="sv-SE")
    join(phone, server, code, "Greta")
    post_note(phone, "Min idé om volontärerna")
    expect(facilitator.locator(".note")).to_have_count(1)

    panel = phone.locator("#privacy")
    expect(panel).to_be_visible()
    phone.get_by_role("button", name="Visa vad tavlan sparar om mig").click()
    expect(phone.locator("#my-notes")).to_contain_text("Ditt namn på den här tavlan: Greta")
    expect(phone.locator("#my-notes")).to_contain_text("Min idé om volontärerna")
    assert_all_in(phone, "sv")
    assert_accessible(phone, "the participant's privacy panel")

    forget = phone.locator("#forget-me")
    forget.click()
    expect(forget).to_have_text("Ja, mina lappar stannar utan mitt namn")  # asks once more
    forget.click()
    expect(panel).to_contain_text("Lappar som inte längre bär ditt namn: 1.")
    # both screens load the rewritten board; the note stays, without her name
    expect(phone.locator("#status")).to_have_attribute("data-state", "online")
    expect(facilitator.locator(".note")).to_have_count(1)
    expect(facilitator.locator(".note")).not_to_contain_text("Greta")
    phone.get_by_role("button", name="Visa vad tavlan sparar om mig").click()
    expect(phone.locator("#my-notes")).to_contain_text("Inga lappar bär ditt namn.")
    post_note(phone, "En ny lapp efteråt")
    expect(facilitator.locator(".note")).to_have_count(2)
    screenshot(phone, "privacy-participant-sv")


def test_the_facilitator_rotates_the_code_removes_someone_and_deletes_the_board(
    browsing: Browsing, server: RunningServer
) -> None:
    facilitator = browsing.page(lang="da-DK")
    create_board(facilitator, server, "da", "Fri tavle")
    old_code = join_code(facilitator)
    phone = browsing.page(lang="da-DK")
    join(phone, server, old_code, "Bo")
    post_note(phone, "Bos note")
    expect(facilitator.locator(".note")).to_have_count(1)
    panel = facilitator.locator("#privacy")
    expect(panel).to_be_visible()
    assert_all_in(facilitator, "da")
    assert_accessible(facilitator, "the facilitator's privacy panel")
    screenshot(facilitator, "privacy-facilitator-da")

    viewer_link = facilitator.locator("#projector-link").get_attribute("href")
    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(server.url + str(viewer_link))
    expect(projector.locator("#qr-code")).to_contain_text(old_code)
    expect(projector.locator("#qr")).to_have_attribute("src", re.compile("^blob:"))
    first_picture = projector.locator("#qr").get_attribute("src")

    facilitator.get_by_role("button", name="Ny deltagerkode").click()
    expect(panel).to_contain_text("Den gamle kode virker ikke længere.")
    expect(facilitator.locator("#join-code")).not_to_contain_text(old_code)
    expect(phone.locator("#join-code")).not_to_contain_text(old_code)  # every screen reloads
    new_code = join_code(facilitator)
    expect(projector.locator("#qr-code")).to_contain_text(new_code)
    # the picture is fetched again with the projector's token in a header, never in a URL
    expect(projector.locator("#qr")).not_to_have_attribute("src", str(first_picture))
    assert not [u for u in browsing.requests if "qr.svg" in u and "token" in u]

    expect(facilitator.locator("#retention-days")).to_have_value("180")  # the default
    facilitator.locator("#retention-days").fill("0")
    facilitator.get_by_role("button", name="Gem", exact=True).click()
    expect(panel).to_contain_text("Skriv et helt antal dage fra 1 til 3650.")
    facilitator.locator("#retention-days").fill("30")
    facilitator.get_by_role("button", name="Gem", exact=True).click()
    expect(panel).to_contain_text("Tavlen slettes 30 dage efter sidste ændring.")

    facilitator.locator("#remove-participant").select_option(label="Bo")
    facilitator.get_by_role("button", name="Fjern fra tavlen").click()
    expect(panel).to_contain_text("Bo er fjernet")
    expect(phone.locator("#notice")).to_be_visible()
    board_keys = phone.evaluate("Object.keys(localStorage).filter(k => k.includes(':board:'))")
    assert board_keys == []  # his token is gone from his phone too

    delete = facilitator.locator("#delete-board")
    delete.click()
    expect(delete).to_have_text("Ja, slet tavlen og alt på den")
    delete.click()
    expect(facilitator.locator("#notice")).to_contain_text("Tavlen og alt på den er slettet.")
    assert facilitator.evaluate("Object.keys(localStorage)") == []


def test_the_privacy_notice_is_reached_from_the_join_form_and_is_accessible(
    browsing: Browsing, server: RunningServer
) -> None:
    page = browsing.page(PHONE, lang="da-DK")
    page.goto(f"{server.url}/?code=ABCD-2345&lang=da")
    page.locator("#join").get_by_role("link", name="Privatlivserklæring").click()
    expect(page.locator("h1")).to_have_text("Privatlivserklæring")
    expect(page.locator("main")).to_contain_text("180 dage efter sidste ændring")
    assert_all_in(page, "da")
    assert_accessible(page, "the privacy notice")
    assert_no_text_fits_badly(page)
    screenshot(page, "privacy-notice-da-phone")
    page.goto(f"{server.url}/privacy?lang=sv")  # one long word for a title
    expect(page.locator("h1")).to_have_text("Integritetsmeddelande")
    assert_no_text_fits_badly(page)
