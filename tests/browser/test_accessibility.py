"""Accessibility in a real browser: axe-core on every page and state that failed before (the
list view beside the history, the shared record, the sounding board's survey phase, the
closed meeting, the privacy and accessibility pages), the single-key shortcuts and their "?"
sheet, a focus that never falls to <body>, and how many Tab stops a 10-note board takes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from board_client import BoardClient
from tests.browser.helpers import (
    Browsing,
    api,
    assert_accessible,
    in_thread,
    note_action,
    screenshot,
)
from tests.conftest import ROOT, RunningServer

pytestmark = pytest.mark.browser


def open_board(page: Page, server: RunningServer, board_id: str, token: str) -> None:
    page.goto(f"{server.url}/b/{board_id}#token={token}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    expect(page.locator("#board-title")).not_to_have_text("Planche")  # drawn, not only online


def focused(page: Page) -> str:
    """The focused element, as a user would name it: its tag, id and text."""
    return str(
        page.evaluate(
            """() => { const e = document.activeElement;
                 return `${e.tagName}#${e.id} ${e.textContent.trim().slice(0, 40)}`; }"""
        )
    )


def assert_focus_visible(page: Page) -> None:
    """The focus is on an element one can see on the screen (once the page has settled)."""
    page.wait_for_function(
        """() => { const e = document.activeElement, r = e.getBoundingClientRect();
             return e !== document.body && r.width > 0 && r.height > 0
                    && r.bottom > 0 && r.top < innerHeight; }"""
    )


def test_every_page_and_state_of_a_sounding_board_passes_axe(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Sounding board", "method": "sounding-board", "language": "en"}
    board = api(server, "/api/boards", body)
    kai = api(server, "/api/join", {"code": board["join_code"], "name": "Kai"})

    async def meet() -> None:
        async with (
            BoardClient(server.url, board["id"], board["facilitator_token"]) as facilitator,
            BoardClient(server.url, board["id"], kai["token"]) as participant,
        ):
            for i in range(9):
                area = ("topic", "groups", "survey")[i % 3]
                await participant.add_note(area, f"Thought {i + 1}", note_id=f"n{i + 1}")
            group = {"id": "g1", "area": "groups", "name": "Meeting times"}
            await facilitator.send_op({"kind": "group.add", "group": group})
            for note in ("n2", "n5"):
                await facilitator.send_op({"kind": "note.group", "note_id": note, "group_id": "g1"})
            await facilitator.send_op({"kind": "vote.open", "per_person": 2})
            await participant.send_op({"kind": "vote.cast", "note_id": "n1"})
            await participant.send_op({"kind": "vote.cast", "note_id": "n4"})
            await facilitator.send_op({"kind": "vote.close"})
            idea = {"id": "i1", "text": "Ask the youth club"}
            await participant.send_op({"kind": "idea.park", "idea": idea})
            # the survey phase and the survey area share a name
            await facilitator.send_op({"kind": "phase.set", "phase": "survey", "focus": []})

    in_thread(meet())
    page = browsing.page(lang="en")
    open_board(page, server, board["id"], board["facilitator_token"])
    expect(page.locator(".note")).to_have_count(9)
    assert_accessible(page, "facilitator, survey phase")

    # the list view, and the history beside it: two outlines of the same board
    page.get_by_role("button", name="List view").click()
    expect(page.locator("#list")).to_contain_text("Thought 9")
    expect(page.locator("#list h3")).to_have_text(["Group: Meeting times"])
    one_vote = page.locator("#list li", has_text="Thought 1")
    expect(one_vote).to_have_text(re.compile(r"by Kai . 1 vote$"))  # not "1 votes"
    page.locator("[data-action=records]").click()  # the history is in the Records dialog
    page.locator("#history-seq").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#history-view")).to_contain_text("Thought 9")
    assert_accessible(page, "list view and history")
    screenshot(page, "a11y-list-view-and-history")

    in_thread(close_meeting(server, board))
    expect(page.locator("#closed-note")).to_be_visible()
    assert_accessible(page, "list view, meeting closed")

    page.locator("#record-name").fill("After the survey")
    page.locator("#records button[type=submit]").click()
    link = page.locator("#record-list a").first
    expect(link).to_be_visible()
    reader = browsing.page(lang="en")
    reader.goto(server.url + (link.get_attribute("href") or ""))
    expect(reader.locator("main h1")).to_have_text("Sounding board")
    assert_accessible(reader, "shared record")
    screenshot(reader, "a11y-shared-record")
    # the privacy and accessibility pages have their axe checks in test_privacy_panel.py and
    # test_meeting.py; here, the shortcuts are on the statement too
    reader.goto(server.url + "/accessibility")
    expect(reader.locator("main")).to_contain_text("WCAG 2.2 at level AA")  # issue 15
    expect(reader.locator(".shortcut-list")).to_contain_text("Show these shortcuts")
    screenshot(reader, "a11y-accessibility-statement")


async def close_meeting(server: RunningServer, board: dict[str, str]) -> None:
    async with BoardClient(server.url, board["id"], board["facilitator_token"]) as facilitator:
        await facilitator.send_op({"kind": "meeting.close", "force": True})


def test_single_keys_open_the_composer_the_list_and_the_shortcut_sheet(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Tastatur", "method": "category-analysis", "language": "da"}
    board = api(server, "/api/boards", body)
    page = browsing.page(lang="da-DK")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_board(page, server, board["id"], board["facilitator_token"])

    page.keyboard.press("n")
    composer = page.locator("#note-text")
    expect(composer).to_be_focused()
    expect(composer).to_have_value("")  # the n only moved the focus
    page.keyboard.type("Pedellerne kender alle")  # the l in it is text, not the list view
    page.keyboard.press("Enter")
    expect(page.locator(".note-text")).to_have_text(["Pedellerne kender alle"])
    expect(page.locator("#list")).to_be_hidden()

    page.locator("#board-title").click()  # out of the field
    page.keyboard.press("l")
    expect(page.locator("#list")).to_be_visible()
    expect(page.locator("#list-toggle")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("l")
    expect(page.locator("#areas")).to_be_visible()

    # the phase stepper and timer buttons belong to the toolbar: stand-ins with their names
    page.evaluate(
        """() => { window.clicked = [];
          for (const action of ['next-phase', 'previous-phase', 'timer-toggle']) {
            const b = document.createElement('button');
            b.dataset.action = action; b.textContent = action;
            b.onclick = () => window.clicked.push(action);
            document.querySelector('.board-head').append(b); } }"""
    )
    for key in ("]", "[", "t", "Control+]", "Alt+t"):
        page.keyboard.press(key)
    assert page.evaluate("window.clicked") == ["next-phase", "previous-phase", "timer-toggle"]

    # "?" shows the sheet in the board's language; Escape closes it and the focus goes back
    toggle = page.locator("#list-toggle")
    toggle.focus()
    page.keyboard.press("?")
    sheet = page.get_by_role("dialog", name="Tastaturgenveje")
    expect(sheet).to_be_visible()
    expect(sheet).to_contain_text("Start eller sæt tiden på pause (facilitator)")
    page.keyboard.press("l")  # keys under the sheet do nothing while it is open
    expect(page.locator("#list")).to_be_hidden()
    assert_accessible(page, "shortcut sheet")
    screenshot(page, "a11y-shortcut-sheet-da")
    page.keyboard.press("Escape")
    expect(sheet).to_be_hidden()
    expect(toggle).to_be_focused()

    opener = page.get_by_role("button", name="Tastaturgenveje (?)")
    opener.click()
    expect(sheet).to_be_visible()
    sheet.get_by_role("button", name="Luk").click()
    expect(sheet).to_be_hidden()
    expect(opener).to_be_focused()
    assert errors == []


def test_focus_never_falls_to_the_page_when_what_had_it_goes_away(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Focus", "method": "category-analysis", "language": "en"}
    board = api(server, "/api/boards", body)
    page = browsing.page(lang="en")
    open_board(page, server, board["id"], board["facilitator_token"])
    page.keyboard.press("n")
    page.keyboard.type("To be deleted")
    page.keyboard.press("Enter")

    # a note deleted from the keyboard: the focus stays in its area
    note_action(page.locator(".note"), "Delete")
    expect(page.locator(".note")).to_have_count(0)
    expect(page.get_by_role("heading", name="Hidden treasures")).to_be_focused()
    assert_focus_visible(page)

    # the meeting closed from the keyboard: every control goes, the focus does not
    page.locator("[data-action=more]").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Close the meeting").focus()
    page.keyboard.press("Enter")  # asks once more, in a dialog
    page.locator("#close-meeting").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#closed-note")).to_be_visible()
    expect(page.locator("body")).not_to_be_focused()
    assert page.evaluate("document.activeElement !== document.body"), focused(page)
    assert_focus_visible(page)
    screenshot(page, "a11y-focus-after-closing")
    assert_accessible(page, "focus moved to a heading")


def count_tab_stops(page: Page) -> int:
    """Tab presses for one round of the page, from its top back to its top."""
    page.evaluate(
        """() => { window.stops = [];
          document.addEventListener('focusin', (e) => window.stops.push(e.target)); }"""
    )
    for _ in range(40):
        for _ in range(10):
            page.keyboard.press("Tab")
        # Tab from the last stop leaves the page; the next one is the first stop again
        count = page.evaluate("() => { const i = stops.indexOf(stops[0], 1); return i; }")
        if count > 0:
            return int(count)
    raise AssertionError("Tab never came round to the start")


def test_tab_stops_on_a_participants_10_note_board(
    browsing: Browsing, server: RunningServer
) -> None:
    """Measured, not judged: the note menus that shorten it are another change (issue 15)."""
    body = {"title": "Tabs", "method": "category-analysis", "language": "en"}
    board = api(server, "/api/boards", body)
    kai = api(server, "/api/join", {"code": board["join_code"], "name": "Kai"})

    async def write() -> None:
        async with BoardClient(server.url, board["id"], kai["token"]) as participant:
            for i in range(10):
                await participant.add_note(participant.state.areas[i % 6].id, f"Note {i + 1}")

    async def open_voting() -> None:
        async with BoardClient(server.url, board["id"], board["facilitator_token"]) as facilitator:
            await facilitator.send_op({"kind": "vote.open", "per_person": 3})

    in_thread(write())
    page = browsing.page(lang="en")
    open_board(page, server, board["id"], kai["token"])
    expect(page.locator(".note")).to_have_count(10)
    writing = count_tab_stops(page)
    in_thread(open_voting())
    page.reload()
    expect(page.locator(".note button[data-action=vote]:visible")).to_have_count(10)
    voting = count_tab_stops(page)
    report = ROOT / "test-artifacts" / "tab-stops.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        "A participant's 10 own notes on a category analysis board:\n"
        f"  {writing} Tab stops while writing, {voting} while voting\n"
    )
    print(f"\nTab stops: {writing} while writing, {voting} while voting")
    assert 10 < writing < voting
