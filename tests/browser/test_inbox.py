"""A moderated category analysis: the facilitator holds new notes for approval; Ahmed (on
his phone) and Bo post; the facilitator merges two duplicates, declines one of Ahmed's
notes with a reason he reads, edits and approves the rest, all from the keyboard; the
projector shows only what was approved."""

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
    board_state,
    facilitator_page,
    join,
    phone_shot,
    post_note,
    screenshot,
    send_as,
    state_once,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def _add(note_id: str, area: str, text: str) -> dict[str, object]:
    return {"kind": "note.add", "note": {"id": note_id, "area": area, "text": text}}


def test_a_moderated_analysis_merges_declines_and_approves_from_the_inbox(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Kategorianalyse", "method": "category-analysis", "language": "da"}
    board = api(server, "/api/boards", body)
    page = facilitator_page(browsing, board, lang="da-DK")

    # the facilitator turns moderation on in the inbox, by keyboard ("i" opens it)
    inbox_button = page.locator("[data-action=inbox]")
    expect(inbox_button).to_be_visible()
    page.keyboard.press("i")
    dialog = page.get_by_role("dialog", name="Indbakke")
    toggle = dialog.get_by_label("Hold nye noter tilbage til godkendelse")
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).to_be_checked()
    state_once(server, board, lambda state: state["moderated"])
    expect(dialog.locator(".inbox-count")).to_have_text("Ingen noter venter.")
    assert_accessible(page, "the empty inbox, moderation on")
    page.keyboard.press("Escape")

    area = board_state(server, board)["areas"][0]["id"]
    phone = browsing.page(PHONE, lang="da-DK")
    join(phone, server, board["join_code"], "Ahmed")
    bo = api(server, "/api/join", {"code": board["join_code"], "name": "Bo"})
    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")

    # Ahmed's notes wait, marked so on his phone; Bo posts a duplicate and a third note
    post_note(phone, "Mere tid til refleksion")
    post_note(phone, "Kaffen var kold")
    waiting = phone.locator(".note--waiting")
    expect(waiting).to_have_count(2)
    expect(waiting.first).to_contain_text("Venter på facilitatoren")
    assert_accessible(phone, "the author's notes waiting")
    phone_shot(phone, "inbox-waiting-phone-da")
    send_as(
        server,
        board["id"],
        bo["token"],
        _add("bo-1", area, "mere tid til refleksion!"),
        _add("bo-2", area, "Frivillige som skjult ressource"),
    )

    # the facilitator's inbox: a badge with the count, the notes oldest first
    expect(inbox_button.locator(".inbox-badge")).to_have_text("4")
    expect(inbox_button).to_have_accessible_name("Indbakke: 4 noter venter")
    inbox_button.focus()
    page.keyboard.press("Enter")
    rows = dialog.locator(".inbox-note")
    expect(rows.locator(".inbox-text")).to_have_text(
        [
            "Mere tid til refleksion",
            "Kaffen var kold",
            "mere tid til refleksion!",
            "Frivillige som skjult ressource",
        ]
    )
    expect(rows.first.locator(".inbox-meta")).to_contain_text("af Ahmed")
    assert_all_in(page, "da")
    assert_accessible(page, "the inbox with four notes")
    screenshot(page, "inbox-facilitator-da")

    # merge the two duplicates: tick both (Space), then "Merge selected"
    for i in (0, 2):
        rows.nth(i).locator(".inbox-pick").focus()
        page.keyboard.press("Space")
    dialog.get_by_role("button", name="Flet valgte").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(2)

    # decline Ahmed's coffee note with a reason he will read
    coffee = rows.filter(has_text="Kaffen var kold")
    coffee.get_by_role("button", name="Afvis", exact=True).focus()
    page.keyboard.press("Enter")
    reason = coffee.get_by_label("Begrundelse til forfatteren (valgfri)")
    expect(reason).to_be_focused()
    page.keyboard.type("Det tager vi op i pausen")
    assert_accessible(page, "declining a note with a reason")
    screenshot(page, "inbox-decline-da")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)

    # edit Bo's note before approving it, then approve it
    rows.first.get_by_role("button", name="Rediger").focus()
    page.keyboard.press("Enter")
    editor = rows.first.get_by_label("Teksten før godkendelse")
    expect(editor).to_be_focused()
    editor.fill("Frivillige er en skjult ressource")
    rows.first.get_by_role("button", name="Gem").click()
    expect(rows.first.locator(".inbox-text")).to_have_text("Frivillige er en skjult ressource")
    rows.first.get_by_role("button", name="Godkend", exact=True).focus()
    page.keyboard.press("Enter")
    expect(dialog.locator(".inbox-count")).to_have_text("Ingen noter venter.")
    expect(inbox_button.locator(".inbox-badge")).to_be_hidden()
    page.keyboard.press("Escape")

    # the projector shows what was approved, once; the merged note names both authors
    approved = sorted(["Mere tid til refleksion", "Frivillige er en skjult ressource"])
    projector.wait_for_function(
        """(want) => JSON.stringify([...document.querySelectorAll('.note .note-text')]
              .map((e) => e.textContent).sort()) === JSON.stringify(want)""",
        arg=approved,
    )
    merged = page.locator(".note").filter(has_text="Mere tid til refleksion")
    expect(merged.locator(".note-author")).to_have_text("af Ahmed, Bo")
    screenshot(projector, "inbox-projector-da")

    # Ahmed reads why his note is not on the board; his merged note no longer waits
    declined = phone.locator("#declined")
    expect(declined).to_contain_text(re.compile("Kaffen var kold.*Det tager vi op i pausen"))
    expect(phone.locator(".note--waiting")).to_have_count(0)
    assert_all_in(phone, "da")
    assert_accessible(phone, "the author's declined note")
    phone_shot(phone, "inbox-declined-phone-da")
    declined.get_by_role("button", name="OK").click()
    expect(declined).to_be_hidden()


def test_a_participant_made_co_facilitator_finds_the_notes_already_waiting(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Kategorianalyse", "method": "category-analysis", "language": "da"}
    board = api(server, "/api/boards", body)
    token = board["facilitator_token"]
    send_as(server, board["id"], token, {"kind": "moderation.set", "on": True})
    area = board_state(server, board)["areas"][0]["id"]
    ole = browsing.page(lang="da-DK")
    join(ole, server, board["join_code"], "Ole")
    bo = api(server, "/api/join", {"code": board["join_code"], "name": "Bo"})
    send_as(server, board["id"], bo["token"], _add("bo-1", area, "Frivillige som skjult ressource"))
    state_once(server, board, lambda state: "bo-1" in state["notes"])
    expect(ole.locator("[data-action=inbox]")).to_be_hidden()  # a participant has no inbox

    ole_id = next(
        p["id"] for p in board_state(server, board)["participants"].values() if p["name"] == "Ole"
    )
    promote = {"kind": "role.set", "participant": ole_id, "role": "facilitator"}
    send_as(server, board["id"], token, promote)
    inbox = ole.locator("[data-action=inbox]")
    expect(inbox).to_be_visible()  # the page was built again for his new role
    inbox.click()
    dialog = ole.get_by_role("dialog", name="Indbakke")
    expect(dialog.locator(".inbox-count")).to_have_text("1 note venter på dig.")
    expect(dialog).to_contain_text("Frivillige som skjult ressource")
