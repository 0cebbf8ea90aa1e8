"""A live poll and a hidden word cloud in the page: the facilitator opens each in a dialog,
a participant answers on a phone and changes the answer, others answer through the API,
the projector draws bars with counts and shares, then "n answers" while the cloud is hidden
and the cloud once closed (Danish stems: "frivillig" and "frivillige" count together), and
the record holds both polls."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    assert_thumb_sized,
    facilitator_page,
    join,
    phone_shot,
    screenshot,
    send_as,
    settle,
)
from tests.browser.test_worksheet import fetch
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

QUESTION = "Hvad skal vi tale om først?"
CLOUD = "Ét ord om dagen"


def _fits(page: object) -> None:
    fits = page.evaluate("() => document.documentElement.scrollHeight <= innerHeight")  # type: ignore[attr-defined]
    assert fits, "the projector scrolls"


def test_a_poll_and_a_word_cloud_are_answered_on_phones_and_shown_on_the_projector(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Netværksmøde", "method": "category-analysis", "language": "da"}
    board = api(server, "/api/boards", body)
    others = [api(server, "/api/join", {"code": board["join_code"], "name": n}) for n in "AB"]
    phone = browsing.page(PHONE, lang="da-DK")
    join(phone, server, board["join_code"], "Ahmed")
    page = facilitator_page(browsing, board, lang="da-DK")
    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")

    # the facilitator opens a single-choice poll with live results
    page.locator("[data-action=more]").click()
    page.locator("[data-action=poll]").click()
    dialog = page.get_by_role("dialog", name="Ny rundspørge")
    dialog.get_by_label("Spørgsmål").fill(QUESTION)
    dialog.get_by_label("Svarmuligheder, én pr. linje").fill("Tid\nPenge\nFrivillige")
    assert_accessible(page, "the poll dialog")
    screenshot(page, "polls-dialog-da")
    dialog.get_by_role("button", name="Åbn rundspørgen").click()
    expect(dialog).to_be_hidden()

    # Ahmed answers on his phone, then changes his mind, by keyboard
    panel = phone.locator("#poll")
    expect(panel.locator(".poll-question")).to_have_text(QUESTION)
    panel.get_by_label("Frivillige").check()
    panel.get_by_role("button", name="Send mit svar").click()
    expect(panel.locator(".poll-said")).to_have_text(
        "Svaret er sendt. Du kan rette det, indtil rundspørgen lukker."
    )
    panel.get_by_label("Tid").focus()
    phone.keyboard.press("Space")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Enter")  # on "Ret mit svar"
    expect(panel.locator(".poll-said")).to_contain_text("Svaret er sendt")
    for person, choice in zip(others, (0, 2), strict=True):
        answer = {"kind": "poll.answer", "poll_id": _open_poll(server, board), "choices": [choice]}
        send_as(server, board["id"], person["token"], answer)
    assert_accessible(phone, "a poll answered on a phone")
    assert_all_in(phone, "da")
    phone_shot(phone, "polls-phone-da")

    # the projector draws the live totals as bars, with counts and shares of those answering
    bars = projector.locator("#poll .survey-bars li")
    expect(bars).to_have_text(["Tid2 svar (67 %)", "Penge0 svar (0 %)", "Frivillige1 svar (33 %)"])
    expect(projector.locator("#areas")).to_be_hidden()
    _fits(projector)
    assert_accessible(projector, "a live poll on the projector")
    screenshot(projector, "polls-projector-bars-da")
    expect(page.locator("#poll .survey-bars li").first).to_have_text("Tid2 svar (67 %)")
    assert_accessible(page, "the facilitator's live poll")
    screenshot(page, "polls-facilitator-da")
    page.locator("#poll [data-action=poll-close]").click()
    expect(phone.locator("#poll form")).to_be_hidden()
    expect(phone.locator("#poll .survey-bars li").first).to_have_text("Tid2 svar (67 %)")

    # a word cloud whose answers stay hidden until it closes
    page.locator("[data-action=more]").click()
    page.locator("[data-action=poll]").click()
    dialog.get_by_label("Spørgsmål").fill(CLOUD)
    dialog.get_by_label("Svartype").select_option(label="Korte svar til en ordsky")
    expect(dialog.get_by_label("Svarmuligheder, én pr. linje")).to_be_hidden()
    dialog.get_by_label("Skjul svarene, indtil jeg lukker rundspørgen").check()
    dialog.get_by_label("Spørgsmål").press("Enter")
    expect(panel.locator(".poll-question")).to_have_text(CLOUD)
    assert_thumb_sized(phone)
    panel.get_by_label("Svar 1").fill("Frivillige")
    panel.get_by_label("Svar 2").fill("tid")
    panel.get_by_role("button", name="Send mit svar").click()
    expect(panel.locator(".poll-said")).to_contain_text("Svaret er sendt")
    cloud_id = _open_poll(server, board)
    for person, words in zip(others, (["frivillig"], ["Frivillige!", "mod"]), strict=True):
        answer = {"kind": "poll.answer", "poll_id": cloud_id, "words": words}
        send_as(server, board["id"], person["token"], answer)
    waiting = projector.locator("#poll .poll-count")
    expect(waiting).to_have_text("3 svar Svarene vises, når rundspørgen lukker.")
    expect(projector.locator("#poll")).not_to_contain_text("rivillig")
    expect(page.locator("#poll")).not_to_contain_text("rivillig")
    assert_accessible(projector, "a hidden poll on the projector")

    page.locator("#poll [data-action=poll-close]").click()
    words = projector.locator("#poll .poll-cloud-word")
    expect(words).to_have_text(["frivillige", "mod", "tid"])
    expect(projector.locator("#poll figure li").first).to_have_text("frivillige: 3 svar")
    sizes = [w.evaluate("(e) => parseFloat(getComputedStyle(e).fontSize)") for w in words.all()]
    assert sizes[0] > sizes[1] == sizes[2], sizes
    settle(projector)
    _fits(projector)
    assert_accessible(projector, "a word cloud on the projector")
    screenshot(projector, "polls-projector-cloud-da")
    projector.get_by_role("button", name="Høj kontrast").click()  # for a bright room
    assert_accessible(projector, "a word cloud on the projector in high contrast")
    screenshot(projector, "polls-projector-cloud-contrast-da")

    # the facilitator takes it off the projector: the board is back
    page.locator("#poll [data-action=poll-show]").click()
    expect(projector.locator("#areas")).to_be_visible()
    expect(projector.locator("#poll")).to_be_hidden()
    # and puts the first poll's results back up from the dialog's list of earlier polls
    page.locator("[data-action=more]").click()
    page.locator("[data-action=poll]").click()
    expect(dialog.get_by_role("region", name="Tidligere rundspørger")).to_be_visible()
    assert_accessible(page, "the poll dialog with earlier polls")
    screenshot(page, "polls-dialog-earlier-da")
    dialog.get_by_role("button", name=f"Vis på storskærmen: {QUESTION}").click()
    expect(projector.locator("#poll .survey-bars li").first).to_have_text("Tid2 svar (67 %)")

    record = fetch(
        server, f"/api/boards/{board['id']}/export?format=md", board["facilitator_token"]
    )
    text = record.decode().replace("\xa0", " ")  # "33 %" keeps together
    assert QUESTION[:-1] in text and "| Frivillige | 1 \\(33 %\\) |" in text, text
    assert CLOUD in text and "| frivillige | 3 |" in text, text


def _open_poll(server: RunningServer, board: dict[str, object]) -> str:
    state = api(server, f"/api/boards/{board['id']}", token=str(board["facilitator_token"]))
    return next(p["id"] for p in state["state"]["polls"].values() if not p["closed"])
