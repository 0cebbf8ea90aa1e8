"""Suggested groups and the draft summary in the facilitator's page (issue 19): suggest
for a category, merge two notes that say the same, rename a suggestion, move a note out,
add the groups; then draft the summary, edit it and save it; the record shows the groups
and the summary."""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    facilitator_page,
    screenshot,
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
    expect(dialog.locator(".suggest-duplicates")).to_contain_text(NOTES["n1"])
    assert_accessible(page, "the suggested groups")
    screenshot(page, "suggest-groups-preview")
    page.emulate_media(color_scheme="dark")
    assert_accessible(page, "the suggested groups, dark")
    screenshot(page, "suggest-groups-preview-dark")
    page.emulate_media(color_scheme="light")

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

    # rename one, leave a note out of it (a select: the keyboard's way), add the groups
    care.get_by_label("Navn på gruppe 1").fill("Tid i hjemmeplejen")
    care.get_by_label(f"Flyt »{NOTES['n3']}« til").select_option(label="Udelad den")
    expect(care.locator(".suggestion-notes li")).to_have_count(1)
    dialog.get_by_role("button", name="Føj de 2 grupper til tavlen").click()
    expect(dialog).to_be_hidden()
    state = state_once(server, board, lambda s: len(s["groups"]) == 2 and s["notes"]["n5"]["group"])
    names = {g["name"] for g in state["groups"].values()}
    assert names == {"Tid i hjemmeplejen", sun_name}
    care_group = next(g for g in state["groups"] if state["groups"][g]["name"] != sun_name)
    assert [n for n, note in state["notes"].items() if note["group"] == care_group] == ["n1"]
    assert state["notes"]["n3"]["group"] is None
    expect(page.get_by_role("heading", name="Tid i hjemmeplejen")).to_be_visible()

    # the draft summary, edited and saved
    page.locator("[data-action=more]").click()
    page.get_by_role("button", name="Udkast til opsamling").click()
    summary = page.get_by_role("dialog", name="Opsamling til referatet")
    text = summary.get_by_label("Opsamling", exact=True)
    expect(text).to_have_value(re.compile("Gruppen »Tid i hjemmeplejen«: 1 note"))
    assert_accessible(page, "the draft summary")
    assert_all_in(page, "da")
    screenshot(page, "suggest-summary-draft")
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
