"""Quadrant areas (2x2, such as effect/effort) for prioritising: made in the page, notes
dragged or placed by keyboard into cells, the same cells in the list view, on a phone and on
the projector."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from board_client import BoardClient
from server.board.quadrant import AXIS, CELL, GRID_TOP, cell_of
from server.board.state import Note
from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    assert_accessible,
    assert_thumb_sized,
    facilitator_page,
    join,
    note_action,
    screenshot,
    settle,
    wait_for,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

NOTES = ("Fix the door sign", "Rebuild the website", "Weekly coffee with the neighbours")


def _post(
    server: RunningServer, board: dict[str, Any], area: str, texts: tuple[str, ...] = NOTES
) -> None:
    async def post() -> None:
        async with BoardClient(server.url, board["id"], board["facilitator_token"]) as client:
            for text in texts:
                # "Idea n" land in the high effect, high effort cell
                at = {"x": AXIS + CELL + 20, "y": GRID_TOP + 20} if text.startswith("Idea") else {}
                await client.add_note(area, text, **at)

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        pool.submit(asyncio.run, post()).result()


def _state(server: RunningServer, board: dict[str, Any]) -> dict[str, Any]:
    answer = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])
    return dict(answer["state"])


def _cell(server: RunningServer, board: dict[str, Any], text: str) -> Any:
    found = next(n for n in _state(server, board)["notes"].values() if n["text"] == text)
    return cell_of(Note(**found))


def _zoom(page: Page) -> float:
    world = "document.querySelector('.canvas-world')"
    return float(page.evaluate(f"new DOMMatrix(getComputedStyle({world}).transform).a"))


def test_a_quadrant_is_made_filled_and_shown_by_cell_everywhere(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Next year", "method": "free", "language": "en"}
    board = api(server, "/api/boards", body)
    page = facilitator_page(browsing, board)

    # the facilitator adds a quadrant from the toolbar: both axes must be named
    page.locator("[data-action=more]").click()
    page.locator("[data-action=add-area]").click()
    dialog = page.get_by_role("dialog", name="Add area")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Title").fill("Priorities")
    dialog.get_by_label("Make it a quadrant (2x2) for prioritising").check()
    dialog.get_by_label("Across, from low (left) to high (right)").fill("Effort")
    dialog.get_by_role("button", name="Add the area").click()
    up = dialog.get_by_label("Up, from low (bottom) to high (top)")
    expect(up).to_be_focused()
    mistake = "Name what grows from bottom to top. For example: Effect"
    expect(up).to_have_accessible_description(mistake)
    screenshot(page, "quadrant-add-area-mistake")
    assert_accessible(page, "the add-area dialog with a mistake")
    up.fill("Effect")
    dialog.get_by_role("button", name="Add the area").click()
    expect(dialog).to_be_hidden()
    areas = wait_for(lambda: (a := _state(server, board)["areas"])[1:] and a)
    assert areas, "the area never reached the server"
    quadrant = areas[1]
    assert quadrant["axes"] == {"x": "Effort", "y": "Effect"}

    # on the canvas: a 2x2 grid with both axes named, low and high marked; what the frame
    # holds besides (a form for a new group) comes below it, even while it is empty
    frame = page.locator(f"section.area[data-key='{quadrant['id']}']")
    grid = frame.locator(".quadrant-grid")
    expect(grid).to_be_visible()
    form, drawn = frame.locator(".group-form").bounding_box(), grid.bounding_box()
    assert form and drawn and form["y"] > drawn["y"] + drawn["height"]
    _post(server, board, quadrant["id"])
    expect(grid.locator(".quadrant-cell")).to_have_text(
        [
            "High effect, low effort",
            "High effect, high effort",
            "Low effect, low effort",
            "Low effect, high effort",
        ]
    )
    expect(grid.locator(".quadrant-axis--x")).to_have_text("LowEffort →High")
    expect(grid.locator(".quadrant-axis--y")).to_have_text("LowEffect →High")
    expect(frame.locator(".note")).to_have_count(3)
    # fit keeps note text readable, which leaves a quadrant taller than the canvas: the
    # facilitator zooms out until the whole frame is in view
    page.get_by_role("button", name="Fit board").click()
    canvas = page.get_by_role("region", name="Board canvas")
    for _ in range(8):
        shown, room = frame.bounding_box(), canvas.bounding_box()
        assert shown and room
        if shown["y"] + shown["height"] <= room["y"] + room["height"]:
            break
        page.get_by_role("button", name="Zoom out").click()
    frame.scroll_into_view_if_needed()

    # a note dragged into a cell keeps where it was dropped; its cell follows from that
    note = frame.locator(".note", has_text=NOTES[0])
    box, where = note.bounding_box(), frame.bounding_box()
    assert box and where
    zoom = _zoom(page)
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    target = (where["x"] + (AXIS + 30) * zoom + 10, where["y"] + (GRID_TOP + 30) * zoom + 10)
    page.mouse.move(*target, steps=8)
    page.mouse.up()
    assert wait_for(lambda: _cell(server, board, NOTES[0]) == ("high", "low"))

    # by keyboard: the note's menu places it in a cell named by the axes
    note_action(
        frame.locator(".note", has_text=NOTES[1]), "Place in quadrant", "Low effect, high effort"
    )
    assert wait_for(lambda: _cell(server, board, NOTES[1]) == ("low", "high"))
    # on the canvas, each note tells a screen reader which cell it is in
    placed = frame.locator(".note", has_text=NOTES[1])
    expect(placed).to_have_accessible_description("Low effect, high effort")
    expect(placed).to_be_focused()  # back on the note after the menu
    settle(page)
    screenshot(page, "quadrant-facilitator")
    assert_accessible(page, "a quadrant on the canvas")

    # the list view lists the notes under their cells, those not placed yet apart
    page.locator("#list-toggle").click()
    listed = page.locator("#list section").nth(1)
    expect(listed.locator("h3")).to_have_text(
        [
            "High effect, low effort",
            "High effect, high effort",
            "Low effect, low effort",
            "Low effect, high effort",
            "Not placed yet",
        ]
    )
    first = listed.locator("h3", has_text="High effect, low effort")
    expect(first.locator("xpath=following-sibling::*[1]")).to_contain_text(NOTES[0])
    last = listed.locator("h3", has_text="Low effect, high effort")
    expect(last.locator("xpath=following-sibling::*[1]")).to_contain_text(NOTES[1])
    unplaced = listed.locator("h3", has_text="Not placed yet")
    expect(unplaced.locator("xpath=following-sibling::*[1]")).to_contain_text(NOTES[2])
    assert_accessible(page, "a quadrant in the list view")
    page.locator("#list-toggle").click()

    # a phone: the four cells as four lists
    phone = browsing.page(PHONE, lang="en")
    join(phone, server, board["join_code"], "Noor")
    cells = phone.locator(f"section.area[data-key='{quadrant['id']}'] .quadrant-list")
    expect(cells).to_have_count(5)
    expect(cells.nth(0).locator("h3")).to_have_text("High effect, low effort")
    expect(cells.nth(0).locator(".note-text")).to_have_text([NOTES[0]])
    expect(cells.nth(3).locator(".note-text")).to_have_text([NOTES[1]])
    expect(cells.nth(4).locator(".note-text")).to_have_text([NOTES[2]])
    screenshot(phone, "quadrant-phone")
    assert_thumb_sized(phone)
    assert_accessible(phone, "a quadrant on a phone")
    # the same participant on a wider screen, in the dark theme: the canvas's grid again
    phone.set_viewport_size(LAPTOP)
    phone.emulate_media(color_scheme="dark")
    expect(
        phone.locator(f"section.area[data-key='{quadrant['id']}'] .quadrant-grid")
    ).to_be_visible()
    screenshot(phone, "quadrant-participant-dark")
    assert_accessible(phone, "a quadrant on the canvas, dark")

    # the projector: a 2x2 poster of the cells, never scrolling
    projector = browsing.page(PROJECTOR, lang="en")
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    shown = projector.locator(f"section.area[data-key='{quadrant['id']}'] .quadrant-list")
    expect(shown.locator("h3")).to_have_text(
        [
            "High effect, low effort",
            "High effect, high effort",
            "Low effect, low effort",
            "Low effect, high effort",
            "Not placed yet",
        ]
    )
    expect(shown.nth(0).locator(".note")).to_contain_text(NOTES[0])

    # the projector fits itself over a few frames (and again when fonts load): a 2x2 poster
    # once it rests
    def two_by_two() -> bool:
        top = [shown.nth(i).bounding_box() for i in range(4)]
        if not all(top):
            return False
        a, b, c, _ = (t or {} for t in top)
        return a["y"] == b["y"] and a["x"] < b["x"] and c["y"] > a["y"]

    assert wait_for(two_by_two), [shown.nth(i).bounding_box() for i in range(4)]
    settle(projector)
    assert projector.evaluate("document.documentElement.scrollHeight <= innerHeight")
    screenshot(projector, "quadrant-projector")
    assert_accessible(projector, "a quadrant on the projector")
    projector.get_by_role("button", name="High contrast").click()
    settle(projector)
    assert projector.evaluate("document.documentElement.scrollHeight <= innerHeight")
    screenshot(projector, "quadrant-projector-contrast")
    assert_accessible(projector, "a quadrant on the projector, high contrast")

    # a crowded cell pages on its own, saying how many more; the others show all theirs
    _post(server, board, quadrant["id"], tuple(f"Idea {n}" for n in range(40)))
    expect(shown.nth(1)).to_have_attribute("data-more", re.compile(r"^\+\d+ more$"))
    for i in (0, 2, 3):
        expect(shown.nth(i)).not_to_have_attribute("data-more", re.compile(".*"))
    expect(shown.nth(0).locator(".note-text")).to_have_text([NOTES[0]])
    assert projector.evaluate("document.documentElement.scrollHeight <= innerHeight")
    screenshot(projector, "quadrant-projector-crowded")
