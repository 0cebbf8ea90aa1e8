"""The working board as a canvas: notes placed where they are dropped, the same place on
every screen; pan, zoom and fit; arrow keys that move a note and send once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from board_client import BoardClient
from tests.browser.helpers import (
    Browsing,
    api,
    as_facilitator,
    assert_accessible,
    join,
    screenshot,
    send_as,
    settle,
    wait_for,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

# six frames fit side by side at a readable zoom on a large screen; on a laptop fit shows
# the first ones whole and the rest a pan away (test_selection.py)
LAPTOP = {"width": 1920, "height": 1080}
TREASURES = "section.area[data-key=hidden-treasures]"
MYTHS = "section.area[data-key=urban-myths]"


def _seed(server: RunningServer, board: dict[str, Any]) -> None:
    """Notes and a group, posted as the facilitator by a plain client."""

    async def post() -> None:
        async with BoardClient(server.url, board["id"], board["facilitator_token"]) as client:
            for text in ("Caretakers know every family", "The library's reading club"):
                await client.add_note("hidden-treasures", text)
            await client.add_note("urban-myths", "Nobody reads the newsletter", x=20, y=120)
            await client.send_op(
                {
                    "kind": "group.add",
                    "group": {"id": "people", "area": "paradoxes", "name": "People"},
                }
            )
            ack = await client.add_note("paradoxes", "Busy but lonely", note_id="lonely")
            assert ack.noop is None
            await client.send_op({"kind": "note.group", "note_id": "lonely", "group_id": "people"})

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        pool.submit(asyncio.run, post()).result()


def _board(server: RunningServer, board: dict[str, Any]) -> dict[str, Any]:
    return api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])


def _note(server: RunningServer, board: dict[str, Any], text: str) -> dict[str, Any]:
    notes = _board(server, board)["state"]["notes"].values()
    return next(n for n in notes if n["text"] == text)


WORLD = "new DOMMatrix(getComputedStyle(document.querySelector('.canvas-world')).transform)"


def _zoom(page: Page) -> float:
    return float(page.evaluate(f"{WORLD}.a"))


def _pan(page: Page) -> list[float]:
    return list(page.evaluate(f"(({{e, f}}) => [e, f])({WORLD})"))


# where a note is drawn in its frame, px at zoom 1 (the protocol's x and y)
PLACED = """(text) => {
    const note = [...document.querySelectorAll('.note')].find(n => n.textContent.includes(text));
    const frame = note.closest('section.area');
    const world = document.querySelector('.canvas-world');
    const zoom = new DOMMatrix(getComputedStyle(world).transform).a;
    const a = note.getBoundingClientRect(), f = frame.getBoundingClientRect();
    return [(a.left - f.left) / zoom - frame.clientLeft, (a.top - f.top) / zoom - frame.clientTop];
}"""


def _placed(page: Page, text: str) -> list[float]:
    settle(page)  # a note moved into another frame fades in there again: measured at rest
    return list(page.evaluate(PLACED, text))


def test_notes_are_dragged_zoomed_and_nudged_on_the_canvas(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Canvas", "method": "category-analysis", "language": "en"}
    board = api(server, "/api/boards", body)
    _seed(server, board)
    facilitator = browsing.page(LAPTOP, lang="en")
    facilitator.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    participant = browsing.page(LAPTOP, lang="en")
    join(participant, server, board["join_code"], "Noor")
    for page in (facilitator, participant):
        expect(page.locator(".note")).to_have_count(4)
    viewport = facilitator.get_by_role("region", name="Board canvas")
    expect(viewport).to_be_visible()

    # fit on first load: every frame is inside the canvas, the notes still readable
    def every_frame_shown(page: Page) -> bool:
        return bool(
            page.evaluate(
                """() => { const v = document.querySelector('#areas').getBoundingClientRect();
                  return [...document.querySelectorAll('section.area')].every(a => {
                    const r = a.getBoundingClientRect();
                    return r.left >= v.left - 1 && r.right <= v.right + 1
                      && r.top >= v.top - 1 && r.bottom <= v.bottom + 1; }); }"""
            )
        )

    assert every_frame_shown(facilitator)
    fitted = _zoom(facilitator)
    fitted_pan = _pan(facilitator)
    screenshot(facilitator, "canvas-facilitator-fitted")

    # a note placed by x, y is drawn there; the unplaced ones fill the free cells in order
    x, y = _placed(facilitator, "Nobody reads the newsletter")
    assert abs(x - 20) < 1.5 and abs(y - 120) < 1.5
    first, second = (
        _placed(facilitator, t) for t in ("Caretakers know", "The library's reading club")
    )
    assert first[1] == pytest.approx(second[1], abs=1) and first[0] < second[0]

    # zoom in and out from the toolbar, and fit again
    percent = facilitator.locator(".canvas-zoom")
    shown = percent.inner_text()
    facilitator.get_by_role("button", name="Zoom in").click()
    assert _zoom(facilitator) > fitted
    expect(percent).not_to_have_text(shown)
    for _ in range(3):
        facilitator.get_by_role("button", name="Zoom out").click()
    assert _zoom(facilitator) < fitted
    facilitator.get_by_role("button", name="Fit board").click()
    assert _zoom(facilitator) == pytest.approx(fitted)
    assert every_frame_shown(facilitator)
    viewport.focus()
    facilitator.keyboard.press("+")
    assert _zoom(facilitator) > fitted
    facilitator.keyboard.press("-")
    assert _zoom(facilitator) == pytest.approx(fitted)

    # pan: a drag on empty canvas and the wheel move the board; Ctrl+wheel zooms
    area = viewport.bounding_box()
    assert area
    empty = (area["x"] + 40, min(area["y"] + area["height"], LAPTOP["height"]) - 40)
    facilitator.mouse.move(*empty)
    facilitator.mouse.down()
    facilitator.mouse.move(empty[0] + 100, empty[1] - 50, steps=4)
    facilitator.mouse.up()
    assert _pan(facilitator) == pytest.approx([fitted_pan[0] + 100, fitted_pan[1] - 50], abs=1)
    # the whole board is in view from top to bottom: the wheel scrolls the page instead
    scrolled = facilitator.evaluate("document.documentElement.scrollTop")
    facilitator.mouse.wheel(0, 120)
    facilitator.wait_for_function(f"() => document.documentElement.scrollTop > {scrolled}")
    assert _pan(facilitator) == pytest.approx([fitted_pan[0] + 100, fitted_pan[1] - 50], abs=1)
    # a new gesture, not the page's scroll going on (Chromium keeps a scroll's wheel
    # events on the scroller it started on until the pointer moves)
    facilitator.mouse.move(empty[0] + 1, empty[1] - 200)
    facilitator.keyboard.down("Control")
    facilitator.mouse.wheel(0, -120)
    facilitator.keyboard.up("Control")
    # wheel events reach the page after `wheel()` returns: wait for their effect
    assert wait_for(lambda: _zoom(facilitator) > fitted)
    panned = _pan(facilitator)
    facilitator.mouse.wheel(120, 0)  # sideways: more of the board comes in from the right
    sideways = [panned[0] - 120, panned[1]]
    assert wait_for(lambda: _pan(facilitator) == pytest.approx(sideways, abs=1))
    facilitator.get_by_role("button", name="Fit board").click()
    assert _pan(facilitator) == pytest.approx(fitted_pan, abs=1)

    # someone half-way through a note while the facilitator drags another one
    participant.locator("#note-text").fill("A thought I have not fin")
    note = facilitator.locator(".note", has_text="Caretakers know")
    box = note.bounding_box()
    frame = facilitator.locator(MYTHS).bounding_box()
    assert box and frame
    zoom = _zoom(facilitator)
    grab = (box["x"] + 10, box["y"] + 10)
    drop = (frame["x"] + 170 * zoom + 10, frame["y"] + 300 * zoom + 10)
    facilitator.mouse.move(*grab)
    facilitator.mouse.down()
    facilitator.mouse.move(drop[0], drop[1], steps=8)
    facilitator.mouse.up()
    moved = wait_for(
        lambda: (
            (n := _note(server, board, "Caretakers know every family"))["area"] == "urban-myths"
            and n
        )
    )
    assert moved, "the drop never reached the server"
    assert abs(moved["x"] - 170) <= 3 and abs(moved["y"] - 300) <= 3
    there = participant.locator(MYTHS).locator(".note", has_text="Caretakers know")
    expect(there).to_be_visible()
    px, py = _placed(participant, "Caretakers know")
    assert abs(px - moved["x"]) <= 3 and abs(py - moved["y"]) <= 3
    expect(participant.locator("#note-text")).to_have_value("A thought I have not fin")

    # dropped onto a note in a group, a note joins that group
    library = facilitator.locator(".note", has_text="reading club").bounding_box()
    lonely = facilitator.locator(".group .note", has_text="Busy but lonely").bounding_box()
    assert library and lonely
    facilitator.mouse.move(library["x"] + 10, library["y"] + 10)
    facilitator.mouse.down()
    facilitator.mouse.move(lonely["x"] + 30, lonely["y"] + 30, steps=6)
    facilitator.mouse.up()
    people = participant.locator(".group", has_text="People")
    expect(people.locator(".note", has_text="reading club")).to_be_visible()
    expect(people.locator(".note")).to_have_count(2)

    # arrow keys move a focused note 16 px (Shift: 64), sent once when the keys are let go
    before = _board(server, board)["seq"]
    start = _note(server, board, "Caretakers know every family")
    focused = facilitator.locator(".note", has_text="Caretakers know")
    focused.focus()
    for _ in range(5):
        facilitator.keyboard.press("ArrowLeft")
    facilitator.keyboard.press("Shift+ArrowDown")
    facilitator.keyboard.press("ArrowUp")
    expected = (start["x"] - 80, start["y"] + 48)
    nudged = wait_for(
        lambda: (
            (n := _note(server, board, "Caretakers know every family"))["y"] == expected[1] and n
        )
    )
    assert nudged and nudged["x"] == expected[0]
    assert _board(server, board)["seq"] == before + 1  # one op for the whole burst
    expect(focused).to_be_focused()
    px, py = _placed(participant, "Caretakers know")
    assert abs(px - expected[0]) <= 1 and abs(py - expected[1]) <= 1
    facilitator.keyboard.press("Alt+ArrowLeft")  # to the previous area
    expect(
        participant.locator("section.area[data-key=paradoxes]").locator(
            ".note", has_text="Caretakers know"
        )
    ).to_be_visible()

    # Shift+click selects notes; dragging one of them moves them all
    for text in ("Caretakers know", "Nobody reads"):
        facilitator.locator(".note", has_text=text).click(modifiers=["Shift"])
    expect(facilitator.locator(".note[data-selected]")).to_have_count(2)
    screenshot(facilitator, "canvas-facilitator-selection")
    lead = facilitator.locator(".note", has_text="Caretakers know").bounding_box()
    target = facilitator.locator("section.area[data-key=priorities]").bounding_box()
    assert lead and target
    facilitator.mouse.move(lead["x"] + 10, lead["y"] + 10)
    facilitator.mouse.down()
    facilitator.mouse.move(target["x"] + 60, target["y"] + 250, steps=6)
    facilitator.mouse.up()
    priorities = participant.locator("section.area[data-key=priorities] .note-text")
    expect(priorities).to_have_count(2)
    assert sorted(priorities.all_inner_texts()) == [
        "Caretakers know every family",
        "Nobody reads the newsletter",
    ]
    # arrow keys on a selected note move the whole selection: one op per note
    before = _board(server, board)["seq"]
    tops = {
        t: _note(server, board, t)["y"]
        for t in ("Caretakers know every family", "Nobody reads the newsletter")
    }
    facilitator.locator(".note", has_text="Caretakers know").focus()
    facilitator.keyboard.press("Shift+ArrowDown")
    assert wait_for(lambda: _board(server, board)["seq"] == before + 2)
    for text, top in tops.items():
        assert _note(server, board, text)["y"] == top + 64

    screenshot(facilitator, "canvas-facilitator-after-moves")
    screenshot(participant, "canvas-participant")
    assert_accessible(facilitator, "facilitator's canvas")
    facilitator.get_by_role("button", name="Zoom in").click()
    assert_accessible(facilitator, "facilitator's canvas, zoomed in")


IN_VIEW = """([frame, view]) => {
    const f = frame.getBoundingClientRect(), v = view.getBoundingClientRect();
    return f.left >= v.left && f.right <= v.right && f.top >= v.top && f.top < v.bottom;
}"""


def test_the_canvas_goes_where_the_meeting_moves_but_not_under_a_writer(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Analysis", "method": "category-analysis", "language": "en"}
    board = api(server, "/api/boards", body)
    page = browsing.page({"width": 1440, "height": 900})
    page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    view = page.locator("#areas").element_handle()

    def in_view(key: str) -> bool:
        frame = page.locator(f"section.area[data-key={key}]").element_handle()
        return bool(page.evaluate(IN_VIEW, [frame, view]))

    def phase(name: str, area: str) -> None:
        op = {"kind": "phase.set", "phase": name, "focus": [area]}
        as_facilitator(server, board, lambda client: client.send_op(op))

    settle(page)
    assert in_view("hidden-treasures")
    assert not in_view("priorities")  # six frames: the last ones a pan away on a laptop
    phase("prioritise", "priorities")
    assert wait_for(lambda: in_view("priorities"))
    assert not in_view("hidden-treasures")

    # someone writing on the board keeps the view they write in
    name = page.locator(f"{TREASURES} input")
    name.focus()
    settle(page)
    pan = _pan(page)
    phase("into-play", "into-play")
    expect(page.locator("#phase-title")).to_have_text("Put the learning into play")
    settle(page)
    assert _pan(page) == pan
    expect(name).to_be_focused()
    assert not in_view("into-play")


def test_a_page_that_only_loads_draws_its_notes_below_each_frame_title(
    browsing: Browsing, server: RunningServer
) -> None:
    """A viewer's page may get no other change after it loads: its first drawing must stand.
    (As in a meeting, the facilitator is on the board when it opens.)"""
    body = {"title": "Kritisk ven", "method": "critical-friend", "language": "da"}
    board = api(server, "/api/boards", body)
    facilitator = browsing.page({"width": 1920, "height": 1080}, lang="da-DK")
    facilitator.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(facilitator.locator("#status")).to_have_attribute("data-state", "online")
    op = {"kind": "note.add", "note": {"id": "n1", "area": "works", "text": "Det virker"}}
    send_as(server, board["id"], board["facilitator_token"], op)
    page = browsing.page({"width": 1920, "height": 1080}, lang="da-DK")
    page.goto(f"{server.url}{board['urls']['viewer']}")
    expect(page.locator(".note")).to_have_count(1)
    settle(page)
    title = page.locator("section.area h2").first.bounding_box()
    note = page.locator(".note").first.bounding_box()
    assert title and note
    assert note["y"] >= title["y"] + title["height"], (title, note)
