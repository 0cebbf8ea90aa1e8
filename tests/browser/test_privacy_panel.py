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
    api,
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
    facilitator.locator("[data-action=board-settings]").click()  # in the settings dialog
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


def test_a_token_link_never_replaces_the_access_a_browser_holds_without_asking(
    browsing: Browsing, server: RunningServer
) -> None:
    facilitator = browsing.page(lang="da-DK")
    create_board(facilitator, server, "da", "Fri tavle")
    code = join_code(facilitator)
    board_path = facilitator.url.split(server.url, 1)[1].split("#")[0]
    stranger = api(server, "/api/join", {"code": code, "name": "Mallory"})
    link = f"{server.url}{board_path}#token={stranger['token']}"
    held = facilitator.evaluate(
        "Object.entries(localStorage).filter(([k]) => k.includes(':board:'))"
    )

    # the facilitator is sent a participant's link and opens it: asked, in Danish, and warned
    facilitator = facilitator.context.new_page()
    facilitator.goto(link)
    dialog = facilitator.locator("#switch-access")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("mister denne browser din facilitatoradgang")
    assert_all_in(facilitator, "da")
    assert_accessible(facilitator, "the question before switching access")
    screenshot(facilitator, "switch-access-da")
    expect(facilitator.locator("#keep-access")).to_be_focused()  # keeping is the default
    facilitator.keyboard.press("Escape")
    expect(facilitator.locator("#controls")).to_be_visible()  # still the facilitator
    assert "token" not in facilitator.url
    after = facilitator.evaluate(
        "Object.entries(localStorage).filter(([k]) => k.includes(':board:'))"
    )
    assert [k for k, v in after] == [k for k, v in held]
    assert all(v == dict(held)[k] or "facilitator" in v for k, v in after)

    # a participant given the stranger's link keeps writing as herself unless she switches
    # (the page speaks the board's language)
    phone = browsing.page(PHONE, lang="sv-SE")
    join(phone, server, code, "Greta")
    phone = phone.context.new_page()
    phone.goto(link)
    expect(phone.locator("#switch-access")).to_contain_text("med linkets adgang, ikke din")
    phone.locator("#keep-access").click()
    expect(phone.locator("#status")).to_have_attribute("data-state", "online")
    post_note(phone, "Min egen lapp")
    expect(facilitator.locator(".note")).to_contain_text("Greta")
    mine = api(server, f"/api/boards/{stranger['board_id']}/me", token=stranger["token"])
    assert mine["notes"] == []  # nothing she wrote reached the stranger

    phone = phone.context.new_page()
    phone.goto(link)
    phone.locator("#switch-access-button").click()  # she chooses the link's access
    expect(phone.locator("#status")).to_have_attribute("data-state", "online")
    post_note(phone, "Skrevet som Mallory")
    expect(facilitator.locator(".note", has_text="Skrevet som Mallory")).to_contain_text("Mallory")


def test_the_facilitator_gives_the_projector_a_new_link_and_the_old_one_stops(
    browsing: Browsing, server: RunningServer
) -> None:
    facilitator = browsing.page(lang="en-GB")
    create_board(facilitator, server, "en", "Free board")
    code = join_code(facilitator)
    old_link = str(facilitator.locator("#projector-link").get_attribute("href"))
    projector = browsing.page(PROJECTOR, lang="en-GB")
    projector.goto(server.url + old_link)
    expect(projector.locator("#qr-code")).to_contain_text(code)

    button = facilitator.locator("#new-projector-link")
    facilitator.locator("[data-action=board-settings]").click()  # in the settings dialog
    button.click()
    expect(button).to_have_text("Yes, close the old projector link")  # asks once more
    button.click()
    expect(facilitator.locator("#privacy")).to_contain_text("The projector has a new link")
    expect(projector.locator("#notice")).to_be_visible()  # the old link's screen is closed
    new_link = str(facilitator.locator("#projector-link").get_attribute("href"))
    assert new_link != old_link
    other = browsing.page(PROJECTOR, lang="en-GB")
    other.goto(server.url + old_link)
    expect(other.locator("#notice")).to_be_visible()  # the old link opens nothing
    projector.goto(server.url + new_link)
    expect(projector.locator("#qr-code")).to_contain_text(code)
    expect(projector.locator("#qr")).to_be_visible()
    facilitator.reload()  # the new link is remembered
    expect(facilitator.locator("#projector-link")).to_have_attribute("href", new_link)
