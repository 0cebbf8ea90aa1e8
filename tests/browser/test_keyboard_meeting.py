"""A whole category analysis with a facilitator on the keyboard alone, a projector, a
participant on a phone and thirty more participants posting at the same time: every step
reachable by keys, the focus never lost, nothing typed lost, no errors, axe clean."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from playwright.sync_api import Page, expect

from board_client import BoardClient
from board_client.http import join_board
from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    assert_accessible,
    join,
    post_note,
    screenshot,
)
from tests.conftest import RunningServer, timeout

LAPTOP = {"width": 1440, "height": 900}
CROWD = 30


def run(job: Coroutine[Any, Any, Any]) -> Any:
    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        return pool.submit(asyncio.run, job).result()


def watched(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def tab_to(page: Page, selector: str) -> int:
    """Tab until `selector` has the focus; how many presses it took."""
    if page.evaluate(f"document.activeElement.matches({selector!r})"):
        return 0
    for presses in range(1, 120):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return presses
    raise AssertionError(f"Tab never reached {selector}")


def assert_focus_kept(page: Page, step: str) -> None:
    assert page.evaluate("document.activeElement !== document.body"), f"{step}: focus on BODY"


async def crowd_writes(server: RunningServer, board: dict[str, Any]) -> None:
    joined = await asyncio.gather(
        *(join_board(server.url, board["join_code"], f"Deltager {i}") for i in range(CROWD))
    )
    clients = [BoardClient(server.url, board["id"], j.token) for j in joined]
    await asyncio.gather(*(c.start() for c in clients))
    area = clients[0].state.areas[0].id
    try:
        await asyncio.gather(
            *(
                c.add_note(area, f"Idea {i} from person {n}")
                for n, c in enumerate(clients)
                for i in (1, 2)
            )
        )
    finally:
        await asyncio.gather(*(c.close() for c in clients))


def test_a_keyboard_only_facilitator_runs_a_whole_category_analysis(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Keys only", "method": "category-analysis", "language": "en"}
    board = api(server, "/api/boards", body)
    facilitator = browsing.page(LAPTOP, lang="en-GB")
    errors = watched(facilitator)
    facilitator.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(facilitator.locator("#status")).to_have_attribute("data-state", "online")
    projector = browsing.page(PROJECTOR, lang="en-GB")
    errors += watched(projector)
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    phone = browsing.page(PHONE, lang="en-GB")
    errors += watched(phone)
    join(phone, server, board["join_code"], "Ida")

    # from anywhere, one key starts the first phase, and its timer with it
    facilitator.keyboard.press("]")
    expect(facilitator.locator("#phase-title")).to_have_text("Silently, on your own")
    expect(facilitator.locator("#timer")).to_have_attribute("data-state", "running")
    facilitator.keyboard.press("t")  # and one pauses the timer
    expect(facilitator.locator("#timer")).to_have_attribute("data-state", "paused")
    facilitator.keyboard.press("t")
    expect(facilitator.locator("#timer")).to_have_attribute("data-state", "running")

    # one key to the composer; half a note stays while the room posts 60 notes at once
    facilitator.keyboard.press("n")
    expect(facilitator.locator("#note-text")).to_be_focused()
    facilitator.keyboard.type("The caretakers know every fam")
    run(crowd_writes(server, board))
    post_note(phone, "The library is open on Sundays")
    expect(projector.locator(".note--hidden")).to_have_count(2 * CROWD + 1)
    expect(facilitator.locator("#note-text")).to_have_value("The caretakers know every fam")
    expect(facilitator.locator("#note-text")).to_be_focused()
    facilitator.keyboard.type("ily")
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator(".note[data-note-id]")).to_have_count(2 * CROWD + 2)
    fits = projector.evaluate("document.documentElement.scrollHeight <= innerHeight")
    assert fits, "the projector scrolls during private writing"
    assert "Idea 1" not in projector.locator("body").inner_text()
    assert_accessible(facilitator, "facilitator, private writing with 62 notes")

    # the reveal, from the toolbar by Tab
    tab_to(facilitator, "[data-action=reveal]")
    facilitator.keyboard.press("Enter")
    expect(projector.locator(".note--hidden")).to_have_count(0)
    expect(projector.locator(".note-text", has_text="The library is open")).to_have_count(1)
    assert_focus_kept(facilitator, "revealed")

    # a note's menu by keyboard: to another area, and the focus goes with the note
    mine = facilitator.locator(".note[data-note-id]", has_text="The caretakers know")
    mine.focus()
    facilitator.keyboard.press("m")
    menu = facilitator.get_by_role("menu")
    expect(menu).to_be_visible()
    facilitator.keyboard.press("ArrowDown")  # Edit, then Move to
    facilitator.keyboard.press("Enter")
    facilitator.get_by_role("menuitemradio", name="Paradoxes").focus()
    facilitator.keyboard.press("Enter")
    paradoxes = "section[aria-labelledby=area-paradoxes]"
    expect(projector.locator(f"{paradoxes} .note-text")).to_have_text(
        ["The caretakers know every family"]
    )
    expect(mine).to_be_focused()

    # the next phase by one key: the reveal leaves the toolbar with the last private note,
    # and a quick vote is under "More"; once open, it is in the toolbar with the focus
    facilitator.keyboard.press("]")
    expect(facilitator.locator("#phase-title")).not_to_have_text("Silently, on your own")
    expect(facilitator.locator("[data-action=reveal]")).to_be_hidden()
    expect(facilitator.locator(".toolbar-row [data-action=voting]")).to_have_count(0)
    tab_to(facilitator, "[data-action=more]")
    facilitator.keyboard.press("Enter")
    tab_to(facilitator, "[data-action=voting]")
    facilitator.keyboard.press("Enter")
    vote = phone.locator(".note", has_text="The library is open").locator("[data-action=vote]")
    vote.click()
    expect(phone.locator("#voting")).to_contain_text("2 of 3 votes left")
    closing = facilitator.get_by_role("button", name="Close voting and show results")
    expect(closing).to_be_focused()
    expect(facilitator.locator(".toolbar-row").get_by_role("group", name="Voting")).to_be_visible()
    expect(facilitator.locator("#control-more")).to_be_hidden()
    tab_to(facilitator, "[data-action=voting]")
    facilitator.keyboard.press("Enter")
    expect(
        projector.locator(".note", has_text="The library is open").locator(".note-votes")
    ).to_have_text("1 vote")
    assert_focus_kept(facilitator, "voting closed")
    assert_accessible(facilitator, "facilitator, voting closed")

    # closing the meeting: More, Close the meeting, confirmed, all by keys
    tab_to(facilitator, "[data-action=more]")
    facilitator.keyboard.press("Enter")
    facilitator.get_by_role("button", name="Close the meeting").focus()
    facilitator.keyboard.press("Enter")
    facilitator.locator("#close-meeting").focus()
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator("#closed-note")).to_be_visible()
    expect(projector.locator("#closed-note")).to_be_visible(timeout=timeout(10) * 1000)
    assert_focus_kept(facilitator, "meeting closed")
    assert projector.evaluate("document.documentElement.scrollHeight <= innerHeight")
    assert_accessible(projector, "projector, meeting closed")
    screenshot(facilitator, "keyboard-meeting-closed")
    screenshot(projector, "keyboard-meeting-projector-closed")
    assert errors == []
