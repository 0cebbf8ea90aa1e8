"""A participant on a phone (390 x 844) on a long board: the composer and the parked ideas
are one tap away from anywhere, a draft survives closing the sheet and a reload, a breakout
group is named and its area is the only one offered, and voting shows large buttons."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import (
    PHONE,
    Browsing,
    api,
    as_facilitator,
    assert_accessible,
    assert_no_text_fits_badly,
    assert_thumb_sized,
    phone_shot,
    screenshot,
    settle,
    wait_for,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser


def send_ops(server: RunningServer, board: dict[str, Any], ops: list[dict[str, Any]]) -> None:
    """The facilitator's ops, all sent at once."""
    as_facilitator(server, board, lambda client: asyncio.gather(*map(client.send_op, ops)))


def on_screen(page: Page, locator: Locator) -> bool:
    """Wholly inside the phone's screen as it is scrolled now."""
    box = locator.bounding_box()
    assert box is not None
    return box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] and box["x"] >= 0


# Headless Chromium has no on-screen keyboard: this stands in for the visual viewport a
# phone reports while its keyboard covers the bottom `covered` pixels of the screen.
ON_SCREEN_KEYBOARD = """
const viewport = new EventTarget();
let covered = 0;
Object.defineProperties(viewport, {
  width: { get: () => window.innerWidth },
  height: { get: () => window.innerHeight - covered },
  offsetTop: { value: 0 },
  scale: { value: 1 },
});
Object.defineProperty(window, "visualViewport", { value: viewport });
window.showKeyboard = (pixels) => {
  covered = pixels;
  viewport.dispatchEvent(new Event("resize"));
};
"""


def test_a_participant_on_a_phone_writes_parks_and_votes_from_anywhere_on_a_long_board(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(
        server,
        "/api/boards",
        {"title": "Neighbourhood ideas", "language": "en", "method": "category-analysis"},
    )
    me = api(server, "/api/join", {"code": board["join_code"], "name": "Ole"})
    other = api(server, "/api/join", {"code": board["join_code"], "name": "Ida"})
    areas = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])["state"][
        "areas"
    ]
    send_ops(
        server,
        board,
        [
            {
                "kind": "note.add",
                "note": {
                    "id": f"n{i}",
                    "area": areas[i % len(areas)]["id"],
                    "text": f"Observation {i}: the library is full on Thursdays",
                },
            }
            for i in range(40)
        ],
    )

    phone = browsing.page(PHONE)
    phone.goto(f"{server.url}/b/{board['id']}#token={me['token']}")
    expect(phone.locator("#status")).to_have_attribute("data-state", "online")
    expect(phone.locator(".note")).to_have_count(40)
    write = phone.locator("#write-note")
    field = phone.locator("#note-text")
    expect(field).to_be_hidden()  # folded into the bar until wanted

    # the composer is one tap away from the top, the middle and the end of the board
    for where in ("0", "document.body.scrollHeight / 2", "document.body.scrollHeight"):
        phone.evaluate(f"window.scrollTo(0, {where})")
        assert on_screen(phone, write), f"'Write a note' is off screen at scrollY={where}"
    assert phone.evaluate("window.scrollY") > 3 * PHONE["height"]  # the board is long

    write.click()
    expect(field).to_be_focused()
    add = phone.locator("#new-note button[type=submit]")
    assert on_screen(phone, field) and on_screen(phone, add)
    field.fill("Ask the caretakers which families")
    assert_accessible(phone, "composer sheet open on a phone")
    assert_thumb_sized(phone)
    assert_no_text_fits_badly(phone)
    phone_shot(phone, "phone-composer-open")

    # closing the sheet keeps the draft, and so does a reload
    write.click()
    expect(field).to_be_hidden()
    expect(write).to_have_text("Continue your note")
    write.click()
    expect(field).to_have_value("Ask the caretakers which families")
    phone.add_init_script(ON_SCREEN_KEYBOARD)
    phone.reload()
    expect(phone.locator(".note")).to_have_count(40)
    expect(write).to_have_text("Continue your note")
    write.click()
    expect(field).to_have_value("Ask the caretakers which families")
    # the on-screen keyboard (its part of the screen, as visualViewport reports it) pushes
    # the sheet up rather than hiding the field
    phone.evaluate("showKeyboard(340)")
    for part in (field, add, write):
        box = part.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] - 340
    phone_shot(phone, "phone-composer-above-keyboard")
    phone.evaluate("showKeyboard(0)")
    field.press("Escape")
    expect(field).to_be_hidden()
    expect(write).to_be_focused()
    write.click()
    field.press("Enter")
    expect(phone.locator(".note-text", has_text="Ask the caretakers")).to_have_count(1)
    expect(field).to_have_value("")
    write.click()
    expect(write).to_have_text("Write a note")

    # the parked ideas: one tap, from the top of the board, and the idea counted on the bar
    phone.evaluate("window.scrollTo(0, 0)")
    parked = phone.locator("#show-parked")
    expect(parked).to_have_text("Parked ideas (0)")
    parked.click()
    park = phone.locator("#park-text")
    assert on_screen(phone, park) and on_screen(phone, phone.locator("#parking-title"))
    park.fill("Ask the youth club")
    park.press("Enter")
    expect(parked).to_have_text("Parked ideas (1)")
    expect(phone.locator("#parking .idea")).to_contain_text("Ask the youth club")
    assert_accessible(phone, "parked ideas sheet on a phone")
    assert_thumb_sized(phone)
    phone_shot(phone, "phone-parking-open")
    park.press("Escape")
    expect(park).not_to_be_in_viewport()

    # breakouts: the participant is told their group and writes only in its area
    send_ops(
        server,
        board,
        [
            {
                "kind": "breakout.start",
                "groups": [
                    {"id": "g1", "name": "Group 1", "members": [other["participant_id"]]},
                    {"id": "g2", "name": "Group 2", "members": []},
                    {"id": "g3", "name": "Group 3", "members": [me["participant_id"]]},
                ],
            }
        ],
    )
    expect(phone.locator("#my-group")).to_have_text("You are in Group 3")
    write.click()
    select = phone.locator("#note-area")
    expect(select.locator("option")).to_have_text(["Group 3"])
    expect(select).to_have_value("group-g3")
    field.fill("Our group: start with the library")
    field.press("Enter")
    group_area = phone.locator("section[aria-labelledby='area-group-g3']")
    expect(group_area.locator(".note-text")).to_have_text(["Our group: start with the library"])
    # their group comes first: every other area, the other groups' too, folds to its title
    expect(phone.locator("section.area:not([data-folded])")).to_have_count(1)
    expect(group_area).not_to_have_attribute("data-folded", "")
    other_group = phone.locator("section[aria-labelledby='area-group-g1']")
    expect(other_group.get_by_role("button", name="Group 1")).to_have_attribute(
        "aria-expanded", "false"
    )
    assert_accessible(phone, "breakout group on a phone")
    phone_shot(phone, "phone-breakout-composer")
    write.click()
    phone.evaluate("window.scrollTo(0, 0)")
    phone_shot(phone, "phone-breakout-banner")

    # the facilitator, also on a phone, is in no group and may write in every area
    facilitator = browsing.page(PHONE)
    facilitator.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    facilitator.locator("#write-note").click()
    expect(facilitator.locator("#note-area option")).to_have_count(len(areas) + 3)
    expect(facilitator.locator("#my-group")).to_be_hidden()
    expect(facilitator.locator("section.area[data-folded]")).to_have_count(0)  # in no group

    # voting: every note a large card with a vote button across it
    send_ops(server, board, [{"kind": "breakout.end"}, {"kind": "vote.open", "per_person": 3}])
    expect(phone.locator("#my-group")).to_be_hidden()
    vote = phone.locator(".note", has_text="Observation 7").locator('[data-focus^="vote:"]')
    vote.click()
    expect(phone.locator("#voting")).to_contain_text("2 of 3")
    # one card a row, its vote buttons across it; its other actions wait until voting ends
    card = phone.locator(".note", has_text="Observation 7")
    box = card.bounding_box()
    buttons = [b for b in (b.bounding_box() for b in card.locator("button").all()) if b]
    assert box and box["width"] > 0.8 * PHONE["width"]
    across = max(b["x"] + b["width"] for b in buttons) - min(b["x"] for b in buttons)
    assert across > 0.8 * box["width"]
    expect(card.locator("button:visible")).to_have_text(["Vote", "Remove vote"])
    expect(card.get_by_label("Move to")).to_be_hidden()
    write.click()
    expect(select.locator("option")).to_have_count(len(areas) + 3)
    write.click()
    assert_thumb_sized(phone)
    assert_accessible(phone, "voting on a phone")
    phone.locator(".note", has_text="Observation 7").scroll_into_view_if_needed()
    phone_shot(phone, "phone-voting")
    screenshot(phone, "phone-voting-whole-board")
    assert browsing.foreign_requests() == []


def ole_on_a_phone(browsing: Browsing, server: RunningServer, title: str) -> tuple[Any, Page]:
    """A Danish category analysis, and Ole on it on his phone, connected."""
    body = {"title": title, "language": "da", "method": "category-analysis"}
    board = api(server, "/api/boards", body)
    me = api(server, "/api/join", {"code": board["join_code"], "name": "Ole"})
    phone = browsing.page(PHONE, lang="da-DK")
    phone.goto(f"{server.url}/b/{board['id']}#token={me['token']}")
    expect(phone.locator("#status")).to_have_attribute("data-state", "online")
    return board, phone


def test_a_phone_offers_a_new_group_only_while_notes_are_sorted(
    browsing: Browsing, server: RunningServer
) -> None:
    board, phone = ole_on_a_phone(browsing, server, "Kategorier")
    forms = phone.get_by_role("button", name="Opret gruppe")
    areas = phone.locator("section.area").count()
    assert areas >= 2
    expect(forms).to_have_count(areas)  # before the plan starts, the board is free

    # writing on one's own, voting and naming owners: each area holds notes, not a form
    phases = (("silent", False), ("together", True), ("prioritise", False), ("into-play", False))
    for phase, sorting in phases:
        send_ops(server, board, [{"kind": "phase.set", "phase": phase}])
        expect(forms).to_have_count(areas if sorting else 0)
    screenshot(phone, "phone-vote-no-group-form")
    # the facilitator can still set groups up ahead of the sorting
    facilitator = browsing.page(lang="da-DK")
    facilitator.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(facilitator.get_by_role("button", name="Opret gruppe")).to_have_count(areas)


def test_a_phone_folds_the_areas_outside_the_phase_and_keeps_one_being_written_in(
    browsing: Browsing, server: RunningServer
) -> None:
    board, phone = ole_on_a_phone(browsing, server, "Ældreplejen")
    state = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])["state"]
    categories = [area["id"] for area in state["areas"][:3]]
    # as the facilitator's stepper sends them: the phase and the areas it shows
    across = {"kind": "phase.set", "phase": "patterns", "focus": [state["areas"][3]["id"]]}
    text = "Vi gør det, fordi vi altid har gjort det, og ingen har spurgt hvorfor"
    notes = [
        {"kind": "note.add", "note": {"id": f"n{i}", "area": categories[i % 3], "text": text}}
        for i in range(18)
    ]
    send_ops(server, board, notes)
    treasures, paradoxes, myths = (
        phone.locator("section.area").filter(has=phone.get_by_role("heading", name=name))
        for name in ("Skjulte skatte", "Paradokser", "Vandrehistorier")
    )
    patterns = phone.locator(f"#area-{state['areas'][3]['id']}")  # its heading
    # the categories are read and sorted: every area is open
    send_ops(server, board, [{"kind": "phase.set", "phase": "together"}])
    expect(phone.locator("section.area[data-folded]")).to_have_count(0)
    expect(phone.locator(".note")).to_have_count(18)
    assert not on_screen(phone, patterns)  # eighteen notes stand before it

    # across the categories: the phase's area comes first, each category is one line, and
    # the screen does not move, for the area is already in sight
    scrolled = phone.evaluate("scrollY")
    send_ops(server, board, [across])
    toggle = paradoxes.get_by_role("button", name="Paradokser")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_accessible_description("6 noter")
    expect(phone.locator(".note:visible")).to_have_count(0)
    settle(phone)
    assert phone.evaluate("scrollY") == scrolled, patterns.bounding_box()
    assert on_screen(phone, patterns)
    assert on_screen(phone, myths.get_by_role("button", name="Vandrehistorier"))
    assert_accessible(phone, "a phone with the areas outside the phase folded")
    assert_thumb_sized(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    phone_shot(phone, "phone-areas-folded")

    # a tap opens one; it stays open while the others write, and the folded ones count
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(paradoxes.locator(".note")).to_have_count(6)
    expect(paradoxes.locator(".area-summary")).to_be_hidden()
    more = [
        {"kind": "note.add", "note": {"id": f"m{i}", "area": area, "text": "En til"}}
        for i, area in enumerate(categories[:2])
    ]
    send_ops(server, board, more)
    expect(paradoxes.locator(".note")).to_have_count(7)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    treasure = treasures.get_by_role("button", name="Skjulte skatte")
    expect(treasure).to_have_accessible_description("7 noter")
    expect(treasures.locator(".note")).to_have_count(7)
    expect(treasures.locator(".note:visible")).to_have_count(0)
    # and the keyboard folds it again
    toggle.focus()
    phone.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(paradoxes.locator(".note:visible")).to_have_count(0)
    expect(toggle).to_be_focused()

    # read down to the foot of the page, the phase moves on: the screen goes to its area
    # (not while the focus is in the board: it would leave a keyboard user's focus behind)
    phone.evaluate("document.activeElement.blur(); window.scrollTo(0, document.body.scrollHeight)")
    assert wait_for(lambda: not on_screen(phone, patterns))
    send_ops(server, board, [{"kind": "phase.set", "phase": "patterns", "focus": categories[:1]}])
    assert wait_for(lambda: on_screen(phone, treasures.get_by_role("heading")))
    send_ops(server, board, [across])
    assert wait_for(lambda: on_screen(phone, patterns))

    # back to sorting, a group is being named when the facilitator moves on: that area stays
    # open under the writer, with what they typed, and the rest fold
    send_ops(server, board, [{"kind": "phase.set", "phase": "together"}])
    expect(phone.locator("section.area[data-folded]")).to_have_count(0)
    name = myths.get_by_label("Ny gruppe")
    name.fill("Det har vi altid gjort")
    send_ops(server, board, [across])
    expect(treasures).to_have_attribute("data-folded", "")
    expect(myths).not_to_have_attribute("data-folded", "")
    expect(name).to_be_visible()
    expect(name).to_be_focused()
    expect(name).to_have_value("Det har vi altid gjort")
    name.press("Enter")
    expect(myths.get_by_role("region", name="Gruppe: Det har vi altid gjort")).to_be_visible()
    expect(myths).not_to_have_attribute("data-folded", "")
