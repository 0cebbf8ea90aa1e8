"""Every method of the catalogue run in the page as a new facilitator runs it: picked in the
start page's gallery, its phases stepped through with the toolbar, every field, table, grid,
area, link, action, parked idea and group role filled in by hand, the meeting closed, and the
closing record downloaded from the Records dialog as Word and PDF, which must hold all of it.
Danish for all but one method in Swedish and one in English. One facilitator page walks all
twelve; a second person, where a method needs one, comes through the API."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import docx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from facilitation_methods import Method, load_catalogue
from server import i18n
from tests.browser.helpers import (
    LAPTOP,
    Browsing,
    api,
    assert_accessible,
    assert_all_in,
    join_code,
    screenshot,
    send_as,
    settle,
    state_once,
)
from tests.conftest import ROOT, RunningServer, timeout

pytestmark = pytest.mark.browser

METHODS = load_catalogue()
RECORDS = ROOT / "test-artifacts" / "every-method"
LANGUAGE = {"sounding-board": "sv", "walkshop": "en"}  # the rest in Danish


def tr(lang: str, text: str) -> str:
    """The page's words for `text` (an English message id) in `lang`."""
    said = i18n.catalogue(lang).get(text, text) if lang != "en" else text
    assert isinstance(said, str)
    return said


@dataclass
class Walk:
    """One method's walk: its page, and everything typed into it, for the record to hold."""

    page: Page
    server: RunningServer
    method: Method
    lang: str
    board_id: str = ""
    token: str = ""
    entered: list[str] = field(default_factory=list)
    private_at_close: int = 0  # notes still private when the meeting is closed
    once: list[str] = field(default_factory=list)  # what each record says only once

    def t(self, text: str) -> str:
        return tr(self.lang, text)

    def typed(self, text: str) -> str:
        self.entered.append(text)
        return text


@pytest.fixture(scope="module")
def page(browser: Browser, server: RunningServer) -> Iterator[Page]:
    """One facilitator's browser and tab for all twelve methods."""
    browsing = Browsing(browser, server)
    opened = browsing.page(LAPTOP, lang="da-DK")
    yield opened
    browsing.close()


def create(walk: Walk, title: str) -> None:
    """From the start page: the title, the method's card in the gallery, the language."""
    page, method = walk.page, walk.method
    page.goto(f"{walk.server.url}/?lang={walk.lang}")
    page.locator("#create-title").fill(walk.typed(title))
    page.get_by_role("radio", name=method.name[walk.lang], exact=True).check()
    if method.categories:  # one of the handbook's for another, and one of the facilitator's own
        legend = walk.t("Categories: choose {low} to {high}").format(low=2, high=4)
        chosen = page.get_by_role("group", name=legend)
        options = method.categories.options
        chosen.get_by_role("checkbox", name=options[2].title[walk.lang]).uncheck()
        chosen.get_by_role("checkbox", name=options[3].title[walk.lang]).check()
        page.get_by_text(walk.t("Add a category of your own")).click()
        page.get_by_label(walk.t("Name of the category")).fill(walk.typed("Det overrasker os"))
        explanation = walk.typed("Det, vi ikke ventede at finde")
        page.get_by_label(walk.t("Explanation for the participants")).fill(explanation)
        page.get_by_role("button", name=walk.t("Add the category")).click()
    page.locator("#create-language").select_option(walk.lang)
    page.locator("#create-name").fill("Mette")
    page.locator("#create button[type=submit]").click()
    expect(page.locator("#controls")).to_be_visible()
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    walk.board_id = page.url.split("/b/")[1].split("#")[0]
    walk.token = page.evaluate(
        f"JSON.parse(localStorage.getItem('planche:board:{walk.board_id}')).token"
    )


def state(walk: Walk) -> Any:
    return api(walk.server, f"/api/boards/{walk.board_id}", token=walk.token)["state"]


def post(walk: Walk, area: str, text: str) -> None:
    """A note written in the composer, in the area chosen beside it."""
    page = walk.page
    page.locator("#note-area").select_option(label=area)
    page.locator("#note-text").fill(walk.typed(text))
    page.locator("#note-text").press("Enter")
    expect(page.locator("#note-text")).to_have_value("")
    note = page.locator(".note", has_text=text)
    expect(note).to_have_attribute("tabindex", "0")  # drawn from the server's answer
    expect(page.locator(".note--unsent, .note--pending")).to_have_count(0)


def next_phase(walk: Walk, index: int) -> None:
    page = walk.page
    page.locator("[data-action=next-phase]").click()
    expect(page.locator("#phase-title")).to_have_text(walk.method.phases[index].title[walk.lang])


def reveal(walk: Walk) -> None:
    walk.page.locator("[data-action=reveal]").click()
    expect(walk.page.locator(".note--hidden")).to_have_count(0)


def sheet(walk: Walk) -> Locator:
    return walk.page.locator("#worksheet")


def fill_fields(walk: Walk) -> None:
    """Every field of the worksheet, leaving each with Tab (which sends it at once)."""
    for i, f in enumerate(walk.method.fields):
        box = sheet(walk).get_by_role("textbox", name=f.label[walk.lang], exact=True)
        # the first answer in two paragraphs, as a summary often is
        second = "\n\nOg et afsnit mere." if i == 0 else ""
        box.fill(walk.typed(f"{f.label[walk.lang]}: svar {i + 1}{second}"))
        box.press("Tab")


def fill_tables(walk: Walk) -> None:
    """A fixed row's cells, and an added row with every column, in each table."""
    page, lang = walk.page, walk.lang
    for table in walk.method.tables:
        region = page.locator(".worksheet-table", has_text=table.title[lang])
        if table.rows:
            for row in (table.rows[0], table.rows[-1]):
                for c in table.columns:
                    cell = sheet(walk).get_by_label(
                        f"{row.title[lang]}, {c.title[lang]}", exact=True
                    )
                    cell.fill(walk.typed(f"{row.title[lang]} {c.title[lang]} udfyldt"))
                    cell.press("Tab")
        else:
            region.get_by_role("button", name=walk.t("Add a row")).click()
            for c in table.columns:
                label = walk.t("Row {n}, {column}").format(n=1, column=c.title[lang])
                cell = sheet(walk).get_by_label(label, exact=True)
                cell.fill(walk.typed(f"{table.title[lang]} {c.title[lang]} række"))
                cell.press("Tab")


def close_and_export(walk: Walk) -> tuple[str, str]:
    """Closes the meeting from "More" and downloads the closing record as Word and PDF from
    the Records dialog: their texts."""
    page = walk.page
    page.locator("[data-action=more]").click()
    page.get_by_role("button", name=walk.t("Close the meeting")).click()
    closing = page.locator("#close-dialog")
    if walk.private_at_close:  # the dialog says what the record would leave out
        warning = closing.get_by_role("alert")
        said = i18n.catalogue(walk.lang)["{n} note is still private: the record will not show it."]
        expect(warning).to_contain_text(said[1].format(n=walk.private_at_close))
        assert_accessible(page, "closing with notes still private")
        warning.get_by_role("button", name=walk.t("Reveal notes")).click()
        expect(page.locator(".note--hidden")).to_have_count(0)
    closing.get_by_role("button", name=walk.t("Close the meeting")).click()
    expect(page.locator("#close-dialog")).to_be_hidden()
    expect(page.locator("#closed-note")).to_be_visible()
    page.locator("[data-action=records]").click()
    dialog = page.locator("#records")
    page.locator("#export-source").select_option(label=walk.t("Meeting closed"))
    page.locator("#export-named").check()
    texts = []
    for fmt in ("docx", "pdf"):
        page.locator("#export-format").select_option(fmt)
        with page.expect_download() as download:
            dialog.get_by_role("button", name=walk.t("Download")).click()
        data = download.value.path().read_bytes()
        RECORDS.mkdir(parents=True, exist_ok=True)  # to look at when something is missing
        (RECORDS / f"{walk.method.id}.{fmt}").write_bytes(data)
        texts.append(docx_text(data) if fmt == "docx" else pdf_text(data))
    page.keyboard.press("Escape")
    return texts[0], texts[1]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    info = subprocess.run(
        ["pdfinfo", "-"], input=data, capture_output=True, check=True, timeout=timeout(30)
    ).stdout.decode()
    assert re.search(r"^Tagged: +yes$", info, re.M), info
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=timeout(30),
    ).stdout.decode()
    return " ".join(text.split())


def assert_recorded(walk: Walk, docx_text: str, pdf_text: str) -> None:
    """Every line typed in is in both records (a record may set a line of a field apart)."""
    lines = [line for e in walk.entered for line in e.split("\n\n") if line]
    missing = [e for e in lines if e not in docx_text]
    assert not missing, f"{walk.method.id}: not in the Word record: {missing}\n{docx_text}"
    missing = [e for e in lines if " ".join(e.split()) not in pdf_text]
    assert not missing, f"{walk.method.id}: not in the PDF record: {missing}\n{pdf_text}"
    for text in walk.once:
        assert docx_text.count(text) == pdf_text.count(text) == 1, text


# what each method asks for, phase by phase -------------------------------------------------


def areas(walk: Walk) -> dict[str, str]:
    return {a.id: a.title[walk.lang] for a in walk.method.areas}


def note_menu(walk: Walk, text: str, *path: str) -> None:
    """Chooses `path` in the note's one menu, by keyboard."""
    page = walk.page
    page.locator(".note", has_text=text).focus()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    for label in path:
        item = menu.get_by_role("menuitem", name=label, exact=True).or_(
            menu.get_by_role("menuitemradio", name=label, exact=True)
        )
        expect(item).to_be_visible()
        item.focus()  # as the arrow keys would
        page.keyboard.press("Enter")


def link(walk: Walk, one: str, other: str, contradiction: bool) -> None:
    """Links two notes from the first one's menu; calls it a contradiction from the other's."""
    page = walk.page
    lines = page.locator("svg.note-links line")
    before = lines.count()
    note_menu(walk, one, walk.t("Link to another note…"))
    page.locator(".note", has_text=other).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#linking")).to_be_hidden()
    # the link is on the board (the server took it) before a note's menu can offer it
    expect(lines).to_have_count(before + 1)
    if contradiction:
        links = (
            i18n.catalogue(walk.lang).get("Link ({n})", ["Link ({n})"])
            if walk.lang != "en"
            else ["Link ({n})"]
        )
        contra = walk.t("Call it a contradiction: {text}").format(text=one)
        note_menu(walk, other, links[0].format(n=1), contra)
        expect(page.locator("svg.note-links line.link-contradiction")).to_have_count(1)


def own(walk: Walk, text: str, who: str, due: str) -> None:
    """An action's owner and date, from the note's menu."""
    note_menu(walk, text, walk.t("Owner…"))
    dialog = walk.page.locator("#owner-dialog")
    dialog.get_by_label(walk.t("Who takes it forward?")).fill(walk.typed(who))
    dialog.get_by_label(walk.t("By when (optional)")).fill(due)
    dialog.get_by_role("button", name=walk.t("Save"), exact=True).click()
    expect(walk.page.locator(".note", has_text=text).locator(".note-owner")).to_contain_text(who)


def park(walk: Walk, text: str, who: str) -> None:
    """An idea parked in passing, and its owner."""
    page = walk.page
    page.locator("#park-text").fill(walk.typed(text))
    page.locator("#park-text").press("Enter")
    idea = page.locator(".idea", has_text=text)
    idea.get_by_label(walk.t("Owner"), exact=True).fill(walk.typed(who))
    idea.get_by_role("button", name=walk.t("Save owner")).click()
    expect(idea).to_contain_text(who)


def groups_with_roles(walk: Walk, people: list[str]) -> None:
    """Splits those who joined into groups from "More", and names the first group's
    discussion leader and note taker."""
    page = walk.page
    page.locator("[data-action=more]").click()
    page.get_by_label(walk.t("Number of groups")).fill("2")
    page.get_by_role("button", name=walk.t("Split into groups")).click()
    first = page.locator(".group-roles fieldset").first
    expect(first).to_be_visible()
    members = first.get_by_label(walk.t("Leads the discussion")).locator("option")
    leader = next(m for m in members.all_inner_texts() if m in people)
    first.get_by_label(walk.t("Leads the discussion")).select_option(label=leader)
    first.get_by_label(walk.t("Takes the notes")).select_option(label=leader)
    said = walk.t("Discussion led by {name}.") + " " + walk.t("Notes taken by {name}.")
    walk.entered.append(said.format(name=leader))  # both roles, in the record that names
    page.keyboard.press("Escape")


def join_people(walk: Walk, *names: str) -> list[dict[str, Any]]:
    code = join_code(walk.page)
    return [api(walk.server, "/api/join", {"code": code, "name": n}) for n in names]


def walk_free(walk: Walk) -> None:
    post(walk, areas(walk)["main"], "Alt det, der ikke har en metode")
    park(walk, "Spørg biblioteket om lokaler", "Ole")


def walk_category_analysis(walk: Walk) -> None:
    a = areas(walk)
    next_phase(walk, 0)  # silently, in every chosen category
    titles = [c["title"] for c in state(walk)["areas"] if c["id"] not in a]  # the categories
    assert len(titles) == 4
    seen = [f"Iagttagelse {i + 1} om {title.lower()}" for i, title in enumerate(titles)]
    for title, text in zip(titles, seen, strict=True):
        post(walk, title, text)
    reveal(walk)
    next_phase(walk, 1)
    link(walk, seen[0], seen[1], contradiction=True)
    walk.entered.append(f"{seen[0]} ↔ {seen[1]} — modsætning")
    next_phase(walk, 2)
    post(walk, a["patterns"], "Mønster: alle taler om tid")
    next_phase(walk, 3)
    post(walk, a["priorities"], "Først: tid til de frivillige")
    page = walk.page  # dot voting on the priorities, closed to show the count
    page.locator("[data-action=voting]").click()
    page.locator(".note", has_text="Først: tid").locator("[data-action=vote]").click()
    expect(page.locator("#voting")).to_contain_text("2")  # of 3 votes left
    page.locator("[data-action=voting]").click()
    votes = page.locator(".note", has_text="Først: tid").locator(".note-votes")
    expect(votes).to_have_text("1 stemme")
    walk.entered.append("1 stemme")
    walk.once.append("Først: tid til de frivillige — af Mette · 1 stemme")  # ranked, not twice
    next_phase(walk, 4)
    post(walk, a["into-play"], "Inviter pedellerne til næste møde")
    own(walk, "Inviter pedellerne", "Ida Holm", "2027-01-15")
    walk.entered.append("Tovholder: Ida Holm, senest 15. jan. 2027")
    park(walk, "Lav en podcast om skatte", "Per Berg")


def walk_critical_friend(walk: Walk) -> None:
    a, page = areas(walk), walk.page
    (ole,) = join_people(walk, "Ole")
    next_phase(walk, 0)
    # the facilitator's own criteria for this round, before anyone scores
    page.get_by_text(walk.t("Change the criteria")).click()
    labels = ["Relevans for ældreplejen", "Klarhed", "Mod til at prøve"]
    page.get_by_label(walk.t("Criteria, one per line")).fill("\n".join(labels))
    page.get_by_role("button", name=walk.t("Use these criteria")).click()
    expect(page.locator(".worksheet-criterion legend")).to_have_text(labels)
    criteria = state(walk)["grid"]["criteria"]
    next_phase(walk, 1)
    post(walk, a["works"], "Planen er konkret")
    post(walk, a["questions"], "Hvem betaler for det?")
    post(walk, a["suggestions"], "Start i én afdeling")
    for i, label in enumerate(labels):
        scores = page.get_by_role("group", name=label, exact=True)
        scores.get_by_role("radio", name=str(2 + i), exact=True).check()
    send_as(
        walk.server,
        walk.board_id,
        ole["token"],
        *({"kind": "score.set", "criterion": c, "score": 5} for c in criteria),
    )
    reveal(walk)
    next_phase(walk, 2)
    # the averages of the two, in the page's numbers: 3,5 4,0 4,5
    for i, label in enumerate(labels):
        average = f"{(2 + i + 5) / 2:.1f}".replace(".", ",")
        expect(page.get_by_role("group", name=label, exact=True)).to_contain_text(average)
        walk.entered.append(f"{label}\n2\n{average}")  # 2 scored, on average


def walk_idea_book(walk: Walk) -> None:
    a = areas(walk)
    next_phase(walk, 0)
    post(walk, a["insights"], "Borgerne vil gerne spørges")
    post(walk, a["quotes"], "»Vi gjorde det bare«")
    post(walk, a["ideas"], "Fælles kaffe hver fredag")
    # the participants named in the book are those who agreed to it
    (ida,) = join_people(walk, "Ida Berg")
    send_as(walk.server, walk.board_id, ida["token"], {"kind": "consent.set", "consent": True})
    walk.page.get_by_label(walk.t("Name me in the idea book")).check()
    walk.entered += ["Ida Berg", "Mette"]


def walk_knowledge_sharing(walk: Walk) -> None:
    a = areas(walk)
    next_phase(walk, 0)
    post(walk, a["organisational"], "Faste videnmøder hver måned")
    post(walk, a["cultural"], "Det er i orden at spørge")
    reveal(walk)
    next_phase(walk, 1)  # the catalogue: ideas gathered under a heading of their own
    frame = walk.page.locator("section.area", has_text=a["organisational"])
    frame.get_by_label(walk.t("New group")).fill(walk.typed("Møder med et formål"))
    frame.get_by_role("button", name=walk.t("Create group")).click()
    # as a facilitator does: the group is on the board before a note is put in it (the
    # note's menu offers the area's groups as the server has them when it opens)
    expect(frame.locator("section.group", has_text="Møder med et formål")).to_be_visible()
    note_menu(walk, "Faste videnmøder", walk.t("Group"), "Møder med et formål")
    state_once(
        walk.server,
        {"id": walk.board_id, "facilitator_token": walk.token},
        lambda s: all(n["group"] for n in s["notes"].values() if n["area"] == "organisational"),
    )


def walk_leadership_deliverable(walk: Walk) -> None:
    next_phase(walk, 0)
    post(walk, areas(walk)["material"], "»Nu ringer vi til hinanden«")
    fill_fields(walk)


def walk_meeting_capture(walk: Walk) -> None:
    a = areas(walk)
    (ane,) = join_people(walk, "Ane")
    next_phase(walk, 0)
    post(walk, a["take-away"], "Jeg tager modet med")
    post(walk, a["tell-colleagues"], "At frivillige vil spørges")
    post(walk, a["use"], "I min næste plan")
    note = {"id": "ane-1", "area": "take-away", "text": walk.typed("Ane: at spørge først")}
    send_as(walk.server, walk.board_id, ane["token"], {"kind": "note.add", "note": note})
    expect(walk.page.locator(".note--hidden")).to_have_count(1)  # Ane's, as a placeholder
    walk.private_at_close = 4  # the reflections are not revealed: the close dialog warns
    next_phase(walk, 1)
    post(walk, a["knowledge"], "Halvdelen af de frivillige er over 70")
    post(walk, a["learning"], "Spørg, før du planlægger")
    post(walk, a["actions"], "Et fælles opslag i alle afdelinger")
    own(walk, "Et fælles opslag", "Kim Lund", "2027-02-01")
    walk.entered.append("Tovholder: Kim Lund, senest 1. feb. 2027")
    next_phase(walk, 2)
    fill_fields(walk)
    park(walk, "Besøg Roskilde", "Lise Dahl")


def walk_meeting_plan(walk: Walk) -> None:
    post(walk, areas(walk)["notes"], "Husk kaffe og kage")
    fill_tables(walk)


def walk_process_plan(walk: Walk) -> None:
    next_phase(walk, 0)
    post(walk, areas(walk)["ideas"], "Besøg på plejecentret")
    next_phase(walk, 1)
    fill_tables(walk)


def walk_sounding_board(walk: Walk) -> None:
    a = areas(walk)
    people = ["Åsa", "Bo"]
    join_people(walk, *people)
    next_phase(walk, 0)
    fill_fields(walk)
    post(walk, a["topic"], "Hur når vi de unga?")
    next_phase(walk, 1)
    groups_with_roles(walk, people)
    group = walk.t("Group {n}").format(n=1)
    post(walk, group, "Grupp 1: fråga skolorna")
    groups = state(walk)["breakouts"]
    board = {"id": walk.board_id, "facilitator_token": walk.token}
    next_phase(walk, 2)  # back in plenary: the groups are over, everyone writes anywhere
    state_once(walk.server, board, lambda s: not s["in_breakout"])
    # a step taken too soon is undone: the same groups, with their roles, are back
    walk.page.locator("[data-action=previous-phase]").click()
    expect(walk.page.locator("#phase-title")).to_have_text(walk.method.phases[1].title[walk.lang])
    state_once(
        walk.server,
        board,
        lambda s: (
            s["in_breakout"]
            and [(b["discussion_leader"], b["note_taker"]) for b in s["breakouts"].values()]
            == [(g["discussion_leader"], g["note_taker"]) for g in groups.values()]
        ),
    )
    next_phase(walk, 2)
    state_once(walk.server, board, lambda s: not s["in_breakout"])
    post(walk, a["groups"], "Skolorna är en väg in")
    # the survey is being built elsewhere: its phase is left out here


def walk_walkshop(walk: Walk) -> None:
    a = areas(walk)
    people = ["Sam", "Kit"]
    join_people(walk, *people)
    next_phase(walk, 0)
    post(walk, a["guidelines"], "One speaker at a time")
    next_phase(walk, 1)
    groups_with_roles(walk, people)
    post(walk, a["observations"], "The bench by the river is always full")
    post(walk, walk.t("Group {n}").format(n=1), "Group one: ask the café")
    next_phase(walk, 2)
    post(walk, a["ideas"], "Walking meetings for staff")
    post(walk, a["feedback"], "Too long a route")


def walk_theme_unfolding(walk: Walk) -> None:
    a = areas(walk)
    next_phase(walk, 0)
    next_phase(walk, 1)  # silent: the facilitator's own notes are private until revealed
    post(walk, a["challenge"], "Udfordringen ses i nattevagten")
    post(walk, a["potentials"], "Frivillige kunne læse højt")
    post(walk, a["sub-themes"], "Undertema: pårørende som ressource")
    reveal(walk)
    next_phase(walk, 2)  # a challenge and the potential it holds, linked
    link(walk, "Udfordringen ses i nattevagten", "Frivillige kunne læse højt", contradiction=False)
    walk.entered.append("Udfordringen ses i nattevagten ↔ Frivillige kunne læse højt — forbindelse")
    next_phase(walk, 3)
    fill_fields(walk)


WALKS = {
    "free": walk_free,
    "category-analysis": walk_category_analysis,
    "critical-friend": walk_critical_friend,
    "idea-book": walk_idea_book,
    "knowledge-sharing": walk_knowledge_sharing,
    "leadership-deliverable": walk_leadership_deliverable,
    "meeting-capture": walk_meeting_capture,
    "meeting-plan": walk_meeting_plan,
    "process-plan": walk_process_plan,
    "sounding-board": walk_sounding_board,
    "theme-unfolding": walk_theme_unfolding,
    "walkshop": walk_walkshop,
}
assert set(WALKS) == set(METHODS), "every method of the catalogue is walked"


@pytest.mark.parametrize("method_id", list(WALKS))
def test_a_method_runs_from_the_gallery_to_its_records(
    page: Page, server: RunningServer, method_id: str
) -> None:
    lang = LANGUAGE.get(method_id, "da")
    walk = Walk(page, server, METHODS[method_id], lang)
    create(
        walk,
        METHODS[method_id].name[lang]
        + {"da": " i praksis", "sv": " i praktiken"}.get(lang, " in practice"),
    )
    WALKS[method_id](walk)
    settle(page)
    assert_accessible(page, f"{method_id} filled in")
    assert_all_in(page, lang)
    screenshot(page, f"every-method-{method_id}")
    word, pdf = close_and_export(walk)
    assert_recorded(walk, word, pdf)
