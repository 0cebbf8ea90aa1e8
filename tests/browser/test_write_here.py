"""Writing in place on the canvas: "Write here" in a frame where the meeting is now opens a
form in the frame itself, a note sent from it lands in that frame, and what is typed there
survives Escape, the phase moving on and a reload."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    Browsing,
    api,
    as_facilitator,
    assert_accessible,
    board_state,
    join,
    screenshot,
    settle,
    wait_for,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

PARADOXES = "section.area[data-key=paradoxes]"
PATTERNS = "section.area[data-key=patterns]"
WORLD = "new DOMMatrix(getComputedStyle(document.querySelector('.canvas-world')).transform)"


def _pan(page: Page) -> list[float]:
    return list(page.evaluate(f"(({{e, f}}) => [e, f])({WORLD})"))


def _notes(server: RunningServer, board: dict[str, Any]) -> list[tuple[str, str, str]]:
    state = board_state(server, board)
    names = {pid: p["name"] for pid, p in state["participants"].items()}
    notes = state["notes"].values()
    return sorted((n["area"], n["text"], names.get(n["author"], "")) for n in notes)


def test_a_participant_writes_in_the_frame_and_keeps_what_is_half_written(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Kategorianalys", "method": "category-analysis", "language": "sv"}
    board = api(server, "/api/boards", body)

    def phase(name: str, area: str) -> None:
        op = {"kind": "phase.set", "phase": name, "focus": [area]}
        as_facilitator(server, board, lambda client: client.send_op(op))

    phase("together", "paradoxes")
    page = browsing.page({"width": 1440, "height": 900}, lang="sv-SE")
    join(page, server, board["join_code"], "Ida")
    here = page.locator(PARADOXES).get_by_role("button", name="Skriv här")
    expect(here).to_be_visible()
    # only where the meeting is now: the other frames are written in from the composer
    expect(page.locator(".write-here-open:visible")).to_have_count(1)

    settle(page)
    pan = _pan(page)
    here.click()  # the button gives its place to the form: the board stays where it was
    field = page.get_by_role("textbox", name="Lapp i Paradoxer")
    expect(field).to_be_focused()
    settle(page)
    assert _pan(page) == pan

    first = "Vi säger samarbete men mötena krockar"
    field.fill(first)
    field.press("Enter")
    expect(page.locator(f"{PARADOXES} .note-text")).to_have_text([first])
    expect(field).to_have_value("")
    expect(field).to_be_focused()  # ready for the next one
    field.press_sequentially("Alla vill")
    field.press("Shift+Enter")
    field.press_sequentially("ingen hinner")
    field.press("Enter")
    expected = [
        ("paradoxes", "Alla vill\ningen hinner", "Ida"),
        ("paradoxes", first, "Ida"),
    ]
    assert wait_for(lambda: _notes(server, board) == expected), _notes(server, board)

    # half a note, and Escape: the form folds to its button, which says a note waits in it
    field.press_sequentially("Halvt skriven")
    field.press("Escape")
    again = page.locator(PARADOXES).get_by_role("button", name="Fortsätt på din lapp")
    expect(again).to_be_focused()
    assert_accessible(page, "write here, folded with a draft")

    # the meeting moves on: writing is offered where it is now, and the draft stays
    phase("patterns", "patterns")
    expect(page.locator(PATTERNS).get_by_role("button", name="Skriv här")).to_be_visible()
    expect(again).to_be_visible()
    page.reload()
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    expect(field).to_have_value("Halvt skriven")  # open again, as it was left
    expect(page.locator(PATTERNS).get_by_role("button", name="Skriv här")).to_be_visible()
    page.locator(PATTERNS).get_by_role("button", name="Skriv här").press("Enter")
    expect(page.get_by_role("textbox", name="Lapp i Mönster över kategorierna")).to_be_focused()
    assert_accessible(page, "write here, two forms open")
    assert len(_notes(server, board)) == 2  # nothing half written was sent

    # a double click on the frame's paper: the note goes where the click was
    frame = page.locator(PATTERNS)
    box = frame.bounding_box()
    assert box
    click = (box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8)
    page.mouse.dblclick(*click)
    patterns = page.get_by_role("textbox", name="Lapp i Mönster över kategorierna")
    expect(patterns).to_be_focused()
    patterns.fill("Tid, överallt")
    patterns.press("Enter")
    placed = page.locator(f"{PATTERNS} .note", has_text="Tid, överallt")
    expect(placed).to_have_attribute("tabindex", "0")  # drawn from the server's answer
    settle(page)
    note = placed.bounding_box()
    assert note
    # centred under the pointer, a little below the note's top edge
    assert abs(note["x"] + note["width"] / 2 - click[0]) < 4, (note, click)
    assert 0 < click[1] - note["y"] < 40, (note, click)
    spots = [
        (n["x"], n["y"])
        for n in board_state(server, board)["notes"].values()
        if n["area"] == "patterns"
    ]
    assert len(spots) == 1 and spots[0][1] > 200, spots  # placed low in the frame, not flowed
    screenshot(page, "canvas-write-here-sv")
