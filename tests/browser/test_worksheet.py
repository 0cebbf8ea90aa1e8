"""The method's worksheet in the page: fields, tables (fixed and added rows) and the scoring
grid, filled in live by several people, shown on the projector and read back in the record."""

from __future__ import annotations

import io
import re

import docx
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LAPTOP,
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    facilitator_page,
    join,
    screenshot,
    send_as,
    state_once,
)
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser


def test_two_people_fill_in_a_theme_unfolding_and_the_projector_shows_it(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Udfoldning af temaet", "method": "theme-unfolding", "language": "da"}
    board = api(server, "/api/boards", body)
    facilitator = facilitator_page(browsing, board, lang="da-DK")
    participant = browsing.page(LAPTOP, lang="da-DK")
    join(participant, server, board["join_code"], "Ida")
    sheet = facilitator.get_by_role("region", name="Udfyld sammen")
    expect(sheet).to_be_visible()
    # the method starts on notes, so the worksheet is folded to its heading; each opens it
    for page in (facilitator, participant):
        page.get_by_role("button", name="Udfyld sammen").click()
    expect(sheet.get_by_role("textbox")).to_have_count(8)

    # Ida is half-way through one field while the facilitator writes another
    why = participant.get_by_label("Hvorfor er temaet interessant?")
    why.press_sequentially("Fordi de frivillige")
    theme = facilitator.get_by_label("Tema", exact=True)
    theme.fill("Flere frivillige i ældreplejen")
    theme.press("Tab")  # leaving the field sends it at once
    expect(participant.get_by_label("Tema", exact=True)).to_have_value(
        "Flere frivillige i ældreplejen"
    )
    expect(why).to_be_focused()
    why.press_sequentially(" bliver, når de bliver spurgt")
    expect(why).to_have_value("Fordi de frivillige bliver, når de bliver spurgt")
    state = state_once(server, board, lambda s: s["fields"]["why"].endswith("spurgt"))
    assert state["fields"]["theme"] == "Flere frivillige i ældreplejen"
    expect(facilitator.get_by_label("Hvorfor er temaet interessant?")).to_have_value(
        "Fordi de frivillige bliver, når de bliver spurgt"
    )
    assert_all_in(participant, "da")
    assert_accessible(participant, "a theme unfolding's worksheet")
    screenshot(participant, "worksheet-theme-unfolding")

    # in the capture phase the projector shows the worksheet instead of the areas, and fits
    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    send_as(
        server, board["id"], board["facilitator_token"], {"kind": "phase.set", "phase": "capture"}
    )
    shown = projector.get_by_role("region", name="Udfyld sammen")
    expect(shown).to_contain_text("Flere frivillige i ældreplejen")
    expect(projector.locator("#areas")).to_be_hidden()
    fits = projector.evaluate(
        """() => ({ fits: document.documentElement.scrollHeight <= innerHeight,
                   smallest: Math.min(...[...document.querySelectorAll('.worksheet-text')]
                     .map(e => parseFloat(getComputedStyle(e).fontSize))) })"""
    )
    assert fits["fits"] and fits["smallest"] >= 20, fits
    screenshot(projector, "worksheet-projector-capture")

    # and the record holds what was written
    path = f"/api/boards/{board['id']}/export?format=docx"
    document = docx.Document(io.BytesIO(fetch(server, path, board["facilitator_token"])))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Flere frivillige i ældreplejen" in text
    assert "Fordi de frivillige bliver, når de bliver spurgt" in text


def test_the_worksheet_folds_while_the_method_is_on_its_notes(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Processplan", "method": "process-plan", "language": "sv"}
    board = api(server, "/api/boards", body)
    laptop = facilitator_page(browsing, board, lang="sv-SE")
    phone = browsing.page(PHONE, lang="sv-SE")
    join(phone, server, board["join_code"], "Åsa")
    pages = (laptop, phone)

    # the plan starts with ideas: on every page the worksheet is one line and the board
    # is on the first screen, where the tables used to push it below it
    for page in pages:
        expect(page.get_by_role("button", name="Fyll i tillsammans")).to_have_attribute(
            "aria-expanded", "false"
        )
        expect(page.get_by_role("textbox", name="Möte 1, Undertema")).to_have_count(0)
    expect(laptop.locator("section.area").first).to_be_in_viewport(ratio=0.9)
    summary = laptop.locator(".worksheet-summary")
    expect(summary).to_have_text("0 celler ifyllda")
    assert_accessible(laptop, "a folded worksheet")
    screenshot(laptop, "worksheet-folded-laptop")
    screenshot(phone, "worksheet-folded-phone")

    # what others write shows on the folded line; one's own choice holds for this phase
    cell = {"kind": "cell.set", "table": "meetings", "row": "meeting-1", "column": "sub-theme"}
    send_as(server, board["id"], board["facilitator_token"], {**cell, "text": "Unga"})
    expect(summary).to_have_text("1 cell ifylld")
    toggle = laptop.get_by_role("button", name="Fyll i tillsammans")
    expect(toggle).to_have_accessible_description("1 cell ifylld")  # heard with the button
    laptop.locator("#board-title").click()
    laptop.keyboard.press("w")  # the single key that goes to the worksheet
    expect(toggle).to_be_focused()
    laptop.keyboard.press("Enter")
    expect(laptop.get_by_label("Möte 1, Undertema")).to_have_value("Unga")
    expect(summary).to_be_hidden()
    send_as(server, board["id"], board["facilitator_token"], {**cell, "text": "Unga vuxna"})
    expect(laptop.get_by_label("Möte 1, Undertema")).to_have_value("Unga vuxna")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # the planning phase opens it for everyone, and going back folds it again, except
    # under someone in the middle of writing in it
    send_as(server, board["id"], board["facilitator_token"], {"kind": "phase.set", "phase": "plan"})
    for page in pages:
        expect(page.get_by_label("Möte 1, Undertema")).to_have_value("Unga vuxna")
    date = phone.get_by_label("Möte 1, Datum")
    date.press_sequentially("12 mars")
    send_as(
        server, board["id"], board["facilitator_token"], {"kind": "phase.set", "phase": "ideas"}
    )
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(date).to_be_visible()
    expect(date).to_be_focused()
    expect(date).to_have_value("12 mars")
    date.press("Tab")  # leaving the field sends it
    state_once(
        server, board, lambda s: s["tables"]["meetings"]["cells"].get("meeting-1/date") == "12 mars"
    )
    # and it stays open for her for the rest of the phase, as if she had opened it
    send_as(server, board["id"], board["facilitator_token"], {**cell, "text": "Unga i skolan"})
    expect(phone.get_by_label("Möte 1, Undertema")).to_have_value("Unga i skolan")
    assert_all_in(phone, "sv")


def fetch(server: RunningServer, path: str, token: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(
        server.url + path, headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=timeout(30)) as response:
        return bytes(response.read())


def test_tables_and_the_scoring_grid_are_filled_in_by_keyboard(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Procesplan", "method": "process-plan", "language": "da"}
    board = api(server, "/api/boards", body)
    page = facilitator_page(browsing, board, lang="da-DK")
    # the plan starts with ideas on the board: the tables are opened by keyboard
    page.get_by_role("button", name="Udfyld sammen").press("Enter")

    # a fixed row: its cells are named by row and column
    cell = page.get_by_label("1. møde, Undertema")
    cell.fill("Frivillighed i nattevagten")
    cell.press("Tab")
    # rows added on the board: the new row's first cell takes the focus
    page.get_by_role("button", name="Tilføj en række").click()
    expect(page.get_by_label("Række 1, Deltager")).to_be_focused()
    page.keyboard.type("Ida")
    expect(page.get_by_label("Række 1, Deltager")).to_have_value("Ida")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    state = state_once(server, board, lambda s: len(s["tables"]["contributions"]["cells"]) == 2)
    row = state["tables"]["contributions"]["rows"][0]
    assert state["tables"]["contributions"]["cells"] == {
        f"{row}/participant": "Ida",
        f"{row}/meeting": "3",
    }
    assert state["tables"]["meetings"]["cells"]["meeting-1/sub-theme"] == (
        "Frivillighed i nattevagten"
    )
    assert_accessible(page, "a process plan's tables")
    screenshot(page, "worksheet-process-plan")
    page.get_by_role("button", name="Slet række 1").click()
    state_once(server, board, lambda s: s["tables"]["contributions"]["rows"] == [])

    # critical friend: scores by keyboard, sealed while the round runs, then the average
    body = {"title": "Kritisk ven", "method": "critical-friend", "language": "da"}
    friend = api(server, "/api/boards", body)
    ole = api(server, "/api/join", {"code": friend["join_code"], "name": "Ole"})
    send_as(
        server,
        friend["id"],
        friend["facilitator_token"],
        {"kind": "phase.set", "phase": "feedback"},
    )
    page = facilitator_page(browsing, friend, lang="da-DK")
    # the facilitator's own criteria and scale for this round, before anyone scores
    page.get_by_text("Skift kriterierne").click()
    expect(page.get_by_label("Kriterier, ét pr. linje")).to_have_value(re.compile("^Relevans for"))
    page.get_by_label("Kriterier, ét pr. linje").fill("Relevans\nKlarhed\n\nMod til at prøve")
    page.get_by_label("Højeste point").fill("11")
    page.get_by_role("button", name="Brug disse kriterier").click()
    expect(page.get_by_role("alert").filter(has_text="højst 10")).to_be_visible()
    page.get_by_label("Højeste point").fill("4")
    page.get_by_role("button", name="Brug disse kriterier").click()
    expect(page.get_by_role("group", name="Mod til at prøve")).to_be_visible()
    expect(page.locator(".worksheet-criterion")).to_have_count(3)
    grid = page.get_by_role("group", name="Klarhed")
    expect(grid.get_by_role("radio")).to_have_count(4)
    expect(page.get_by_text("De andre ser ikke dine point, før runden er slut.")).to_be_visible()
    grid.get_by_role("radio", name="3").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # a radio group: the arrow moves the choice to 4
    expect(grid.get_by_role("radio", name="4")).to_be_checked()
    send_as(
        server,
        friend["id"],
        ole["token"],
        {"kind": "score.set", "criterion": "c2", "score": 3},
    )
    expect(page.get_by_text("Skift kriterierne")).to_be_hidden()  # scored: the criteria stay
    send_as(
        server,
        friend["id"],
        friend["facilitator_token"],
        {"kind": "phase.set", "phase": "dialogue"},
    )
    expect(grid).to_contain_text("Gennemsnit 3,5 (2 har givet point)")
    assert_accessible(page, "a critical friend's scores")
    screenshot(page, "worksheet-critical-friend")
