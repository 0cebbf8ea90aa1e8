"""Links and actions in the page, by keyboard: link two notes from a note's menu, call the
link a contradiction, see it drawn on the canvas and said in the list view; give an action
an owner and a date, and find both on the note and in the record."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    Browsing,
    api,
    assert_accessible,
    facilitator_page,
    screenshot,
    send_as,
    state_once,
)
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser


def menu_of(page: Page, text: str) -> None:
    """The note's menu, opened from the keyboard."""
    page.locator(".note", has_text=text).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("menu")).to_be_visible()


def test_links_and_owned_actions_are_made_from_the_note_menu(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Analyse", "method": "category-analysis", "language": "en"}
    board = api(server, "/api/boards", body)
    notes = [
        ("hidden-treasures", "Caretakers know every family"),
        ("paradoxes", "We ask for ideas and decide alone"),
        ("into-play", "Ask the caretakers to the next meeting"),
    ]
    send_as(
        server,
        board["id"],
        board["facilitator_token"],
        *(
            {"kind": "note.add", "note": {"id": f"n{i}", "area": area, "text": text}}
            for i, (area, text) in enumerate(notes)
        ),
    )
    page = facilitator_page(browsing, board)
    expect(page.locator(".note")).to_have_count(3)

    # a link in two steps: "Link to another note…" on one, Enter on the other
    menu_of(page, "Caretakers know")
    page.get_by_role("menuitem", name="Link to another note…").click()
    banner = page.locator("#linking")
    expect(banner).to_contain_text("Choose the note to link “Caretakers know every family” to")
    assert_accessible(page, "choosing the other end of a link")
    page.locator(".note", has_text="We ask for ideas").focus()
    page.keyboard.press("Enter")
    expect(banner).to_be_hidden()
    state = state_once(server, board, lambda s: len(s["links"]) == 1)
    (link,) = state["links"].values()
    assert {link["a"], link["b"]} == {"n0", "n1"} and not link["contradiction"]
    expect(page.locator("svg.note-links line.link-connection")).to_have_count(1)

    # the same link, called a contradiction from the other note's menu
    menu_of(page, "We ask for ideas")
    page.get_by_role("menuitem", name="Link (1)").click()
    page.get_by_role(
        "menuitem", name="Call it a contradiction: Caretakers know every family"
    ).click()
    state_once(server, board, lambda s: next(iter(s["links"].values()))["contradiction"])
    expect(page.locator("svg.note-links line.link-contradiction")).to_have_count(1)
    screenshot(page, "links-contradiction-canvas")

    # Escape stops a link half made
    menu_of(page, "Ask the caretakers")
    page.get_by_role("menuitem", name="Link to another note…").click()
    expect(banner).to_be_visible()
    page.keyboard.press("Escape")
    expect(banner).to_be_hidden()

    # an action with an owner and a date
    menu_of(page, "Ask the caretakers")
    page.get_by_role("menuitem", name="Owner…").click()
    dialog = page.get_by_role("dialog", name="Owner")
    expect(dialog.get_by_label("Who takes it forward?")).to_be_focused()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_have_text("Write a name, or take the owner off.")
    dialog.get_by_label("Who takes it forward?").fill("Ida")
    dialog.get_by_label("By when (optional)").fill("2027-01-15")
    assert_accessible(page, "the owner dialog")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".note", has_text="Ask the caretakers")).to_be_focused()
    action = page.locator(".note", has_text="Ask the caretakers").locator(".note-owner")
    expect(action).to_have_text("Owner: Ida · by Jan 15, 2027")
    state_once(server, board, lambda s: s["notes"]["n2"]["due"] == "2027-01-15")

    # the list view says it all in words
    page.get_by_role("button", name="List view").click()
    expect(page.locator("#list")).to_contain_text(
        "Caretakers know every family ↔ We ask for ideas and decide alone: contradiction"
    )
    assert_accessible(page, "the list view with a link")

    # and the record
    record = api_text(server, board, "md")
    assert "Owner: Ida, by Jan 15, 2027" in record
    assert "We ask for ideas and decide alone" in record and "contradiction" in record


def api_text(server: RunningServer, board: dict[str, Any], fmt: str) -> str:
    import urllib.request

    request = urllib.request.Request(
        f"{server.url}/api/boards/{board['id']}/export?format={fmt}",
        headers={"Authorization": f"Bearer {board['facilitator_token']}"},
    )
    with urllib.request.urlopen(request, timeout=timeout(30)) as response:
        return str(response.read().decode())
