"""The facilitator's toolbar in Chromium: one calm row on a laptop, a phase stepper run from
the keyboard (next, undo an accidental advance, the timer starting with the phase), the
method's areas in focus, and board settings and records in dialogs that give the focus back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Browsing, api, assert_accessible, screenshot, synced
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1440, "height": 900}


def tab_to(page: Page, selector: str, back: bool = False) -> None:
    for _ in range(60):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def assert_one_short_row(page: Page) -> None:
    """Every tool on one row, within the page's width, in under 15% of the first screen."""
    tops, overflow = page.evaluate(
        """() => [[...document.querySelectorAll('#controls .toolbar-row button')]
              .filter(b => b.offsetParent !== null)
              .map(b => { const r = b.getBoundingClientRect(); return r.top + r.height / 2; }),
              document.documentElement.scrollWidth - document.documentElement.clientWidth]"""
    )
    assert len(tops) >= 8 and max(tops) - min(tops) < 4, f"buttons on more than one row: {tops}"
    assert overflow == 0, f"the page scrolls sideways by {overflow} px"
    box = page.locator("#controls").bounding_box()
    assert box and box["height"] < 0.15 * LAPTOP["height"], box


def test_the_facilitator_runs_the_phases_from_a_one_row_toolbar(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {
        "title": "Analysis",
        "method": "category-analysis",
        "language": "en",
        "categories": ["paradoxes", "values"],
    }
    board = api(server, "/api/boards", body)
    page = browsing.page(LAPTOP, lang="en-GB")
    page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    toolbar = page.locator("#controls")
    expect(toolbar).to_be_visible()
    steps = toolbar.locator(".step")
    expect(steps).to_have_count(5)
    expect(toolbar.locator(".step--next")).to_contain_text("Silently, on your own")
    # calm: the reveal while private writing has something to reveal, the voting in the row
    # only where votes are cast (before the plan, as in its first phase)
    row = toolbar.locator(".toolbar-row")
    reveal = row.get_by_role("button", name="Reveal notes")
    expect(reveal).to_be_hidden()
    expect(row.get_by_role("button", name="Open voting")).to_have_count(0)

    assert_one_short_row(page)
    assert_accessible(page, "facilitator toolbar")
    screenshot(page, "toolbar-facilitator-1440")

    # by keyboard: the first phase starts, and its timer with it
    next_phase = page.locator("[data-action=next-phase]")
    tab_to(page, "[data-action=next-phase]")
    page.keyboard.press("Enter")
    expect(page.locator("#phase-title")).to_have_text("Silently, on your own")
    expect(page.locator("#timer")).to_have_attribute("data-state", "running")
    expect(toolbar.locator("[aria-current=step]")).to_contain_text("Silently, on your own")
    expect(next_phase).to_be_focused()
    expect(reveal).to_be_visible()
    expect(row.get_by_role("button", name="Open voting")).to_have_count(0)

    # pause it and give it five minutes more: 17:00 left, standing still
    tab_to(page, "[data-action=timer-toggle]")
    page.keyboard.press("Enter")
    expect(page.locator("#timer")).to_have_attribute("data-state", "paused")
    tab_to(page, "[data-action=timer-plus-5]")
    page.keyboard.press("Enter")
    expect(page.locator("#timer")).to_have_text("17:00 (paused)")

    # an accidental advance ...
    tab_to(page, "[data-action=next-phase]", back=True)
    page.keyboard.press("Enter")
    expect(page.locator("#phase-title")).to_have_text("Together")
    expect(page.locator("#timer")).to_have_attribute("data-state", "running")
    expect(toolbar.locator(".step--done")).to_have_count(1)
    previous = page.locator("[data-action=previous-phase]")
    expect(previous).to_have_text("Undo")
    expect(previous).to_have_accessible_name("Undo: back to Silently, on your own")
    expect(reveal).to_be_hidden()  # nobody wrote in private: nothing to reveal
    screenshot(page, "toolbar-second-phase-1440")
    # ... undone: the first phase again, with its time left and paused as it was
    tab_to(page, "[data-action=previous-phase]", back=True)
    page.keyboard.press("Enter")
    expect(page.locator("#phase-title")).to_have_text("Silently, on your own")
    expect(page.locator("#timer")).to_have_text("17:00 (paused)")
    expect(previous).to_be_disabled()
    expect(next_phase).to_be_focused()  # the focus is handed on, never dropped

    # a phase taken from the "More" menu brings the method's area into focus; its vote too
    page.get_by_role("button", name="More").click()
    expect(page.locator("#control-more")).to_be_visible()
    assert_accessible(page, "the More menu")
    screenshot(page, "toolbar-more-menu-1440")
    # the lock is a board setting: in the settings dialog, not here as well
    more = page.locator("#control-more")
    expect(more.get_by_role("button", name="Lock the board")).to_have_count(0)
    page.locator("#control-phase").select_option(label="Prioritise")
    page.get_by_role("button", name="Start this phase").click()
    expect(page.locator("#phase-prompt")).to_contain_text("Now: Priorities")
    page.keyboard.press("Escape")
    expect(page.locator("#control-more")).to_be_hidden()
    row.get_by_role("button", name="Open voting").click()
    expect(row.get_by_role("button", name="Close voting and show results")).to_be_visible()
    assert_one_short_row(page)  # the longest labels of the day still fit
    synced(page)
    live = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])
    assert live["state"]["voting"]["area"] == "priorities"

    # board settings in a dialog; Escape gives the focus back to the button
    settings = page.locator("[data-action=board-settings]")
    settings.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#settings-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#privacy")).to_be_visible()
    expect(dialog.locator("#delete-board")).to_be_visible()
    assert_accessible(page, "board settings dialog")
    screenshot(page, "toolbar-settings-dialog-1440")
    lock = dialog.get_by_role("button", name="Lock the board")
    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "true")
    expect(lock).to_have_text("Unlock the board")
    synced(page)
    live = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])
    assert live["state"]["locked"] is True
    lock.click()
    expect(lock).to_have_attribute("aria-pressed", "false")
    dialog.get_by_label("Start the timer when a phase starts").uncheck()  # for the next one
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(settings).to_be_focused()

    # the records in a dialog too
    records = page.locator("[data-action=records]")
    records.click()
    expect(page.locator("#records-dialog #record-list")).to_be_visible()
    assert_accessible(page, "records dialog")
    screenshot(page, "toolbar-records-dialog-1440")
    page.get_by_role("dialog").get_by_role("button", name="Close", exact=True).click()
    expect(records).to_be_focused()

    # with the setting off, the next phase waits for the facilitator to start its timer
    next_phase.click()
    expect(page.locator("#phase-title")).to_have_text("Put the learning into play")
    expect(page.locator("#timer")).to_have_text("20:00 (paused)")
    expect(next_phase).to_be_disabled()  # the last phase
