"""The facilitator's records in the browser: save a named record, open its read-only link,
download a record as Word, look back at the board after an earlier change."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    join,
    post_note,
    screenshot,
    send_as,
)
from tests.browser.test_meeting import create_board
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def test_records_share_download_and_history(browsing: Browsing, server: RunningServer) -> None:
    page = browsing.page(lang="da-DK")
    create_board(page, server, "da", "Fri tavle")
    records = page.locator("#records")
    page.locator("[data-action=records]").click()  # the toolbar's "Records" dialog
    expect(records).to_be_visible()
    expect(page.locator("#record-list")).to_contain_text("Ingen referater endnu.")
    page.keyboard.press("Escape")

    post_note(page, "Første iagttagelse")
    post_note(page, "Anden iagttagelse: æøå")
    expect(page.locator(".note")).to_have_count(2)
    page.locator("[data-action=records]").click()

    # a record without a name is refused with a message, and nothing is saved
    page.get_by_role("button", name="Gem et referat").click()
    expect(records).to_contain_text("Giv referatet et navn.")
    page.locator("#record-name").fill("Efter runden")
    page.get_by_role("button", name="Gem et referat").click()
    expect(page.locator("#record-list li")).to_have_count(1)
    expect(page.locator("#record-list")).to_contain_text("Efter runden")
    expect(page.locator("#record-list")).to_contain_text("ændring")

    # the read-only link shows the record to someone without any token
    href = page.locator("#record-list a").get_attribute("href")
    assert href and href.startswith("/s/")
    reader = browsing.page()
    reader.goto(server.url + href)
    expect(reader.locator("h1")).to_have_text("Netværksmøde 4")
    expect(reader.locator("body")).to_contain_text("Anden iagttagelse: æøå")

    page.keyboard.press("Escape")
    post_note(page, "Tredje, efter referatet")
    page.locator("[data-action=records]").click()

    # the record, not the live board, downloaded as Word
    page.locator("#export-source").select_option(label="Efter runden")
    page.locator("#export-format").select_option("docx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Hent").click()
    path = download.value.path()
    # named for people: the board's title and the day of the record, æ, ø and å kept
    today = datetime.now(UTC).date().isoformat()
    assert download.value.suggested_filename == f"Netværksmøde 4 - {today}.docx"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "Anden iagttagelse: æøå" in text
    assert "Tredje, efter referatet" not in text

    # history: the slider ends at the last change; one step back per note
    slider = page.locator("#history-seq")
    last = int(slider.get_attribute("max") or 0)
    assert last >= 3
    expect(page.locator("#history-label")).to_have_text(f"Ændring {last} af {last}")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    history = page.locator("#history-view")
    expect(history).to_contain_text("Anden iagttagelse: æøå")
    expect(history).not_to_contain_text("Tredje, efter referatet")
    page.keyboard.press("Home")
    expect(page.locator("#history-label")).to_have_text(f"Ændring 0 af {last}")
    expect(history).not_to_contain_text("Første iagttagelse")

    assert_accessible(page, "facilitator view with records")
    assert_all_in(page, "da")
    screenshot(page, "records-da")
    assert browsing.foreign_requests() == []


def test_a_participant_downloads_the_records_as_the_board_showed_them(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Kritisk vän, vår", "method": "category-analysis", "language": "sv"}
    board = api(server, "/api/boards", body)
    fac = board["facilitator_token"]
    bo = api(server, "/api/join", {"code": board["join_code"], "name": "Bo"})
    page = browsing.page(lang="sv-SE")
    join(page, server, board["join_code"], "Åsa")
    silent = {"kind": "phase.set", "phase": "silent", "focus": ["hidden-treasures"]}
    send_as(server, board["id"], fac, silent)
    post_note(page, "Åsas tanke om biblioteket")
    hidden = {
        "kind": "note.add",
        "note": {"id": "n-bo", "area": "hidden-treasures", "text": "Bos hemliga tanke"},
    }
    send_as(server, board["id"], bo["token"], hidden)
    expect(page.locator(".note")).to_have_count(2)  # Bo's as a placeholder

    # from the header, by keyboard: the records, without saving or sharing
    page.get_by_role("button", name="Anteckningar").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Mötesanteckningar")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Spara en anteckning")).to_have_count(0)
    assert_all_in(page, "sv")
    assert_accessible(page, "a participant's records")
    screenshot(page, "records-participant-sv")

    # the live board as Åsa sees it, in the archive that holds every note: her private note,
    # not Bo's (a record in the other formats shows what the room has seen)
    page.locator("#export-format").select_option("json")
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Ladda ner").click()
    text = download.value.path().read_text()
    assert "Åsas tanke om biblioteket" in text and "Bos hemliga" not in text

    # the record the closing saves appears, and downloads under the board's name and day
    send_as(server, board["id"], fac, {"kind": "meeting.close"})
    page.locator("#export-source").select_option(label="Mötet avslutat")
    page.locator("#export-format").select_option("docx")
    with page.expect_download() as download:
        dialog.get_by_role("button", name="Ladda ner").click()
    today = datetime.now(UTC).date().isoformat()
    assert download.value.suggested_filename == f"Kritisk vän, vår - {today}.docx"
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Anteckningar")).to_be_focused()
