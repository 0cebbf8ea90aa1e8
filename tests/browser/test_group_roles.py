"""Small groups with a discussion leader and a note taker: the facilitator chooses them in
the toolbar's "More" while the groups work, the members are told on their phones, and a
record that names people says who led and who wrote."""

from __future__ import annotations

import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    Browsing,
    api,
    assert_accessible,
    facilitator_page,
    join,
    phone_shot,
)
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser


def test_groups_get_a_discussion_leader_and_a_note_taker(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Bollplanket", "method": "sounding-board", "language": "sv"}
    board = api(server, "/api/boards", body)
    phones = {}
    for name in ("Åsa", "Bo"):
        phones[name] = browsing.page(PHONE, lang="sv-SE")
        join(phones[name], server, board["join_code"], name)
    page = facilitator_page(browsing, board, lang="sv-SE")
    expect(page.locator("#controls")).to_be_visible()

    # the topic is the facilitator's to describe; the phones read it, and cannot change it;
    # until it is written they are shown no heading over a blank
    topic = phones["Åsa"].locator("#worksheet")
    # (the survey is drawn from the same state as the worksheet)
    expect(phones["Åsa"].get_by_role("button", name="Svara på enkäten")).to_be_visible()
    expect(topic).to_be_hidden()
    page.get_by_label("Beskrivning av ämnet").fill("Fler volontärer i äldreomsorgen")
    expect(topic.locator("[data-field=topic]")).to_have_text("Fler volontärer i äldreomsorgen")
    expect(topic.get_by_role("heading", name="Inför mötet")).to_be_visible()
    expect(topic.locator("textarea")).to_have_count(0)

    # two groups (one member each), then the first group's roles from "More"
    page.locator("[data-action=more]").click()
    page.get_by_label("Antal grupper").fill("2")
    page.get_by_role("button", name="Dela in i grupper").click()
    roles = page.locator(".group-roles")
    expect(roles.locator("fieldset")).to_have_count(2)
    first = roles.locator("fieldset").first
    members = first.get_by_label("Leder samtalet").locator("option").all_inner_texts()
    leader = next(m for m in members if m in ("Åsa", "Bo"))
    other = "Bo" if leader == "Åsa" else "Åsa"
    first.get_by_label("Leder samtalet").select_option(label=leader)
    first.get_by_label("Skriver lapparna").select_option(label=leader)
    assert_accessible(page, "the groups' roles in More")

    expect(phones[leader].locator("#my-group")).to_contain_text("Du leder gruppens samtal.")
    expect(phones[leader].locator("#my-group")).to_contain_text("Du skriver er grupps lappar.")
    phone_shot(phones[leader], "phone-breakout-leader")
    # the other one is in the second group, which has no roles yet
    expect(phones[other].locator("#my-group")).not_to_contain_text("leder")

    # the record, with names, says who led and who wrote
    deadline = time.monotonic() + timeout(10)
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"{server.url}/api/boards/{board['id']}/export?format=md&authors=named",
            headers={"Authorization": f"Bearer {board['facilitator_token']}"},
        )
        with urllib.request.urlopen(request, timeout=timeout(30)) as response:
            record = response.read().decode()
        if "Samtalet leddes av" in record:
            break
        time.sleep(0.2)
    assert (
        f"Samtalet leddes av {leader}\\." in record and f"Lapparna skrevs av {leader}\\." in record
    )
