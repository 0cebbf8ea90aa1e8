"""The projector is a poster: at 1920x1080, 1280x720 and 1024x768, with 5, 40 and 150 notes,
it never scrolls, no text is under the projector minimum, it says only what the room shares,
and an area with more notes than fit shows "+N more" and turns its pages until every note
has been on the wall."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from board_client import BoardClient
from tests.browser.helpers import (
    Browsing,
    api,
    as_facilitator,
    assert_accessible,
    assert_no_text_fits_badly,
    screenshot,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

SCREENS = [(1920, 1080), (1280, 720), (1024, 768)]
AREAS = ["hidden-treasures", "paradoxes", "urban-myths", "patterns", "priorities", "into-play"]
SAYINGS = [
    "The caretakers know every family in the block",
    "Retired nurses want to help, nobody asks them",
    "We say we listen, then decide before the meeting",
    "Library staff already run a homework café on Tuesdays",
    "Everyone thinks the youth club is closed in summer; it is not",
    "More forms, less time with citizens",
    "Parents trust the football coach more than the school",
    "A bus timetable decides who comes to the evening meetings",
    "Shared drive for minutes",
    "Ask the volunteers what they would stop doing",
    "The café owner hears everything first",
    "Our newsletter goes to the people who already come",
]

# What the projector shows, measured as a person would see it: the page's height against
# the window's, every visible text's computed size, and each area's notes on this page.
MEASURE = """async (paused) => {
  // the next frame's fit first (with the page's clock paused, the test runs it)
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  if (!paused) await frame().then(frame);
  const small = [];
  const smallest = 20 * innerHeight / 1080;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim()) continue;
    if (!element.checkVisibility({ visibilityProperty: true })) continue;
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || box.right <= 0) continue; // visually hidden
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < smallest - 0.05) small.push(`${element.className || element.tagName} ${size}px`);
  }
  const areas = [...document.querySelectorAll("#areas > section.area")].map((area) => ({
    title: area.querySelector("h2").textContent,
    notes: area.querySelectorAll(".note").length,
    shown: [...area.querySelectorAll(".note")].filter((n) => n.checkVisibility()).length,
    more: area.dataset.more ?? null,
    badge: getComputedStyle(area, "::after").content,
  }));
  return {
    scrollHeight: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    innerHeight, innerWidth, small: [...new Set(small)], areas,
    text: document.body.innerText,
  };
}"""

SHOWN_NOTES = """(title) => {
  const area = [...document.querySelectorAll("#areas > section.area")]
    .find((area) => area.querySelector("h2").textContent === title);
  const notes = [...area.querySelectorAll(".note")];
  const ids = (list) => list.map((note) => note.dataset.noteId);
  return [ids(notes), ids(notes.filter((note) => note.checkVisibility()))];
}"""


def make_board(server: RunningServer, notes: int) -> dict[str, Any]:
    """A category analysis with six areas, two participants and `notes` notes, most of them
    in the first area; with 40 and more, a group, voting and parked ideas too."""
    board = api(
        server,
        "/api/boards",
        {
            "title": f"Network meeting 4 ({notes} notes)",
            "method": "category-analysis",
            "language": "en",
            "categories": AREAS[:3],
        },
    )
    people = [
        api(server, "/api/join", {"code": board["join_code"], "name": name})
        for name in ("Ole Sørensen", "Ida Marie Kjær")
    ]
    tokens = [board["facilitator_token"]] + [p["token"] for p in people]

    async def fill() -> None:
        async with (
            BoardClient(server.url, board["id"], tokens[0]) as facilitator,
            BoardClient(server.url, board["id"], tokens[1]) as ole,
            BoardClient(server.url, board["id"], tokens[2]) as ida,
        ):
            writers = [facilitator, ole, ida]
            await facilitator.send_op({"kind": "phase.set", "phase": "together"})
            await facilitator.send_op({"kind": "timer.set", "minutes": 15})
            await facilitator.send_op({"kind": "timer.start"})
            ids = [str(uuid.uuid4()) for _ in range(notes)]
            first = notes * 3 // 5  # the first area gets most: it is the one that pages
            await asyncio.gather(
                *(
                    writers[i % 3].add_note(
                        AREAS[0] if i < first else AREAS[1 + i % 5],
                        f"{SAYINGS[i % len(SAYINGS)]}" + (f" ({i})" if i >= len(SAYINGS) else ""),
                        note_id=ids[i],
                    )
                    for i in range(notes)
                )
            )
            if notes < 40:
                return
            group = {"id": str(uuid.uuid4()), "area": AREAS[1], "name": "People nobody asks"}
            await facilitator.send_op({"kind": "group.add", "group": group})
            in_second = [ids[i] for i in range(first, notes) if 1 + i % 5 == 1]
            for note_id in in_second[:2]:
                grouping = {"kind": "note.group", "note_id": note_id, "group_id": group["id"]}
                await facilitator.send_op(grouping)
            await facilitator.send_op({"kind": "vote.open", "per_person": 3})
            await ole.send_op({"kind": "vote.cast", "note_id": ids[1]})
            await ida.send_op({"kind": "vote.cast", "note_id": ids[1]})
            for n in range(3 if notes == 40 else 14):
                idea = {"id": str(uuid.uuid4()), "text": f"Ask the youth club {n + 1}"}
                await ole.send_op({"kind": "idea.park", "idea": idea})
            if notes > 40:
                await facilitator.send_op({"kind": "vote.close"})

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        pool.submit(asyncio.run, fill()).result()
    return board


def open_projector(page: Page, server: RunningServer, board: dict[str, Any], notes: int) -> None:
    page.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    expect(page.locator("#areas .note")).to_have_count(notes)
    expect(page.locator("#qr")).to_be_visible()


def assert_fits(page: Page, what: str, paused: bool = False) -> dict[str, Any]:
    seen = page.evaluate(MEASURE, paused)
    assert seen["scrollHeight"] <= seen["innerHeight"], f"{what}: the page scrolls"
    assert seen["scrollWidth"] <= seen["innerWidth"], f"{what}: the page scrolls sideways"
    assert seen["small"] == [], f"{what}: text under the projector minimum: {seen['small']}"
    for area in seen["areas"]:
        hidden = area["notes"] - area["shown"]
        if hidden:
            assert area["more"] == f"+{hidden} more", f"{what}: {area}"
            assert area["badge"] == f'"+{hidden} more"', f"{what}: {area}"
        else:
            assert area["more"] is None, f"{what}: {area}"
        assert area["shown"] or not area["notes"], f"{what}: {area}"
    for per_person in ("votes left", "you have", "Only you see"):
        assert per_person not in seen["text"], f"{what}: says {per_person!r} to the room"
    assert_no_text_fits_badly(page)
    return seen


def test_the_projector_fits_every_screen_and_pages_what_does_not_fit(
    browsing: Browsing, server: RunningServer
) -> None:
    page = browsing.page()
    page.clock.install()  # page turns are driven from here, not waited for
    for notes in (5, 40, 150):
        board = make_board(server, notes)
        page.set_viewport_size({"width": 1920, "height": 1080})
        open_projector(page, server, board, notes)
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            what = f"{notes} notes at {width}x{height}"
            seen = assert_fits(page, what)
            if notes == 5:
                assert all(a["more"] is None for a in seen["areas"]), what
            if notes == 150:
                assert seen["areas"][0]["more"], f"{what}: 90 notes cannot all fit"
            screenshot(page, f"projector-{notes}-notes-{width}x{height}")
        assert_accessible(page, f"projector with {notes} notes")
        if notes == 40:
            expect(page.locator("#projector-voting")).to_have_text(
                "Voting is open. Votes per person: 3. Votes cast so far: 2."
            )
            expect(page.locator(".group h3")).to_have_text(["People nobody asks"])

    # every note of the crowded area reaches the wall, one page every turn; the page's clock
    # stands still but for the turns the test makes
    page.set_viewport_size({"width": 1920, "height": 1080})
    assert_fits(page, "before the page turns")  # and the fit for this size is done
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    title = "Hidden treasures"
    order, first = page.evaluate(SHOWN_NOTES, title)
    on_wall, shown = set(first), first
    for _ in range(30):  # each page begins where the last one ended, the first after the last
        after = (order.index(shown[-1]) + 1) % len(order)
        page.clock.fast_forward(8000)
        _, shown = page.evaluate(SHOWN_NOTES, title)
        assert_fits(page, "after a page turn", paused=True)
        assert shown == order[after : after + len(shown)], "notes skipped or shown twice"
        on_wall |= set(shown)
        if on_wall == set(order) and shown[0] == order[0]:
            break
    assert on_wall == set(order) and shown[0] == order[0], "every note is on the wall in turn"
    page.clock.resume()

    # bright room: high contrast, remembered; still fits, and every text is at least 7:1
    page.emulate_media(reduced_motion="reduce")
    contrast = page.get_by_role("button", name="High contrast")
    contrast.click()
    expect(contrast).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(contrast).to_have_attribute("aria-pressed", "true")
    for width, height in SCREENS[::2]:
        page.set_viewport_size({"width": width, "height": height})
        assert_fits(page, f"high contrast at {width}x{height}")
        screenshot(page, f"projector-high-contrast-{width}x{height}")
    page.clock.fast_forward(8000)  # with reduced motion the pages still turn, without a fade
    assert page.evaluate(SHOWN_NOTES, title)[1] != first
    # axe's usual rules and its 7:1 rule (WCAG AAA), which it leaves out unless asked
    results = Axe().run(page, options={"rules": {"color-contrast-enhanced": {"enabled": True}}})
    assert results.violations_count == 0, results.generate_report()


def test_the_projector_shows_every_group_at_work(browsing: Browsing, server: RunningServer) -> None:
    body = {"title": "Bollplanket", "language": "sv", "method": "sounding-board"}
    board = api(server, "/api/boards", body)
    people = [
        api(server, "/api/join", {"code": board["join_code"], "name": name})["participant_id"]
        for name in ("Ole", "Ida", "Eva", "Bo")
    ]
    state = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])["state"]
    areas = {area["id"]: area["title"] for area in state["areas"]}
    page = browsing.page(lang="sv-SE")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    titles = page.locator("#areas section.area h2")
    # the phase's own area, as the facilitator's stepper sends it
    groups_phase = {"kind": "phase.set", "phase": "groups", "focus": ["groups"]}
    as_facilitator(server, board, lambda client: client.send_op(groups_phase))
    expect(titles).to_have_text([areas["groups"]])

    split = {
        "kind": "breakout.start",
        "groups": [
            {"id": f"g{i}", "name": f"Grupp {i}", "members": people[i - 1 :: 2]} for i in (1, 2)
        ],
    }
    as_facilitator(server, board, lambda client: client.send_op(split))
    expect(titles).to_have_text([areas["groups"], "Grupp 1", "Grupp 2"])
    assert_fits(page, "groups at work")
    screenshot(page, "projector-groups-at-work")
    as_facilitator(server, board, lambda client: client.send_op({"kind": "breakout.end"}))
    expect(titles).to_have_text([areas["groups"]])
