"""A whole meeting in real browsers: a facilitator, a projector and three participants run a
category analysis; then shorter runs in Swedish and English, a keyboard-only run, offline
writing, and axe-core on every view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    as_facilitator,
    assert_accessible,
    assert_all_in,
    assert_no_text_fits_badly,
    assert_thumb_sized,
    join,
    join_code,
    note_action,
    post_note,
    screenshot,
)
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser


def create_board(page: Page, server: RunningServer, lang: str, method_label: str) -> None:
    page.goto(f"{server.url}/?lang={lang}")
    page.locator("#create-title").fill("Netværksmøde 4")
    page.get_by_role("radio", name=method_label, exact=True).check()
    page.locator("#create-language").select_option(lang)
    page.locator("#create-name").fill("Mette")
    page.locator("#create button[type=submit]").click()
    expect(page.locator("#controls")).to_be_visible()


def start_phase(page: Page, phase: str, focus: str | None = None) -> None:
    """From the toolbar's "More" menu: any phase, with an area in focus."""
    page.locator("[data-action=more]").click()
    page.locator("#control-phase").select_option(label=phase)
    if focus:
        page.locator("#control-focus").select_option(label=focus)
    page.get_by_role(
        "button", name=re.compile("Start denne fase|Starta den här fasen|Start this phase")
    ).click()
    page.keyboard.press("Escape")
    expect(page.locator("#control-more")).to_be_hidden()


def test_a_category_analysis_meeting_in_danish(browsing: Browsing, server: RunningServer) -> None:
    facilitator = browsing.page(lang="da-DK")
    create_board(facilitator, server, "da", "Analyse via kategorier")
    assert_accessible(facilitator, "facilitator view")
    code = join_code(facilitator)

    # the projector in a browser of its own, as on the computer by the big screen: opened as
    # a second tab, it left the facilitator's tab in the background, where headless Chromium
    # draws seldom and every click waited 1.5-2 s for its button to be "stable"
    projector = browsing.page(PROJECTOR, lang="da-DK")
    projector.goto(
        server.url + (facilitator.locator("#projector-link").get_attribute("href") or "")
    )
    projector.goto(projector.url)  # opened again from there: the token is remembered
    expect(projector.locator("#qr")).to_be_visible()
    assert projector.evaluate("document.querySelector('#qr').naturalWidth") > 0
    expect(projector.locator("#qr-code")).to_contain_text(code)
    assert "token" not in projector.url

    people = []
    for name in ("Ole", "Ida", "Per"):
        page = browsing.page(PHONE, lang="da-DK")
        join(page, server, code, name)
        people.append(page)
    ole, ida, per = people
    expect(facilitator.locator("#peers li")).to_have_count(4)
    # how many are here, at a glance: in the facilitator's header and on the projector (which
    # is not counted); a phone lists them under "Til stede" instead
    for page in (facilitator, projector):
        expect(page.locator("#here-count")).to_have_text("4 til stede")
    expect(ole.locator("#here-count")).to_be_hidden()

    # silent writing in the first category: others see that notes exist, not what they say
    start_phase(facilitator, "Stille og hver for sig", "Skjulte skatte")  # its timer starts
    expect(facilitator.locator("[data-action=timer-toggle]")).to_have_text("Sæt tiden på pause")
    expect(projector.locator("#phase-title")).to_have_text("Stille og hver for sig")
    expect(projector.locator("#timer")).to_have_text(re.compile(r"^1[12]:\d\d$"))
    post_note(ole, "Pedellerne kender alle familier")
    post_note(ida, "Pensionerede sygeplejersker vil gerne hjælpe")
    # the facilitator's own notes are private too, unless one is posted as an example
    post_note(facilitator, "Min egen tanke om skolen")
    facilitator.get_by_label("Vis denne note for alle nu, som et eksempel").check()
    post_note(facilitator, "Eksempel: bibliotekaren kender mange")
    expect(
        facilitator.get_by_label("Vis denne note for alle nu, som et eksempel")
    ).not_to_be_checked()
    expect(per.locator(".note--hidden")).to_have_count(3)
    expect(projector.locator(".note--hidden")).to_have_count(3)
    expect(projector.locator(".note-text", has_text="Eksempel: bibliotekaren")).to_be_visible()
    for page in (per, projector):
        shown = page.locator("body").inner_text()
        assert "Pedellerne" not in shown and "Min egen tanke" not in shown
        expect(page.locator(".note--hidden .note-author:visible")).to_have_count(0)  # nor by whom
    expect(ole.locator(".note-text").first).to_have_text("Pedellerne kender alle familier")
    expect(ole.locator("#example")).to_be_hidden()  # examples are the facilitator's
    assert_thumb_sized(ole)
    screenshot(ole, "participant-private-writing-phone")
    screenshot(facilitator, "facilitator-private-writing")

    facilitator.get_by_role("button", name="Vis noterne").click()
    expect(projector.locator(".note-text")).to_have_text(
        [
            "Pedellerne kender alle familier",
            "Pensionerede sygeplejersker vil gerne hjælpe",
            "Min egen tanke om skolen",
            "Eksempel: bibliotekaren kender mange",
        ]
    )

    # follow me: every screen turns to the area the facilitator shows
    facilitator.locator("[data-action=more]").click()
    facilitator.locator("#control-focus").select_option(label="Paradokser")
    facilitator.get_by_role("button", name="Sæt alles fokus på dette område").click()
    expect(projector.locator("section.area h2")).to_have_text(["Paradokser"])
    expect(per.locator("#note-area")).to_have_value("paradoxes")
    facilitator.locator("#control-focus").select_option(label="Alle områder")
    facilitator.get_by_role("button", name="Sæt alles fokus på dette område").click()
    expect(projector.locator("section.area h2")).to_have_count(6)
    facilitator.keyboard.press("Escape")

    # dot voting: hidden until closed, then the projector shows the count
    start_phase(facilitator, "Prioritering", "Alle områder")  # not only the method's area
    facilitator.locator("#control-votes").fill("2")
    facilitator.get_by_role("button", name="Åbn afstemning").click()
    for page in (ole, ida):
        note = page.locator(".note", has_text="Pensionerede")
        note.get_by_role("button", name=re.compile("^Stem på denne note")).click()
        expect(page.locator("#voting")).to_contain_text("1 af 2 stemmer tilbage")
    other = ole.locator(".note", has_text="Pedellerne kender")
    other.get_by_role("button", name=re.compile("^Stem på denne note")).click()
    expect(ole.locator("#voting")).to_contain_text("0 af 2 stemmer tilbage")
    expect(projector.locator(".note-votes:visible")).to_have_count(0)
    facilitator.get_by_role("button", name="Luk afstemningen og vis resultatet").click()
    expect(projector.locator(".note", has_text="Pensionerede").locator(".note-votes")).to_have_text(
        "2 stemmer"
    )
    one = projector.locator(".note", has_text="Pedellerne kender").locator(".note-votes")
    expect(one).to_have_text("1 stemme")  # the catalogue's singular, not "1 stemmer"

    # an idea parked in passing gets an owner before the meeting closes
    per.locator("#park-text").fill("Spørg ungdomsklubben")
    per.locator("#park-text").press("Enter")
    expect(projector.locator(".idea")).to_contain_text("Ingen tovholder endnu")
    facilitator.locator("[data-action=more]").click()
    facilitator.get_by_role("button", name="Afslut mødet").click()  # asks once more
    facilitator.locator("#close-dialog").get_by_role("button", name="Afslut mødet").click()
    expect(facilitator.locator("#controls .alert")).to_contain_text("ingen tovholder")
    facilitator.keyboard.press("Escape")
    idea = facilitator.locator(".idea", has_text="ungdomsklubben")
    idea.get_by_label("Tovholder").fill("Per")
    idea.get_by_role("button", name="Gem tovholder").click()
    expect(projector.locator(".idea")).to_contain_text("Tovholder: Per")
    facilitator.locator("[data-action=more]").click()
    facilitator.get_by_role("button", name="Afslut mødet").click()
    facilitator.locator("#close-dialog").get_by_role("button", name="Afslut mødet").click()
    expect(facilitator.locator("#close-dialog")).to_be_hidden()
    expect(projector.locator("#closed-note")).to_be_visible()

    assert_thumb_sized(per)
    for page, what in ((projector, "projector view"), (per, "participant view")):
        assert_all_in(page, "da")
        assert_no_text_fits_badly(page)
        assert_accessible(page, what)
    screenshot(projector, "projector-closed-meeting")
    screenshot(per, "participant-closed-meeting-phone")
    facilitator.get_by_role("button", name="Listevisning").click()
    expect(facilitator.locator("#list")).to_be_visible()
    assert_accessible(facilitator, "list view")
    assert browsing.foreign_requests() == []


@pytest.mark.parametrize(
    ("lang", "method", "silent", "reveal"),
    [
        ("sv", "Analys med kategorier", "Tyst och var för sig", "Visa lapparna"),
        ("en", "Category analysis", "Silently, on your own", "Reveal notes"),
    ],
)
def test_part_of_the_meeting_in_swedish_and_english(
    browsing: Browsing, server: RunningServer, lang: str, method: str, silent: str, reveal: str
) -> None:
    facilitator = browsing.page(lang=lang)
    create_board(facilitator, server, lang, method)
    participant = browsing.page(PHONE, lang=lang)
    join(participant, server, join_code(facilitator), "Eva")
    start_phase(facilitator, silent)
    post_note(participant, "En tanke")
    expect(facilitator.locator(".note--hidden")).to_have_count(1)
    facilitator.get_by_role("button", name=reveal).click()
    expect(facilitator.locator(".note-text")).to_have_text(["En tanke"])
    for page in (facilitator, participant):
        expect(page.locator("html")).to_have_attribute("lang", lang)
        assert_all_in(page, lang)
    screenshot(participant, f"participant-{lang}-phone")


def test_start_and_join_pages_are_accessible(browsing: Browsing, server: RunningServer) -> None:
    page = browsing.page(lang="da-DK")
    page.goto(server.url)
    expect(page.locator("html")).to_have_attribute("lang", "da")
    assert_accessible(page, "start page")
    page.goto(f"{server.url}/?code=ABCD-EFGH")
    expect(page.locator("#join-code")).to_have_value("ABCD-EFGH")
    expect(page.locator("#join-name")).to_be_focused()
    assert_accessible(page, "join page")
    page.goto(f"{server.url}/accessibility")
    assert_accessible(page, "accessibility statement")


def test_a_keyboard_only_participant_adds_moves_and_votes(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(
        server, "/api/boards", {"title": "Keys", "method": "critical-friend", "language": "en"}
    )
    page = browsing.page(lang="en")
    page.goto(f"{server.url}/?code={board['join_code']}")
    page.keyboard.type("Kai")  # the name field has the focus when the code is filled in
    page.keyboard.press("Enter")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")

    def tab_to(selector: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#note-text")
    page.keyboard.type(CLEAR_GOALS)
    page.keyboard.press("Enter")
    expect(page.locator(".note-text")).to_have_text(["Clear goals, but who decides them?"])
    page.keyboard.type("Second thought")
    page.keyboard.press("Enter")
    expect(page.locator(".note-text")).to_have_text(
        ["Clear goals, but who decides them?", "Second thought"]
    )
    tab_to(".note")  # the first note: a note is one tab stop, arrow keys move it
    page.keyboard.press("ArrowDown")
    expect(page.locator(".note-text")).to_have_text(
        ["Second thought", "Clear goals, but who decides them?"]
    )
    # the focus stayed on the note it moved; its menu moves it to the last area
    expect(page.locator(".note:focus .note-text")).to_have_text(CLEAR_GOALS)
    page.keyboard.press("Enter")  # the menu: Move to, then "Suggestions"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    expect(page.locator("section[aria-labelledby=area-suggestions] .note-text")).to_have_text(
        ["Clear goals, but who decides them?"]
    )
    expect(page.locator(".note:focus .note-text")).to_have_text(CLEAR_GOALS)

    api_facilitator_opens_voting(server, board)
    expect(page.locator("#voting")).to_be_visible()
    tab_to(".note button[data-focus^='vote:']")
    page.keyboard.press("Enter")
    expect(page.locator("#voting")).to_contain_text("2 of 3 votes left")


CLEAR_GOALS = "Clear goals, but who decides them?"


def api_facilitator_opens_voting(server: RunningServer, board: dict[str, str]) -> None:
    """The facilitator's part is not under test here: a plain WebSocket client does it."""
    as_facilitator(
        server, board, lambda client: client.send_op({"kind": "vote.open", "per_person": 3})
    )


def test_notes_written_with_the_network_cut_arrive_once(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(server, "/api/boards", {"title": "Offline", "language": "en"})
    page = browsing.page(lang="en")
    page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    status = page.locator("#status")
    expect(status).to_have_attribute("data-state", "online")
    # every state the page shows from here on
    page.evaluate("""() => {
      const status = document.querySelector("#status");
      window.__shown = [];
      new MutationObserver(() => window.__shown.push(status.dataset.state))
        .observe(status, { attributes: true, attributeFilter: ["data-state"] });
    }""")
    page.context.set_offline(True)
    expect(status).to_have_attribute("data-state", "offline", timeout=timeout(30) * 1000)
    post_note(page, "first, offline")
    post_note(page, "second, offline")
    expect(page.locator("#status-unsent")).to_have_text("Not sent yet: 2")
    # while the system has no network the page says so, and does not flicker to
    # "Connecting…" with each retry (the first retries come within 1.5 s)
    page.wait_for_timeout(1500)
    assert set(page.evaluate("window.__shown")) == {"offline"}
    page.context.set_offline(False)
    page.reload()
    expect(page.locator(".note:not(.note--pending) .note-text")).to_have_text(
        ["first, offline", "second, offline"], timeout=timeout(20) * 1000
    )
    live = api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])
    texts = sorted(n["text"] for n in live["state"]["notes"].values())
    assert texts == ["first, offline", "second, offline"]


def test_notes_are_dragged_grouped_and_written_in_small_groups(
    browsing: Browsing, server: RunningServer
) -> None:
    body = {"title": "Sharing", "method": "knowledge-sharing", "language": "en"}
    board = api(server, "/api/boards", body)
    facilitator = browsing.page(lang="en")
    facilitator.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    participant = browsing.page(lang="en")
    join(participant, server, board["join_code"], "Noor")
    post_note(participant, "A weekly open hour")
    post_note(participant, "Shared drive for minutes")

    organisational = "section[aria-labelledby=area-organisational]"
    cultural = "section[aria-labelledby=area-cultural]"
    participant.locator(".note", has_text="weekly").drag_to(participant.locator(cultural))
    expect(facilitator.locator(f"{cultural} .note-text")).to_have_text(["A weekly open hour"])

    facilitator.locator(f"{organisational} .group-form input").fill("Tools")
    facilitator.locator(f"{organisational} .group-form button").click()
    # the group is on the board (the server's answer) before a note's menu can offer it
    expect(facilitator.locator(f"{organisational} .group", has_text="Tools")).to_be_visible()
    note = facilitator.locator(".note", has_text="Shared drive")
    note_action(note, "Group", "Tools")
    group = participant.locator(".group", has_text="Tools")
    expect(group.locator(".note-text")).to_have_text(["Shared drive for minutes"])
    assert_accessible(participant, "participant view with groups")

    facilitator.locator("[data-action=more]").click()
    facilitator.locator("#control-groups").fill("2")
    facilitator.get_by_role("button", name="Split into groups").click()
    expect(participant.locator("#note-area option", has_text="Group 1")).to_have_count(1)
    participant.locator("#note-area").select_option(label="Group 1")
    post_note(participant, "Noted by group 1")
    group_1 = facilitator.locator(
        "section.area", has=facilitator.get_by_role("heading", name="Group 1", exact=True)
    )
    expect(group_1.locator(".note-text")).to_have_text(["Noted by group 1"])
    facilitator.get_by_role("button", name="Back to plenary").click()
    expect(facilitator.get_by_role("button", name="Split into groups")).to_be_enabled()
    screenshot(facilitator, "facilitator-groups")


def test_an_anonymous_board_shows_no_author_anywhere(
    browsing: Browsing, server: RunningServer
) -> None:
    facilitator = browsing.page(lang="sv")
    create_board(facilitator, server, "sv", "Analys med kategorier")
    projector = browsing.page(PROJECTOR, lang="sv")  # its own browser, as in the Danish run
    projector.goto(
        server.url + (facilitator.locator("#projector-link").get_attribute("href") or "")
    )
    eva = browsing.page(PHONE, lang="sv")
    join(eva, server, join_code(facilitator), "Eva Lund")
    facilitator.locator("[data-action=board-settings]").click()  # in the settings dialog
    toggle = facilitator.get_by_role("button", name="Anonyma lappar: av")
    toggle.click()
    expect(facilitator.get_by_role("button", name="Anonyma lappar: på")).to_have_attribute(
        "aria-pressed", "true"
    )
    facilitator.keyboard.press("Escape")
    expect(eva.locator("#phase-prompt")).to_contain_text("Nya lappar är anonyma")
    post_note(eva, "Ingen vet att det var jag")
    for page in (facilitator, projector):
        note = page.locator(".note", has_text="Ingen vet att det var jag")
        expect(note.locator(".note-author")).to_have_text("skriven anonymt")
        assert "Eva Lund" not in note.inner_text()
    own = eva.locator(".note", has_text="Ingen vet att det var jag")
    own.focus()
    own.press("Enter")  # still hers to edit: her note's menu offers it
    expect(eva.get_by_role("menu").get_by_role("menuitem", name="Redigera")).to_be_visible()
    eva.keyboard.press("Escape")
    expect(own).to_be_focused()
    assert_all_in(facilitator, "sv")
    assert_accessible(facilitator, "facilitator view, anonymous board")
    screenshot(projector, "projector-anonymous-board")
