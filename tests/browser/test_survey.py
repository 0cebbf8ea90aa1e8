"""Bollplanket's survey in the page: the facilitator writes the questions and the deadline
in a dialog, a participant answers on a phone, another after the meeting has closed, the
facilitator closes the survey, and the projector and the records show the totals."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

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
    phone_shot,
    screenshot,
    state_once,
)
from tests.browser.test_worksheet import fetch
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

ASE_TEXT = "Vi manglede tid til at tale sammen"
BO_TEXT = "Gerne en pause mere"


def test_a_survey_is_written_answered_after_the_meeting_and_shown_as_charts(
    browsing: Browsing, server: RunningServer, tmp_path: Path
) -> None:
    body = {"title": "Bollplanket", "method": "sounding-board", "language": "da"}
    board = api(server, "/api/boards", body)
    ase = browsing.page(PHONE, lang="da-DK")
    join(ase, server, board["join_code"], "Åse")
    bo = browsing.page(LAPTOP, lang="da-DK")
    join(bo, server, board["join_code"], "Bo")
    page = facilitator_page(browsing, board, lang="da-DK")

    # the method's questions, changed in the dialog: one more choice, and a deadline
    page.locator("[data-action=more]").click()
    page.locator("[data-action=survey]").click()
    dialog = page.get_by_role("dialog", name="Evaluering")
    expect(dialog.get_by_label("Spørgsmål")).to_have_count(4)
    dialog.locator("[data-action=survey-add-question]").click()
    dialog.get_by_label("Spørgsmål").last.fill("Vil du være med næste gang?")
    dialog.get_by_label("Svartype").last.select_option(label="Ét valg blandt svarmuligheder")
    dialog.get_by_label("Svarmuligheder, én pr. linje").last.fill("Ja\nNej\nVed ikke")
    dialog.get_by_label("Der kan svares indtil").fill("2031-06-01T16:00")
    expect(dialog.get_by_label("Anonym: ingen ser, hvem der gav hvilket svar")).to_be_checked()
    assert_accessible(page, "the survey dialog")
    screenshot(page, "survey-dialog")
    dialog.get_by_label("Spørgsmål").last.press("Enter")  # Enter saves, as in any form
    expect(dialog).to_be_hidden()
    state_once(server, board, lambda s: len(s["survey"]["questions"]) == 5)
    expect(page.locator("#survey .survey-status")).to_contain_text("Åben for svar indtil")

    # Åse answers on her phone (before the survey's phase, behind one button): radio groups
    # and a text area
    form = ase.locator("#survey form")
    expect(form).to_be_hidden()
    ase.get_by_role("button", name="Besvar evalueringen").click()
    expect(form.get_by_role("group", name="Vil du være med næste gang?")).to_be_visible()
    form.locator("fieldset").first.get_by_label("4", exact=True).check()
    form.get_by_role("group", name="Hvordan var mødets længde?").get_by_label("Passende").check()
    form.get_by_role("group", name="Vil du være med næste gang?").get_by_label("Ja").check()
    form.get_by_label("Hvad skal vi gøre anderledes næste gang?").fill(ASE_TEXT)
    form.locator("[data-action=survey-answer]").click()
    expect(ase.locator("#survey .survey-said")).to_have_text(
        "Dit svar er gemt. Du kan rette det, indtil evalueringen lukker."
    )
    expect(form.locator("[data-action=survey-answer]")).to_have_text("Ret mit svar")
    ase.locator("#survey .survey-said").scroll_into_view_if_needed()
    assert_accessible(ase, "the survey answered on a phone")
    assert_all_in(ase, "da")
    phone_shot(ase, "survey-phone-answered")
    # the facilitator learns that someone answered, never what
    expect(page.locator("#survey .survey-status")).to_contain_text("1 har svaret")
    expect(page.locator("#survey")).not_to_contain_text(ASE_TEXT)

    # the meeting closes; Bo answers afterwards, on the same board
    page.locator("[data-action=more]").click()
    page.get_by_role("button", name="Afslut mødet").first.click()
    page.locator("#close-meeting").click()
    expect(bo.locator("#closed-note")).to_be_visible()
    bo_form = bo.locator("#survey form")
    bo_form.locator("fieldset").first.get_by_label("2", exact=True).check()
    bo_form.get_by_label("Hvad skal vi gøre anderledes næste gang?").fill(BO_TEXT)
    bo_form.get_by_label("Hvad skal vi gøre anderledes næste gang?").press("Tab")
    bo.keyboard.press("Enter")  # on "Send mit svar"
    expect(bo.locator("#survey .survey-said")).to_contain_text("Dit svar er gemt")
    expect(page.locator("#survey .survey-status")).to_contain_text("2 har svaret")
    assert_accessible(bo, "the survey answered after the meeting closed")

    # the facilitator closes it: the totals for everyone, and no more answers
    page.locator("[data-action=survey-close]").click()
    results = page.locator("#survey .survey-results")
    expect(results).to_be_visible()
    expect(bo_form).to_be_hidden()
    expect(bo.locator("#survey .survey-status")).to_contain_text("Evalueringen lukkede")
    first = results.locator(".survey-result").first
    expect(first.locator("li").nth(3)).to_contain_text("1 svar")  # Åse's 4
    expect(results).to_contain_text(ASE_TEXT)
    assert_accessible(page, "the survey's results")

    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    shown = projector.locator("#survey .survey-results")
    expect(shown).to_be_visible()
    expect(shown).to_contain_text(BO_TEXT)
    expect(projector.locator("#areas")).to_be_hidden()
    fits = projector.evaluate("() => document.documentElement.scrollHeight <= innerHeight")
    assert fits, "the projector scrolls"
    assert_accessible(projector, "the survey's results on the projector")
    screenshot(projector, "survey-projector-results")

    # the records hold the totals and the free-text answers
    token = board["facilitator_token"]
    export = f"/api/boards/{board['id']}/export?format="
    document = docx.Document(io.BytesIO(fetch(server, export + "docx", token)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([*(p.text for p in document.paragraphs), *cells])
    assert ASE_TEXT in text and BO_TEXT in text and "Passende" in text
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(fetch(server, export + "pdf", token))
    pdf_text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert ASE_TEXT in pdf_text and BO_TEXT in pdf_text and "Vil du være med" in pdf_text
