"""A learning network's whole life, run by its leader in the page, in Danish: the theme
unfolded and the meetings planned on planning boards, three meetings each opened from the
network's page with the last one's recap and the open parked ideas (author and source kept),
the closing meeting holding everything before it, and the deliverable to the leadership
forum drafted under the handbook's five headings, edited and exported as DOCX and PDF."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime
from typing import Any

import docx
import pytest
from babel.dates import format_date
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LAPTOP,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    note_action,
    post_note,
    screenshot,
    send_as,
    start_network,
)
from tests.conftest import ROOT, RunningServer

pytestmark = pytest.mark.browser

# the handbook's "Inspiration til leverance til chefforum", word for word
HEADINGS_SV = [
    "Nätverkets tema",
    "Kunskapssammanställning och beskrivning av lärandet",
    "Hur har lärandet bidragit till förändrade arbetssätt?",
    "Prioriterade rekommendationer för det fortsatta arbetet med lärandet",
    "Övrigt",
]
HEADINGS_DA = [
    "Netværkstema",
    "Vidensopsamling og beskrivelse af læringen",
    "Hvordan har læringen medvirket til ændrede praksisser?",
    "Prioriterede anbefalinger til fremadrettet arbejde med læringen",
    "Andet",
]


class Network:
    """The network's page and what the test needs of it."""

    def __init__(self, page: Page, server: RunningServer) -> None:
        self.page = page
        self.server = server
        self.url = page.url
        self.id = self.url.rsplit("/", 1)[1]
        self.token = page.evaluate(
            f"JSON.parse(localStorage.getItem('planche:network:{self.id}')).token"
        )

    def back(self) -> None:
        self.page.goto(self.url)
        expect(self.page.get_by_role("heading", name="Møder")).to_be_visible()
        expect(self.page.locator("#network-body")).to_be_visible()

    def listing(self) -> Any:
        return api(self.server, f"/api/networks/{self.id}", token=self.token)

    def join(self, board_id: str, name: str) -> str:
        """A participant's token for one of the network's boards, joined by its code."""
        code = next(
            b["join_code"]
            for b in [*self.listing()["planning"], *self.listing()["meetings"]]
            if b["board_id"] == board_id
        )
        return str(api(self.server, "/api/join", {"code": code, "name": name})["token"])


def board_id(page: Page) -> str:
    return page.url.split("/b/")[1]


def fill_field(page: Page, label: str, text: str) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(text)
    field.press("Tab")  # leaving the field sends it at once
    expect(page.locator("#status")).to_have_attribute("data-state", "online")


def park_and_own(page: Page, text: str, owner: str) -> None:
    idea = page.locator(".idea", has_text=text)
    idea.get_by_label("Tovholder").fill(owner)
    idea.get_by_role("button", name="Gem tovholder").click()
    expect(idea).to_contain_text(f"Tovholder: {owner}")


def close_meeting(page: Page) -> None:
    page.locator("[data-action=more]").click()
    page.get_by_role("button", name="Afslut mødet").click()
    page.locator("#close-dialog").get_by_role("button", name="Afslut mødet").click()
    expect(page.locator("#closed-note")).to_be_visible()


def open_meeting(
    network: Network, n: int, title: str, method: str | None = None, closing: bool = False
) -> str:
    """Meeting `n` opened from the network's page, as its facilitator."""
    page = network.page
    network.back()
    expect(page.get_by_label("Titel")).to_have_value(f"Møde {n}")
    page.get_by_label("Titel").fill(title)
    if method:
        page.get_by_label("Metode").select_option(label=method)
    if closing:
        page.get_by_label("Dette er det afsluttende møde").check()
    page.get_by_role("button", name="Åbn mødet").click()
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    return board_id(page)


def run_meeting(
    network: Network,
    n: int,
    title: str,
    notes: list[tuple[str, str]],
    idea: str,
    owner: str,
    board: str | None = None,
) -> str:
    """Meeting `n` (opened now, unless `board` is it): the leader writes a note and the
    capture fields in the page, a participant writes the rest and parks an idea, which the
    leader gives an owner; then the meeting is closed."""
    page = network.page
    meeting = board or open_meeting(network, n, title)
    writer = network.join(meeting, f"Deltager {n}")
    (area, first), *rest = notes
    page.locator("#note-area").select_option(area)
    post_note(page, first)
    send_as(
        network.server,
        meeting,
        writer,
        *[
            {"kind": "note.add", "note": {"id": f"n{n}-{i}", "area": a, "text": text}}
            for i, (a, text) in enumerate(rest)
        ],
        {"kind": "idea.park", "idea": {"id": f"idea{n}", "text": idea}},
    )
    for _, text in notes:
        expect(page.locator(".note", has_text=text)).to_be_visible()
    park_and_own(page, idea, owner)
    # the last phase is the one for writing the capture: the page opens its fields
    for phase in ("Refleksion hver for sig", "Fælles opsamling", "Skriv opsamlingen"):
        page.locator("[data-action=next-phase]").click()
        expect(page.locator("#phase-title")).to_have_text(phase)
    fill_field(page, "Tema og potentialer", f"Tema for møde {n}: {title}")
    fill_field(page, "Hvem ved mere?", f"Kontakt efter møde {n}")
    close_meeting(page)
    return meeting


def test_a_learning_network_lives_its_whole_life_in_the_page(
    browsing: Browsing, server: RunningServer
) -> None:
    page = browsing.page(LAPTOP, lang="da-DK")
    start_network(page, server, "Deleøkonomi", "Deleøkonomi i kommunen")
    network = Network(page, server)

    # planning boards: the theme unfolded, the meetings planned, a field in each
    # (both methods start on notes, so their worksheets are folded until opened)
    page.get_by_role("button", name="Udfold temaet").click()
    page.get_by_role("button", name="Udfyld sammen").click()
    fill_field(page, "Hvorfor er temaet interessant?", "Borgerne deler allerede biler og værktøj")
    network.back()
    page.get_by_role("button", name="Planlæg møderne").click()
    page.get_by_role("button", name="Udfyld sammen").click()
    fill_field(page, "1. møde, Undertema", "Deling af udstyr")
    network.back()
    planning = page.locator("#planning-list")
    expect(planning).to_contain_text("Udfold netværkets tema")
    expect(planning).to_contain_text("Procesplan for møderækken")
    assert_all_in(page, "da")
    assert_accessible(page, "a network's page with its planning boards")

    today = format_date(datetime.now(UTC).date(), format="medium", locale="da")

    # three meetings, each opened from the network's page with the last one's recap and its
    # parked ideas, each with its first author and the meeting it was parked in
    run_meeting(
        network,
        1,
        "Opstart",
        [("learning", "Deling kræver tillid"), ("actions", "Kortlæg delebilerne")],
        "Et værktøjsbibliotek",
        "Ole",
    )
    meeting2 = open_meeting(network, 2, "Udstyr")
    recap = page.locator("section.area", has=page.get_by_role("heading", name="Sidste møde"))
    first = recap.locator(".note", has_text="Deling kræver tillid")
    expect(first.locator(".note-source")).to_have_text(f"Møde 1 · {today} · Opstart")
    expect(recap).to_contain_text("Tema og potentialer: Tema for møde 1: Opstart")
    carried = page.locator(".idea", has_text="Et værktøjsbibliotek")
    expect(carried).to_contain_text("Tovholder: Ole")
    expect(carried.locator(".note-source")).to_have_text(
        f"af Deltager 1 · Møde 1 · {today} · Opstart"
    )
    run_meeting(
        network,
        2,
        "Udstyr",
        [("learning", "Udstyr holder længere, når det deles"), ("actions", "Del el-cyklerne")],
        "En delebus til foreningerne",
        "Ida",
        board=meeting2,
    )
    run_meeting(
        network,
        3,
        "Borgerne",
        [("learning", "Borgerne vil gerne låne ud"), ("actions", "Spørg boligforeningerne")],
        "Et lånekort til alle",
        "Sara",
    )

    # the closing meeting: every earlier note, field and table row, each with its source
    closing = open_meeting(network, 4, "Afslutning", "Analyse via kategorier", closing=True)
    for text, source in [
        ("Kortlæg delebilerne", f"Møde 1 · {today} · Opstart"),
        ("Hvem ved mere?: Kontakt efter møde 2", f"Møde 2 · {today} · Udstyr"),
        ("Borgerne vil gerne låne ud", f"Møde 3 · {today} · Borgerne"),
        (
            "Hvorfor er temaet interessant?: Borgerne deler allerede biler og værktøj",
            f"Udfold netværkets tema · {today}",
        ),
        ("Møderne, 1. møde: Undertema: Deling af udstyr", f"Procesplan for møderækken · {today}"),
    ]:
        # the last meeting's under "Sidste møde", the rest under "Materiale fra møderne"
        expect(page.locator(".note", has_text=text).locator(".note-source")).to_have_text(source)
    expect(page.locator(".idea")).to_have_count(3)  # parked at meetings 1, 2 and 3
    expect(page.locator(".idea", has_text="En delebus").locator(".note-source")).to_have_text(
        f"af Deltager 2 · Møde 2 · {today} · Udstyr"
    )
    park_and_own(page, "Et værktøjsbibliotek", "Kim")  # handed on at the end
    page.locator("#note-area").select_option("priorities")
    post_note(page, "Ansæt en delekoordinator")
    writer = network.join(closing, "Deltager 4")
    action = {"id": "play", "area": "into-play", "text": "Åbn et bibliotek for ting"}
    send_as(server, closing, writer, {"kind": "note.add", "note": action})
    note = page.locator(".note", has_text="Åbn et bibliotek for ting")
    note_action(note, "Tovholder…")
    dialog = page.get_by_role("dialog", name="Tovholder")
    dialog.get_by_label("Hvem tager den videre?").fill("Ida")
    dialog.get_by_role("button", name="Gem", exact=True).click()
    expect(note.locator(".note-owner")).to_have_text("Tovholder: Ida")
    assert_all_in(page, "da")
    assert_accessible(page, "the closing meeting of a network")
    page.get_by_role("button", name="Vis hele tavlen").click()
    screenshot(page, "network-life-closing-meeting")
    close_meeting(page)

    # the deliverable, drafted from the meetings under the handbook's five headings
    network.back()
    page.get_by_role("button", name="Lav et udkast til leverancen").click()
    sheet = page.get_by_role("region", name="Udfyld sammen")
    expect(sheet.locator("label")).to_have_text(HEADINGS_DA)
    drafted = {
        "Netværkstema": ["Deleøkonomi i kommunen"],
        HEADINGS_DA[1]: [
            "- Deling kræver tillid [Møde 1]",
            "- Borgerne vil gerne låne ud [Møde 3]",
        ],
        HEADINGS_DA[2]: [
            "- Kortlæg delebilerne [Møde 1]",
            "- Åbn et bibliotek for ting (Ida) [Møde 4]",
        ],
        HEADINGS_DA[3]: ["1. Ansæt en delekoordinator [Møde 4]"],
        "Andet": [
            "- Et værktøjsbibliotek (Kim) [Møde 1]",
            "- En delebus til foreningerne (Ida) [Møde 2]",
            "- Et lånekort til alle (Sara) [Møde 3]",
        ],
    }
    for label, lines in drafted.items():
        value = sheet.get_by_label(label, exact=True).input_value()
        assert all(line in value.splitlines() for line in lines), (label, value)
    other = sheet.get_by_label("Andet", exact=True)  # the leader adds a line of their own
    other.press("Control+End")
    other.press("Enter")
    other.press_sequentially("- Et billede fra værktøjsbiblioteket")
    other.press("Tab")
    assert_accessible(page, "the deliverable's board")
    screenshot(page, "network-life-deliverable")
    deliverable = board_id(page)

    # exported from the page: the five headings and the content in the DOCX and the PDF
    page.locator("[data-action=records]").click()
    page.locator("#export-format").select_option("docx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Hent").click()
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in HEADINGS_DA] == HEADINGS_DA, headings
    text = "\n".join(p.text for p in document.paragraphs)
    for line in [
        "Deleøkonomi i kommunen",
        "Ansæt en delekoordinator [Møde 4]",
        "Et billede fra værktøjsbiblioteket",
    ]:
        assert line in text
    page.locator("#export-format").select_option("pdf")
    with page.expect_download() as download:
        page.get_by_role("button", name="Hent").click()
    download.value.save_as(ROOT / "test-artifacts" / "records" / "network-deliverable-da.pdf")
    pdf = subprocess.run(
        ["pdftotext", str(download.value.path()), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pdf = " ".join(pdf.split())  # a long heading wraps
    for line in [
        *HEADINGS_DA,
        "Deling kræver tillid [Møde 1]",
        "Et billede fra værktøjsbiblioteket",
    ]:
        assert line in pdf, line
    page.keyboard.press("Escape")

    # the network's page: every board back within reach, the ideas with their owners
    network.back()
    expect(planning.get_by_role("button", name="Åbn")).to_have_count(2)
    meetings = page.locator("#meeting-list")
    for n, title in enumerate(["Opstart", "Udstyr", "Borgerne", "Afslutning"], start=1):
        expect(meetings).to_contain_text(f"Møde {n}: {title} · {today}")
    for line in [
        "Et værktøjsbibliotek \u2013 Tovholder: Kim",
        "Et lånekort til alle \u2013 Tovholder: Sara",
    ]:
        expect(meetings).to_contain_text(line)
    expect(page.locator("#deliverable-list")).to_contain_text("Leverance til Chefforum")
    assert_all_in(page, "da")
    assert_accessible(page, "a network's page at its end")
    screenshot(page, "network-life-page-da")
    page.get_by_role("button", name="Åbn: Leverance til Chefforum").click()
    expect(page.get_by_label("Andet", exact=True)).to_have_value(
        "\n".join([*drafted["Andet"], "- Et billede fra værktøjsbiblioteket"])
    )
    assert board_id(page) == deliverable

    # a Swedish network's deliverable reads the same five headings in Swedish
    body = {"title": "Delningsekonomi", "theme": "Dela mer", "language": "sv"}
    swedish = api(server, "/api/networks", body)
    drafted_sv = api(
        server,
        f"/api/networks/{swedish['id']}/meetings",
        {"title": "Leverans", "method": "leadership-deliverable"},
        token=swedish["token"],
    )
    page.goto(f"{server.url}/b/{drafted_sv['id']}?lang=sv#token={drafted_sv['facilitator_token']}")
    expect(page.get_by_role("region", name="Fyll i tillsammans").locator("label")).to_have_text(
        HEADINGS_SV
    )
