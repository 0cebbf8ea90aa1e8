"""Selecting notes on the canvas (a rectangle, the keyboard, Ctrl+A), a fit that keeps the
text readable on a wide board, and a note someone else is dragging shown as it moves."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from board_client import BoardClient
from tests.browser.helpers import (
    Browsing,
    api,
    assert_accessible,
    join,
    screenshot,
    settle,
    wait_for,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1440, "height": 900}
FIRST = "section.area[data-key=take-away]"
SECOND = "section.area[data-key=tell-colleagues]"
# (area, text, x, y): two rows of two in the first frame, one note in the second
NOTES = [
    ("take-away", "Short meetings work", 16, 120),
    ("take-away", "Ask before deciding", 188, 120),
    ("take-away", "Write it down", 16, 300),
    ("take-away", "Share the slides", 188, 300),
    ("tell-colleagues", "The new rota", 16, 120),
]


def _seed(server: RunningServer, board: dict[str, Any], focus: list[str] | None = None) -> None:
    async def post() -> None:
        async with BoardClient(server.url, board["id"], board["facilitator_token"]) as client:
            if focus is not None:
                await client.send_op({"kind": "focus.set", "areas": focus})
                return
            for area, text, x, y in NOTES:
                await client.add_note(area, text, x=x, y=y)

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        pool.submit(asyncio.run, post()).result()


def _state(server: RunningServer, board: dict[str, Any]) -> dict[str, Any]:
    answer = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])
    return dict(answer)


def _y(server: RunningServer, board: dict[str, Any], text: str) -> int:
    notes = _state(server, board)["state"]["notes"].values()
    return int(next(n for n in notes if n["text"] == text)["y"])


def _selected(page: Page) -> list[str]:
    texts = page.locator(".note[data-selected] .note-text").all_inner_texts()
    return sorted(texts)


# how big a note's text is on screen, and which frames are whole inside the canvas
FITTED = """() => {
  const world = document.querySelector('.canvas-world');
  const zoom = new DOMMatrix(getComputedStyle(world).transform).a;
  const text = parseFloat(getComputedStyle(document.querySelector('.note-text')).fontSize);
  const view = document.querySelector('#areas').getBoundingClientRect();
  const shown = [...document.querySelectorAll('section.area')].map(a => {
    const r = a.getBoundingClientRect();
    return r.left >= view.left - 1 && r.right <= view.right + 1; });
  return {px: text * zoom, shown}; }"""


def _note(page: Page, text: str) -> Any:
    return page.locator(".note", has_text=text)


def test_notes_are_selected_together_and_a_drag_shows_to_the_others(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Six frames", "method": "meeting-capture", "language": "en"}
    board = api(server, "/api/boards", body)
    _seed(server, board)
    facilitator = browsing.page(LAPTOP, lang="en")
    facilitator.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    participant = browsing.page(LAPTOP, lang="en")
    join(participant, server, board["join_code"], "Noor")
    for page in (facilitator, participant):
        expect(page.locator(".note")).to_have_count(len(NOTES))
    settle(facilitator)

    # six frames do not fit at a readable size: fit keeps note text >= 12 px on screen,
    # shows the first frames whole and leaves the rest a pan away
    fitted = facilitator.evaluate(FITTED)
    assert fitted["px"] >= 12.5, fitted
    assert fitted["shown"][:2] == [True, True] and not fitted["shown"][-1], fitted
    screenshot(facilitator, "selection-fit-six-frames")

    # Shift+drag on empty canvas: a rectangle selects the notes it touches
    a = _note(facilitator, "Short meetings work").bounding_box()
    b = _note(facilitator, "Ask before deciding").bounding_box()
    assert a and b
    start = (a["x"] - 10, a["y"] - 10)
    facilitator.keyboard.down("Shift")
    facilitator.mouse.move(*start)
    facilitator.mouse.down()
    facilitator.mouse.move(b["x"] + 20, b["y"] + 20, steps=5)
    expect(facilitator.locator(".canvas-lasso")).to_be_visible()
    screenshot(facilitator, "selection-rectangle")
    facilitator.mouse.up()
    facilitator.keyboard.up("Shift")
    expect(facilitator.locator(".canvas-lasso")).to_have_count(0)
    assert _selected(facilitator) == ["Ask before deciding", "Short meetings work"]
    announcer = facilitator.locator("#announcer")
    expect(announcer).to_contain_text("2 notes selected")
    screenshot(facilitator, "selection-two-selected")
    assert_accessible(facilitator, "two notes selected")

    # Escape clears it
    facilitator.keyboard.press("Escape")
    assert _selected(facilitator) == []
    expect(announcer).to_contain_text("No notes selected")

    # by keyboard: Shift+Space adds the focused note, and again takes it out
    _note(facilitator, "Write it down").focus()
    facilitator.keyboard.press("Shift+Space")
    _note(facilitator, "Share the slides").focus()
    facilitator.keyboard.press("Shift+Space")
    _note(facilitator, "The new rota").focus()
    facilitator.keyboard.press("Shift+Space")
    facilitator.keyboard.press("Shift+Space")
    assert _selected(facilitator) == ["Share the slides", "Write it down"]
    expect(_note(facilitator, "The new rota")).to_be_focused()
    # arrow keys on a selected note move the whole selection: one op per note
    before = _state(server, board)["seq"]
    _note(facilitator, "Share the slides").focus()
    facilitator.keyboard.press("Shift+ArrowDown")
    facilitator.keyboard.press("ArrowDown")
    assert wait_for(lambda: _state(server, board)["seq"] >= before + 2)
    assert _state(server, board)["seq"] == before + 2
    assert _y(server, board, "Write it down") == 300 + 80
    assert _y(server, board, "Share the slides") == 300 + 80

    # Ctrl+A on a note selects every note of its area, not the other areas'
    facilitator.keyboard.press("Control+a")
    assert _selected(facilitator) == [
        "Ask before deciding",
        "Share the slides",
        "Short meetings work",
        "Write it down",
    ]
    expect(announcer).to_contain_text("4 notes selected")
    facilitator.keyboard.press("Escape")

    # the shortcuts sheet tells how
    sheet = facilitator.locator("#shortcuts")
    expect(sheet).to_contain_text("Select the notes in a rectangle")
    expect(sheet).to_contain_text("Select every note in the note's area")

    # someone dragging a note: the others see a ghost of it, with their name, where it is;
    # nothing reaches the log until the drop
    before = _state(server, board)["seq"]
    rota = _note(participant, "The new rota").bounding_box()
    frame = participant.locator(SECOND).bounding_box()
    assert rota and frame
    participant.mouse.move(rota["x"] + 10, rota["y"] + 10)
    participant.mouse.down()
    participant.mouse.move(frame["x"] + frame["width"] / 2, frame["y"] + 320, steps=8)
    ghost = facilitator.locator(".note-ghost")
    expect(ghost).to_contain_text("Noor is moving this")
    expect(ghost).to_contain_text("The new rota")
    original = _note(facilitator, "The new rota").bounding_box()
    assert original
    # it follows the drag (the first ghost may show where the drag had got to then)
    assert wait_for(lambda: (box := ghost.bounding_box()) and box["y"] > original["y"] + 150)
    assert _state(server, board)["seq"] == before
    settle(facilitator)
    screenshot(facilitator, "selection-ghost-drag-seen-by-facilitator")
    assert_accessible(facilitator, "a ghost of someone else's drag")
    facilitator.emulate_media(color_scheme="dark")
    settle(facilitator)
    screenshot(facilitator, "selection-ghost-drag-seen-by-facilitator-dark")
    # the canvas only: the facilitator's toolbar is not dark-themed yet (toolbar.css)
    dark = Axe().run(facilitator, context="#areas")
    assert dark.violations_count == 0, dark.generate_report()
    facilitator.emulate_media(color_scheme="light")
    participant.mouse.up()
    expect(ghost).to_have_count(0)
    expect(facilitator.locator(SECOND).locator(".note", has_text="The new rota")).to_be_visible()
    assert _state(server, board)["seq"] == before + 1  # the drop: one note.move

    # with frames in focus (the phase's, or the facilitator's choice), fit shows those
    _seed(server, board, focus=["learning", "actions"])
    expect(facilitator.locator("section.area.area--muted")).to_have_count(4)
    before = facilitator.evaluate(FITTED)  # a failure says whether the fit moved the view
    facilitator.get_by_role("button", name="Fit board").click()
    screenshot(facilitator, "selection-fit-focus")
    fitted = facilitator.evaluate(FITTED)
    assert fitted["px"] >= 12.5, (before, fitted)
    assert fitted["shown"] == [False, False, False, False, True, True], (before, fitted)
