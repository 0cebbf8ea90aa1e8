"""Suggested groups and the draft summary in the facilitator's page (issue 19): suggest
for a category, see the suggestions as dashed frames on the canvas (on this page only),
merge two notes that say the same, rename a suggestion, move a note out, drop one, add the
groups; then, on a phone, the suggestions and the draft summary, edited and saved; the
record shows the groups and the summary."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    board_state,
    facilitator_page,
    phone_shot,
    send_as,
    state_once,
)
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser

NOTES = {
    "n1": "Hjemmeplejen har for lidt tid til hver borger",
    "n2": "Hjemmeplejen har alt for lidt tid hos hver borger",
    "n3": "Travlhed i hjemmeplejen: medarbejderne når det ikke",
    "n4": "Solceller på alle kommunale tage",
    "n5": "Solceller på skolernes tage",
    "n6": "Pårørende vil gerne give en hånd med",
}

PARADOXES = [
    {"kind": "note.add", "note": {"id": f"p{i}", "area": "paradoxes", "text": text}}
    for i, text in enumerate(
        ["Vi holder møder om at spare tid", "Møder om at spare tid tager tid", "Alle vil dele"]
    )
]


def framed(page: Page) -> dict[str, list[str]]:
    """Each note on the canvas with the names of the suggestion frames drawn around it."""
    return page.evaluate(
        """() => {
          const frames = [...document.querySelectorAll(".suggest-frame")].map((f) => [
            f.getBoundingClientRect(), f.querySelector(".suggest-frame-label").textContent]);
          const around = (r, n) => r.left <= n.left && r.right >= n.right
            && r.top <= n.top && r.bottom >= n.bottom;
          return Object.fromEntries([...document.querySelectorAll("#areas .note")].map((n) => [
            n.dataset.noteId,
            frames.filter(([r]) => around(r, n.getBoundingClientRect())).map(([, l]) => l)]));
        }"""
    )


def fits_the_screen(page: Page) -> bool:
    """Nothing wider than the screen: no sideways scroll, in the page or the open dialog."""
    return page.evaluate(
        """() => [document.documentElement, ...document.querySelectorAll("dialog[open]")]
          .every((e) => e.scrollWidth <= e.clientWidth + 1)"""
    )


def test_facilitator_adjusts_and_adds_suggested_groups_and_saves_the_summary(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {
        "title": "Netværksmøde 3",
        "method": "category-analysis",
        "language": "da",
        "categories": ["hidden-treasures", "paradoxes"],
    }
    board = api(server, "/api/boards", body)
    ops = [
        {"kind": "note.add", "note": {"id": k, "area": "hidden-treasures", "text": v}}
        for k, v in NOTES.items()
    ]
    ida = api(server, "/api/join", {"code": board["join_code"], "name": "Ida"})
    send_as(server, board["id"], board["facilitator_token"], ops[0], *ops[2:])
    send_as(server, board["id"], ida["token"], ops[1])  # Ida says the same as the facilitator
    send_as(server, board["id"], board["facilitator_token"], *PARADOXES)
    notes = len(NOTES) + len(PARADOXES)
    page = facilitator_page(browsing, board, lang="da-DK")
    expect(page.locator(".note")).to_have_count(notes)
    # the preview is the facilitator's alone: Ida and the projector see the board as it is
    others = [browsing.page(LAPTOP, lang="da-DK"), browsing.page(LAPTOP, lang="da-DK")]
    others[0].goto(f"{server.url}/b/{board['id']}#token={ida['token']}")
    others[1].goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    for other in others:
        expect(other.locator(".note").first).to_be_visible()

    # from "More", by keyboard: the suggestions for the category
    page.locator("[data-action=more]").click()
    page.get_by_role("button", name="Foreslå grupper").press("Enter")
    dialog = page.get_by_role("dialog", name="Foreslåede grupper")
    expect(dialog).to_be_visible()
    # the whole board: each category's notes grouped on their own
    dialog.get_by_label("Område").select_option(label="Alle områder")
    dialog.get_by_role("button", name="Foreslå", exact=True).click()
    expect(dialog.get_by_role("status").first).to_have_text("3 grupper foreslået.")
    expect(dialog.locator(".suggestion").filter(has_text="I Paradokser")).to_have_count(1)
    dialog.get_by_label("Område").select_option(label="Skjulte skatte")
    dialog.get_by_role("button", name="Foreslå", exact=True).click()
    suggestions = dialog.locator(".suggestion")
    expect(suggestions).to_have_count(2)
    expect(dialog.get_by_role("status").first).to_have_text("2 grupper foreslået.")
    care = suggestions.filter(has=page.get_by_label("Navn på gruppe 1"))
    expect(care).to_contain_text(NOTES["n3"])
    expect(care.get_by_label("Navn på gruppe 1")).to_have_value(re.compile("^Hjemmeplejen"))
    sun = suggestions.filter(has_text=NOTES["n4"]).get_by_label("Navn på gruppe 2")
    expect(sun).to_have_value(re.compile("^Solceller"))
    sun_name = sun.input_value()
    care_name = care.get_by_label("Navn på gruppe 1").input_value()
    expect(dialog.locator(".suggest-duplicates")).to_contain_text(NOTES["n1"])
    # beside the board, not over it: the canvas shows each suggestion framed round its notes
    expect(page.locator("#areas")).to_be_in_viewport()
    expect(page.locator(".suggest-frame-label").first).to_be_visible()
    care_frame, sun_frame = f"Foreslået: {care_name}", f"Foreslået: {sun_name}"
    assert framed(page) == {
        **{n: [care_frame] for n in ("n1", "n2", "n3")},
        **{n: [sun_frame] for n in ("n4", "n5")},
        **{n: [] for n in ("n6", "p0", "p1", "p2")},
    }
    assert_accessible(page, "the suggested groups, framed on the canvas")
    phone_shot(page, "suggest-groups-preview")  # the screen as it is, panel beside the board
    page.emulate_media(color_scheme="dark")
    assert_accessible(page, "the suggested groups, dark")
    phone_shot(page, "suggest-groups-preview-dark")
    page.emulate_media(color_scheme="light")
    for other in others:
        expect(other.locator(".suggest-frame, .suggest-preview")).to_have_count(0)
    assert board_state(server, board)["groups"] == {}  # nothing is sent before "Add"

    # Escape puts the suggestions away, frames and all; "More" has the focus again
    dialog.get_by_label("Navn på gruppe 1").press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator(".suggest-frame")).to_have_count(0)
    expect(page.locator("[data-action=more]")).to_be_focused()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Foreslå grupper").press("Enter")
    expect(dialog.get_by_label("Område")).to_be_focused()
    expect(dialog.get_by_label("Område")).to_have_value("hidden-treasures")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".suggest-frame-label").filter(has_text=sun_frame)).not_to_have_count(0)

    # the two that say the same become one note, which keeps both authors
    duplicates = dialog.locator(".suggest-duplicate").filter(has_text=NOTES["n2"])
    duplicates.get_by_role("button", name="Flet til én note").click()
    expect(dialog.get_by_role("status").first).to_have_text(
        "Flettet til én note, som beholder alle forfattere og alle stemmer."
    )
    merged = state_once(server, board, lambda s: "n2" not in s["notes"])
    assert merged["notes"]["n1"]["authors"] == [ida["participant_id"]]
    expect(page.locator(".note")).to_have_count(notes - 1)
    expect(care.locator(".suggestion-notes li")).to_have_count(2)  # n1 and n3

    # rename one, leave a note out of it (a select: the keyboard's way), drop the other: the
    # frames follow each change at once; then add the group
    care.get_by_label("Navn på gruppe 1").fill("Tid i hjemmeplejen")
    expect(page.locator(".suggest-frame-label").first).to_have_text("Foreslået: Tid i hjemmeplejen")
    # "Suggest groups" again while the panel is open goes back to it, with the changes kept
    page.locator("[data-action=more]").click()
    page.get_by_role("button", name="Foreslå grupper").click()
    expect(dialog.get_by_label("Område")).to_be_focused()
    expect(care.get_by_label("Navn på gruppe 1")).to_have_value("Tid i hjemmeplejen")
    care.get_by_label(f"Flyt »{NOTES['n3']}« til").select_option(label="Udelad den")
    expect(care.locator(".suggestion-notes li")).to_have_count(1)
    dialog.get_by_role("button", name="Fjern dette forslag").nth(1).click()
    expect(suggestions).to_have_count(1)
    expect(page.locator(".suggest-frame")).to_have_count(1)
    assert [n for n, names in framed(page).items() if names] == ["n1"]
    assert framed(page)["n1"] == ["Foreslået: Tid i hjemmeplejen"]
    dialog.get_by_role("button", name="Føj 1 gruppe til tavlen").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".suggest-frame")).to_have_count(0)
    state = state_once(server, board, lambda s: len(s["groups"]) == 1 and s["notes"]["n1"]["group"])
    assert [g["name"] for g in state["groups"].values()] == ["Tid i hjemmeplejen"]
    assert [n for n, note in state["notes"].items() if note["group"]] == ["n1"]
    expect(page.get_by_role("heading", name="Tid i hjemmeplejen")).to_be_visible()

    # on a phone: the suggestions take the whole screen, nothing sideways, "Add" in reach
    page.set_viewport_size(PHONE)
    page.locator("[data-action=more]").click()
    page.get_by_role("button", name="Foreslå grupper").click()
    dialog.get_by_label("Område").select_option(label="Alle områder")
    dialog.get_by_role("button", name="Foreslå", exact=True).click()
    expect(suggestions.first).to_be_visible()
    expect(page.locator(".suggest-frame")).to_have_count(0)  # the phone has no canvas
    expect(dialog.locator("#suggest-accept")).to_be_in_viewport()
    assert fits_the_screen(page)
    assert_accessible(page, "the suggested groups on a phone")
    phone_shot(page, "suggest-groups-phone")
    dialog.get_by_role("button", name="Luk").click()
    expect(dialog).to_be_hidden()

    # the draft summary, edited and saved; "More" is a sheet from the bottom of the phone's
    # screen, whole wherever its button is
    page.locator("[data-action=more]").click()
    expect(page.get_by_role("button", name="Udkast til opsamling")).to_be_in_viewport(ratio=1)
    phone_shot(page, "suggest-more-phone")
    page.get_by_role("button", name="Udkast til opsamling").click()
    summary = page.get_by_role("dialog", name="Opsamling til referatet")
    text = summary.get_by_label("Opsamling", exact=True)
    expect(text).to_have_value(re.compile("Gruppen »Tid i hjemmeplejen«: 1 note"))
    expect(summary.get_by_role("button", name="Gem opsamlingen")).to_be_visible()
    assert fits_the_screen(page)
    assert_accessible(page, "the draft summary on a phone")
    assert_all_in(page, "da")
    phone_shot(page, "suggest-summary-phone")
    text.fill("Tid og hænder var det store tema.\n" + text.input_value())
    summary.get_by_role("button", name="Gem opsamlingen").click()
    expect(summary).to_be_hidden()
    state_once(server, board, lambda s: s["summary"].startswith("Tid og hænder"))

    request = urllib.request.Request(
        f"{server.url}/api/boards/{board['id']}/export?format=md",
        headers={"Authorization": f"Bearer {board['facilitator_token']}"},
    )
    with urllib.request.urlopen(request, timeout=timeout(30)) as response:
        record = response.read().decode()
    assert "## Opsamling\n\n- Tid og hænder var det store tema\\." in record
    assert "#### Tid i hjemmeplejen\n\n- " + NOTES["n1"] in record
