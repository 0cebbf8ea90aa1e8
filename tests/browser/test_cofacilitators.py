"""Co-facilitators and a scribe in a real browser: a co-facilitator joins by an invite link
and takes over the timer and phases (the first facilitator's Next is refused and the page
says who runs them); a participant made scribe posts for two people without a device from a
phone; the record names them with who typed, and who ran the meeting."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    board_state,
    facilitator_page,
    join,
    phone_shot,
    post_note,
    screenshot,
    state_once,
)
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser


def _record(server: RunningServer, board: dict[str, str]) -> str:
    url = f"{server.url}/api/boards/{board['id']}/export?format=md&authors=named"
    headers = {"Authorization": f"Bearer {board['facilitator_token']}"}
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout(10)) as response:
        return response.read().decode().replace("\\", "")  # Markdown's escapes aside


def test_a_co_facilitator_takes_over_and_a_scribe_writes_for_two_people(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Kategorianalyse", "method": "category-analysis", "language": "da"}
    board = api(server, "/api/boards", body)
    ida = facilitator_page(browsing, board, lang="da-DK")
    people = ida.locator("#people")

    # Ida invites a co-facilitator; Ole opens the link in his own browser and gives his name
    people.get_by_role("button", name="Invitér en medfacilitator").click()
    link = people.locator("#invite-link")
    expect(link).to_be_visible()
    invite = link.input_value()
    ole = browsing.page(LAPTOP, lang="da-DK")
    ole.goto(invite)
    ole.locator("#invite-name").fill("Ole")
    assert "invite=" not in ole.url  # the secret left the address bar at once
    ole.get_by_role("button", name="Deltag som medfacilitator").click()
    expect(ole.locator("#status")).to_have_attribute("data-state", "online")
    expect(ole.locator("[data-action=next-phase]")).to_be_visible()

    # two facilitators: Ole takes over the timer and phases
    lead = ida.locator("#lead")
    expect(lead).to_contain_text("Alle facilitatorer kan styre tiden og faserne.")
    ole.get_by_role("button", name="Overtag tiden og faserne").click()
    expect(ole.locator("#lead")).to_contain_text("Du styrer tiden og faserne.")
    expect(lead).to_contain_text("Ole styrer tiden og faserne.")
    # Ida's phase and timer buttons say who runs them now (to a screen reader too)
    expect(ida.locator("[data-action=next-phase]")).to_have_attribute(
        "aria-describedby", "lead-text"
    )
    phase_before = board_state(server, board)["phase"]
    ida.locator("[data-action=next-phase]").click()
    expect(ida.locator("#alert")).to_contain_text("Ole styrer tiden og faserne")
    assert board_state(server, board)["phase"] == phase_before
    assert_accessible(ida, "the facilitator's page while a co-facilitator leads")
    screenshot(ida, "cofacilitator-take-over")
    ole.locator("[data-action=next-phase]").click()
    expect(ida.locator("#phase-title")).not_to_have_text("")

    # Mette joins on her phone; Ida makes her a scribe from the People panel
    mette = browsing.page(PHONE, lang="da-DK")
    join(mette, server, board["join_code"], "Mette")
    people.locator("#people-toggle").click()  # everyone who joined, with what each may do
    people.get_by_role("button", name="Gør Mette til skrivehjælper").click()
    # the focus stays on Mette's scribe button, now to stop her being one (by keyboard too)
    expect(people.get_by_role("button", name="Mette stopper som skrivehjælper")).to_be_focused()
    expect(people.locator("[data-participant]").filter(has_text="Mette")).to_contain_text(
        "skrivehjælper"
    )
    assert_all_in(ida, "da")
    assert_accessible(ida, "the People panel")
    screenshot(ida, "cofacilitator-people-panel")
    mette.locator("#write-note").click()
    expect(mette.locator("#note-for")).to_be_visible()
    mette.locator("#note-for-name").fill("Ahmed")
    post_note(mette, "More volunteers at the library")
    mette.locator("#note-for-name").fill("Gurli")
    post_note(mette, "A bus to the day centre")
    mette.get_by_role("button", name="Skriv for Ahmed").click()  # back to Ahmed in one tap
    expect(mette.locator("#note-for-name")).to_have_value("Ahmed")
    assert_all_in(mette, "da")
    assert_accessible(mette, "the scribe's composer")
    phone_shot(mette, "scribe-composer-phone")
    post_note(mette, "Coffee after the meeting")
    # written in silence (Ole's Next began private writing): Ida reveals the notes
    state_once(server, board, lambda state: len(state["notes"]) == 3)  # all three arrived
    ida.locator("[data-action=reveal]").click()
    notes = ida.locator(".note")
    expect(notes.filter(has_text="A bus to the day centre")).to_contain_text("af Gurli")
    expect(notes.filter(has_text="Coffee after the meeting")).to_contain_text("af Ahmed")

    # Ida makes Mette a co-facilitator: her phone turns into a facilitator's page
    people.get_by_role("button", name="Gør Mette til medfacilitator").click()
    expect(mette.locator("[data-action=next-phase]")).to_be_attached()

    record = _record(server, board)
    assert "Ahmed (skrevet af Mette)" in record and "Gurli (skrevet af Mette)" in record
    assert "Ole: Overtog tiden og faserne" in record
    assert "Gjorde Mette til medfacilitator" in record
