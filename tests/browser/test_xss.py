"""A corpus of hostile texts through every view and every export.

One learning network of three meetings carries the corpus into every text a user controls:
board titles, the facilitator's and participants' names, notes (written openly, in silence,
edited, carried over with their source), custom categories and their explanations, added
and renamed areas, groups, small-group areas, owners, parked ideas, fields and table cells,
record names, a join code. Every page is watched by a canary (`window.__xss`), by a dialog
listener and by a look for injected elements; every text must also be shown as itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import re
import subprocess
import urllib.request
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docx
import pytest
from markdown_it import MarkdownIt
from playwright.sync_api import Page, expect

from board_client import BoardClient
from tests.browser.helpers import Browsing, api, join, note_action
from tests.conftest import RunningServer, timeout

pytestmark = pytest.mark.browser

LONG = ("Ord <img src=x onerror=window.__xss('long')> " * 30)[:1000]

# each calls window.__xss(...) or opens a dialog if it ever runs
CORPUS = [
    "<script>window.__xss('script')</script>",
    "<img src=x onerror=window.__xss('img')>",
    "<svg onload=\"window.__xss('svg')\"><circle r=9></svg>",
    "<svg><script>alert('svg-script')</script></svg>",
    "javascript:window.__xss('url')",
    "[klik](javascript:alert('md-link')) ![x](javascript:alert(2))",
    "<a href=\"javascript:window.__xss('a')\">klik her</a>",
    '"><img src=x onerror=alert("dq")><"',
    "'><svg onload=alert('sq')>'",
    "`${window.__xss('tpl')}` ${alert('tpl2')}",
    "{{ 7*7 }} {% if true %}jinja{% endif %} {name} {0.__class__}",
    "</textarea><script>alert('ta')</script><textarea>",
    "</title></style><img src=x onerror=alert('t')>",
    "<iframe srcdoc=\"<script>parent.__xss('if')</script>\"></iframe>",
    "<details open ontoggle=window.__xss('det')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('mx')>",
    "&lt;script&gt;alert('ent')&lt;/script&gt; &amp; &#60;b&#62;",
    "]]><![CDATA[<script>alert('cd')</script>]]><!-- --!>",
    "\u202egnp.exe\u202c \u200b\u2066\u0645\u0631\u062d\u0628\u0627\u2069 \u200f\u05e2\u05d1"
    "\u05e8\u05d9\u05ea \U0001f389 Z\u0351\u0352\u0357",
    '=HYPERLINK("http://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "-2+3 <b onmouseover=alert('b')>fed</b>",
    "@SUM(A1:A9) <style>*{display:none!important}</style>",
    '<base href="http://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:'
    "alert('meta')\">",
    "<form><button formaction=javascript:alert('fa')>x</button></form>",
    LONG,
]
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def fit(text: str, limit: int) -> str:
    """A text cut to a field's limit, the way the server will keep it (stripped)."""
    return text[:limit].strip()


# who and what carries which payload: names up to 60 characters, titles up to 200
FACILITATOR = fit(CORPUS[7], 60)
PEOPLE = [fit(CORPUS[1], 60), fit(CORPUS[19], 60), fit(CORPUS[18], 60)]
BROWSER_NAME = fit(CORPUS[8], 60)
TITLE = fit(CORPUS[12], 200)
EARLIER_TITLES = [fit(CORPUS[0], 200), fit(CORPUS[23], 200)]
CATEGORIES = [
    {"title": fit(CORPUS[2], 200), "explanation": fit(CORPUS[13], 500)},
    {"title": fit(CORPUS[10], 200), "explanation": fit(CORPUS[5], 500)},
    {"title": fit(CORPUS[20], 200), "explanation": LONG[:500].strip()},
]
EXTRA_AREA = {"title": fit(CORPUS[22], 200), "prompt": fit(CORPUS[11], 500)}
GROUP = fit(CORPUS[14], 200)
BREAKOUT = fit(CORPUS[21], 200)
OWNERS = [fit(CORPUS[9], 60), fit(CORPUS[3], 60)]
IDEAS = [CORPUS[6], CORPUS[17], LONG]
IDEA_OWNER = fit(CORPUS[16], 60)
RECORDS = [fit(CORPUS[15], 200), fit(CORPUS[24], 200)]
PARKED_BY_HAND = CORPUS[10]
FIELDS = {"theme": CORPUS[4] + "\n" + CORPUS[6], "contacts": LONG * 3}
CELLS = {
    ("meetings", "meeting-1", "sub-theme"): CORPUS[11],
    ("meetings", "meeting-1", "date"): CORPUS[19],
    ("meetings", "closing", "sub-theme"): LONG,
    ("contributions", "r1", "participant"): CORPUS[20],
    ("contributions", "r1", "contribution"): CORPUS[13],
}

# Injected markup, whether or not it got to run: event handlers, script URLs, frames, tags
# the pages never use themselves. Markup that runs also calls the canary.
INJECTED = """() => {
  const out = [];
  const urlAttr = /^(href|src|action|formaction|data|xlink:href|poster|background)$/i;
  const never = ["iframe", "frame", "object", "embed", "base", "math", "details", "b", "i",
                 "mglyph", "mtext", "marquee", "circle"];
  for (const e of document.querySelectorAll("*")) {
    const tag = e.tagName.toLowerCase();
    for (const a of e.attributes) {
      if (/^on/i.test(a.name) || a.name === "srcdoc") out.push(`${tag}[${a.name}]`);
      if (urlAttr.test(a.name) && /^\\s*(javascript|vbscript|data:text)/i.test(a.value))
        out.push(`${tag}[${a.name}=${a.value.slice(0, 40)}]`);
    }
    // the page's own: the start page's "add a category of your own"
    const own = e.closest("details.custom-category");
    if (never.includes(tag) && !(tag === "details" && own)) out.push(tag);
    if (tag === "script" && !(e.getAttribute("src") || "").startsWith("/static/"))
      out.push("inline script");
    if (tag === "img" && e.id !== "qr") out.push("img");
    if (tag === "meta" && e.hasAttribute("http-equiv")) out.push("meta http-equiv");
    if (tag === "style" && e.parentElement !== document.head) out.push("style in body");
    // the page's own: the toolbar's and the header's icons, the lines linking notes, the
    // icons of a note's reactions (its button, its counts, its menu), a frame's "Write here"
    const drawn = e.matches("#controls svg.icon, #view-links svg.icon, svg.note-links")
      || e.matches(".note-react-button svg.icon, .reaction svg.icon, .note-menu svg.icon")
      || e.matches(".write-here-open svg.icon");
    if (tag === "svg" && e.parentElement?.tagName !== "FIGURE" && !drawn) out.push("svg");
    if (tag === "title" && e.parentElement !== document.head) out.push("title in body");
    // the page's own: the composer and the frames' forms, a note's editor, the dialogs'
    // longer fields
    const fields = ["note-text", "network-theme", "poll-options", "summary-text"];
    const ours = fields.includes(e.id) || e.id.startsWith("inbox-edit-")
      || e.classList.contains("note-edit") || e.classList.contains("write-here-text");
    if (tag === "textarea" && !(ours || own))
      out.push("textarea");
    if (tag === "a" && e.getAttribute("href")?.startsWith("http")) out.push(`a ${e.href}`);
  }
  return out;
}"""

CANARY = """(() => {
  const calls = [];
  Object.defineProperty(window, "__xssCalls", { value: calls });
  window.__xss = (...args) => {
    calls.push(args.map(String).join(" "));
    try { if (window.top !== window) window.top.__xssCalls.push("frame: " + args.join(" ")); }
    catch (e) {}
  };
})();"""


def payloads_in(texts: list[str]) -> set[int]:
    """The payloads of the corpus these texts carry (cut to 40 characters, as a code is)."""
    return {i for i, p in enumerate(CORPUS) if any(p[:40].strip() in t for t in texts)}


@dataclass
class Tally:
    """What was checked, for the one-line summary."""

    views: dict[str, set[int]] = field(default_factory=dict)  # view -> payloads seen as text
    exports: dict[str, set[int]] = field(default_factory=dict)  # export -> payloads kept whole
    texts: int = 0  # texts compared, in views and exports
    inert: int = 0  # pages (or states of a page) looked through for markup and calls
    dialogs: list[str] = field(default_factory=list)
    canary: list[str] = field(default_factory=list)

    def saw(self, view: str, texts: list[str]) -> None:
        self.views.setdefault(view.split(",")[0], set()).update(payloads_in(texts))
        self.texts += len(texts)

    def kept(self, export: str, texts: list[str], compared_again: bool = True) -> None:
        self.exports.setdefault(export, set()).update(payloads_in(texts))
        self.texts += len(texts) if compared_again else 0

    def summary(self) -> str:
        pairs = sum(len(s) for s in self.views.values())
        kept = sum(len(s) for s in self.exports.values())
        return (
            f"XSS corpus: {len(CORPUS)} payloads; {pairs} payload x view checks in "
            f"{len(self.views)} views ({self.inert} page states searched for markup); "
            f"{kept} payload x export checks in {len(self.exports)} exports; {self.texts} "
            f"texts compared; dialogs fired {len(self.dialogs)}; canary calls {len(self.canary)}"
        )


TALLY = Tally()


@dataclass
class Meeting:
    """The boards of the network: the closing meeting holds every payload."""

    main: dict[str, Any]
    capture: dict[str, Any]
    plan: dict[str, Any]
    expected: dict[str, list[str]]  # where a text should show -> the texts
    note_count: int


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    # Playwright's sync API holds this thread's event loop: the client runs in another thread
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def fetch(server: RunningServer, path: str, token: str | None = None) -> bytes:
    request = urllib.request.Request(server.url + path)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=timeout(60)) as response:
        body: bytes = response.read()
        return body


def flat(text: str) -> str:
    return " ".join(text.split())


async def build(server: RunningServer) -> Meeting:
    network = api(server, "/api/networks", {"title": CORPUS[0], "theme": LONG, "language": "en"})
    meetings = f"/api/networks/{network['id']}/meetings"
    net_token = network["token"]

    # meeting 1, a process plan: table cells
    plan = api(
        server,
        meetings,
        {"title": EARLIER_TITLES[0], "method": "process-plan", "name": PEOPLE[0]},
        net_token,
    )
    async with BoardClient(server.url, plan["id"], plan["facilitator_token"]) as fac:
        await fac.send_op({"kind": "row.add", "table": "contributions", "row": "r1"})
        for (table, row, column), text in CELLS.items():
            op = {"kind": "cell.set", "table": table, "row": row, "column": column, "text": text}
            await fac.send_op(op)
        await fac.add_note("ideas", CORPUS[22])

    # meeting 2, a meeting capture: fields, parked ideas with owners; carried into meeting 3
    capture = api(
        server, meetings, {"title": EARLIER_TITLES[1], "method": "meeting-capture"}, net_token
    )
    async with BoardClient(server.url, capture["id"], capture["facilitator_token"]) as fac:
        for key, text in FIELDS.items():
            await fac.send_op({"kind": "field.set", "field": key, "text": text})
        await fac.add_note("knowledge", CORPUS[16])
        await fac.add_note("actions", CORPUS[9])
        await fac.send_op({"kind": "idea.park", "idea": {"id": "carried", "text": CORPUS[14]}})
        await fac.send_op({"kind": "idea.own", "idea_id": "carried", "owner": OWNERS[1]})

    # meeting 3, the closing category analysis with categories of the facilitator's own
    main = api(
        server,
        meetings,
        {
            "title": "renamed below",
            "method": "category-analysis",
            "categories": [*CATEGORIES, "hidden-treasures"],
            "name": FACILITATOR,
            "closing": True,
        },
        net_token,
    )
    joined = [api(server, "/api/join", {"code": main["join_code"], "name": n}) for n in PEOPLE]
    token = main["facilitator_token"]
    async with (
        BoardClient(server.url, main["id"], token) as fac,
        BoardClient(server.url, main["id"], joined[0]["token"]) as ole,
        BoardClient(server.url, main["id"], joined[1]["token"]) as ida,
    ):
        await fac.send_op({"kind": "board.rename", "title": TITLE})
        extra = {"id": "extra", "title": "x", "prompt": EXTRA_AREA["prompt"]}
        await fac.send_op({"kind": "area.add", "area": extra})
        await fac.send_op({"kind": "area.rename", "area_id": "extra", "title": EXTRA_AREA["title"]})
        await fac.send_op({"kind": "phase.set", "phase": "silent", "focus": ["custom-1"]})
        silent = [await ole.add_note("custom-1", text) for text in CORPUS[:2]]
        await fac.send_op({"kind": "notes.reveal"})
        await fac.send_op({"kind": "phase.set", "phase": "together"})
        areas = [a.id for a in fac.state.areas]
        ids = [a.note_id or "" for a in silent]
        for i, text in enumerate(CORPUS[2:], start=2):
            writer = (fac, ole, ida)[i % 3]
            area = areas[i % len(areas)]
            if text is LONG:
                ack = await writer.add_note(area, "soon edited")
                await writer.edit_note(ack.note_id or "", text)
            else:
                ack = await writer.add_note(area, text)
            ids.append(ack.note_id or "")
        await fac.send_op(
            {"kind": "group.add", "group": {"id": "g1", "area": "custom-1", "name": GROUP}}
        )
        await ole.send_op({"kind": "note.group", "note_id": ids[0], "group_id": "g1"})
        await ida.send_op({"kind": "link.add", "link": {"id": "l1", "a": ids[3], "b": ids[4]}})
        await fac.send_op({"kind": "link.mark", "link_id": "l1", "contradiction": True})
        for note_id, owner in zip(ids[5:], OWNERS, strict=False):
            await fac.send_op({"kind": "note.own", "note_id": note_id, "owner": owner})
        for i, text in enumerate(IDEAS):
            await ida.send_op({"kind": "idea.park", "idea": {"id": f"i{i}", "text": text}})
        await fac.send_op({"kind": "idea.own", "idea_id": "i0", "owner": IDEA_OWNER})
        await fac.send_op({"kind": "breakout.start", "groups": [{"id": "b1", "name": BREAKOUT}]})
        await fac.add_note("group-b1", CORPUS[19])
        await fac.send_op({"kind": "breakout.end"})
        await fac.send_op({"kind": "vote.open", "per_person": 2})
        await ole.send_op({"kind": "vote.cast", "note_id": ids[6]})
        await ida.send_op({"kind": "vote.cast", "note_id": ids[6]})
        await fac.send_op({"kind": "vote.close"})
        await fac.send_op({"kind": "priorities.set", "note_ids": [ids[6], ids[2]]})
        await fac.send_op({"kind": "focus.set", "areas": []})
        state = fac.state
    assert state.title == TITLE
    carried_sources = [n.source for n in state.notes.values() if n.source]
    assert carried_sources and all(any(t in s for t in EARLIER_TITLES) for s in carried_sources), (
        carried_sources
    )
    expected = {
        "notes": CORPUS,
        "board title": [TITLE],
        "areas": [c["title"] for c in CATEGORIES] + [EXTRA_AREA["title"], BREAKOUT],
        "prompts": [c["explanation"] for c in CATEGORIES] + [EXTRA_AREA["prompt"]],
        "group": [GROUP],
        "authors": [f"by {n}" for n in (FACILITATOR, *PEOPLE[:2])],
        "owners": [f"Owner: {o}" for o in OWNERS],
        "sources": EARLIER_TITLES,
        "parked ideas": IDEAS,
        "idea owners": [f"Owner: {IDEA_OWNER}", f"Owner: {OWNERS[1]}"],
        "carried fields": list(FIELDS.values()),
    }
    return Meeting(main, capture, plan, expected, len(state.notes))


@pytest.fixture(scope="module")
def meeting(server: RunningServer, request: pytest.FixtureRequest) -> Iterator[Meeting]:
    yield run(build(server))
    line = TALLY.summary()
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print("\n" + line)


def guarded(browsing: Browsing, **kwargs: Any) -> Page:
    """A page with the canary set before any script of its own, and dialogs recorded."""
    page = browsing.page(**kwargs)
    page.context.add_init_script(CANARY)
    page.on("dialog", lambda dialog: (TALLY.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def assert_inert(page: Page, view: str) -> None:
    TALLY.inert += 1
    calls = page.evaluate("window.__xssCalls ? [...window.__xssCalls] : ['no canary']")
    TALLY.canary += calls
    assert calls == [], f"{view}: a payload ran: {calls}"
    injected = page.evaluate(INJECTED)
    assert injected == [], f"{view}: markup got in: {injected}"
    assert TALLY.dialogs == [], f"{view}: a dialog opened: {TALLY.dialogs}"


def assert_shown(text: str, wanted: list[str], view: str) -> None:
    shown = flat(text)
    missing = [w for w in wanted if flat(w) not in shown]
    assert not missing, f"{view} does not show as text: {missing}"
    TALLY.saw(view, wanted)


def assert_board_view(page: Page, meeting: Meeting, view: str, contexts: list[str]) -> None:
    assert_inert(page, view)
    text = page.locator("body").inner_text()
    if view == "projector":  # it shows its notes a page at a time: every page's text counts
        text += " ".join(page.locator(".note, .idea").all_text_contents())
    for context in contexts:
        assert_shown(text, meeting.expected[context], f"{view}, {context}")
    expect(page).to_have_title(f"{TITLE} \u2013 Planche")


def test_the_start_page_and_a_missing_board_show_hostile_text_as_text(
    browsing: Browsing, server: RunningServer, meeting: Meeting
) -> None:
    page = guarded(browsing)
    for payload in CORPUS:
        page.goto(f"{server.url}/?code={quote(payload, safe='')}&lang={quote(payload[:50])}")
        expect(page.locator("#join-code")).to_have_value(payload[:40])
        assert_inert(page, "start page")
        TALLY.saw("start page, ?code=", [payload[:40]])
    # the join form sends the hostile code and a hostile name, and shows the refusal
    page.locator("#join-name").fill(BROWSER_NAME)
    page.locator("#join button[type=submit]").click()
    expect(page.locator("#join [role=alert]")).to_have_text(
        "No board has that code. Check it and try again."
    )
    assert_inert(page, "start page, refused join")
    TALLY.saw("start page, refused join", [BROWSER_NAME])

    # a board created from the form under a hostile title, by a hostile name
    page.goto(server.url + "/?lang=en")
    page.locator("#create-title").fill(CORPUS[0])
    page.locator("#create-name").fill(FACILITATOR)
    page.locator("#create button[type=submit]").click()
    expect(page.locator("#board-title")).to_have_text(CORPUS[0])
    expect(page.locator("#peers")).to_have_text(FACILITATOR)
    expect(page).to_have_title(f"{CORPUS[0]} \u2013 Planche")
    assert_inert(page, "new board")
    TALLY.saw("new board from the start page", [CORPUS[0], FACILITATOR])

    for payload in CORPUS:
        if "/" in payload:
            continue  # a slash makes it another route, not a board id
        page.goto(f"{server.url}/b/{quote(payload, safe='')}")
        expect(page.locator("h1")).to_have_text("There is no board here.")
        path = page.locator("a[hreflang=en]").get_attribute("href")
        assert path == f"/b/{payload}?lang=en"
        assert_inert(page, "missing board")
        TALLY.saw("missing board, path in links", [payload])
    assert browsing.foreign_requests() == []


def test_every_view_of_the_board_shows_hostile_text_as_text(
    browsing: Browsing, server: RunningServer, meeting: Meeting
) -> None:
    main = meeting.main
    facilitator = guarded(browsing)
    facilitator.goto(f"{server.url}/b/{main['id']}#token={main['facilitator_token']}")
    expect(facilitator.locator(".note")).to_have_count(meeting.note_count)

    participant = guarded(browsing)
    join(participant, server, main["join_code"], BROWSER_NAME)
    expect(participant.locator(".note")).to_have_count(meeting.note_count)
    expect(facilitator.locator("#peers")).to_contain_text(BROWSER_NAME)
    expect(participant.locator("#peers")).to_contain_text(FACILITATOR)

    projector = guarded(browsing, viewport={"width": 1920, "height": 1080})
    projector.goto(f"{server.url}/b/{main['id']}/projector#token={main['viewer_token']}")
    expect(projector.locator(".note")).to_have_count(meeting.note_count)

    everything = [
        "notes",
        "board title",
        "areas",
        "prompts",
        "group",
        "authors",
        "owners",
        "sources",
        "parked ideas",
        "idea owners",
        "carried fields",
    ]
    assert_board_view(facilitator, meeting, "facilitator board", everything)
    assert_board_view(participant, meeting, "participant board", everything)
    assert_board_view(projector, meeting, "projector", everything)
    for page, view in ((facilitator, "facilitator"), (participant, "participant")):
        text = page.locator("#peers").inner_text()
        assert_shown(text, [FACILITATOR, BROWSER_NAME], f"{view} board, present")

    # texts in attributes and form values stay whole too
    group = facilitator.locator("section.group")
    expect(group).to_have_attribute("aria-label", f"Group: {GROUP}")
    owner = facilitator.locator(".idea[data-idea-id=i0] input")
    expect(owner).to_have_value(IDEA_OWNER)
    options = facilitator.locator("#note-area option")
    assert set(meeting.expected["areas"]) <= set(options.all_inner_texts())
    # the board's own note, not the process plan's row carried into it (m1-row-…)
    note = facilitator.locator(".note:not([data-note-id^='m1-'])").filter(has_text="</textarea>")
    note_action(note, "Edit")
    expect(facilitator.locator(".note-edit")).to_have_value(CORPUS[11])
    facilitator.locator(".note-edit").press("Escape")
    assert_inert(facilitator, "facilitator board, editing")
    TALLY.saw(
        "facilitator board, values", [GROUP, IDEA_OWNER, CORPUS[11], *meeting.expected["areas"]]
    )

    # the list view
    facilitator.locator("#list-toggle").click()
    expect(facilitator.locator("#list")).to_be_visible()
    assert_inert(facilitator, "list view")
    text = facilitator.locator("#list").inner_text()
    for context in ("notes", "areas", "authors"):
        assert_shown(text, meeting.expected[context], f"list view, {context}")

    # records under hostile names, their list, the history of the board
    facilitator.locator("[data-action=records]").click()
    for name in RECORDS:
        facilitator.locator("#record-name").fill(name)
        facilitator.get_by_role("button", name="Save a record").click()
        expect(facilitator.locator("#records [role=status]")).to_have_text(f"Saved: {name}")
        if name == RECORDS[0]:  # a change between the two records: an idea parked by hand
            participant.locator("#park-text").fill(PARKED_BY_HAND)
            participant.locator("#park-text").press("Enter")
            for page in (facilitator, participant, projector):
                expect(page.locator(".idea-text").last).to_have_text(PARKED_BY_HAND)
    expect(facilitator.locator("#record-list li")).to_have_count(len(RECORDS))
    assert_inert(facilitator, "records panel")
    assert_shown(facilitator.locator("#record-list").inner_text(), RECORDS, "records panel")
    sources = facilitator.locator("#export-source option").all_inner_texts()
    assert set(RECORDS) <= set(sources)
    TALLY.saw("records panel, export choices", RECORDS)
    facilitator.locator("#history-seq").focus()
    facilitator.keyboard.press("ArrowLeft")
    facilitator.keyboard.press("End")
    history = facilitator.locator("#history-view")
    expect(history.locator("ol > li")).to_have_count(meeting.note_count)  # links are a ul
    assert_inert(facilitator, "history")
    for context in ("notes", "areas", "authors"):
        assert_shown(history.inner_text(), meeting.expected[context], f"history, {context}")

    # the shared read-only page of the last record
    href = facilitator.locator("#record-list a").last.get_attribute("href")
    assert href and href.startswith("/s/")
    reader = guarded(browsing)
    reader.goto(server.url + href)
    assert_inert(reader, "shared record")
    text = reader.locator("body").inner_text()
    shared = ["notes", "board title", "areas", "prompts", "group", "owners", "sources"]
    for context in [*shared, "parked ideas", "idea owners", "carried fields"]:
        assert_shown(text, meeting.expected[context], f"shared record, {context}")
    assert_shown(text, [RECORDS[-1], PARKED_BY_HAND], "shared record, name and last idea")
    expect(reader).to_have_title(TITLE)

    for page, view in ((facilitator, "facilitator"), (participant, "participant")):
        assert_inert(page, f"{view} board at the end")
    assert_inert(projector, "projector at the end")
    parked = " ".join(projector.locator("#parked .idea").all_text_contents())  # every page
    assert_shown(parked, [PARKED_BY_HAND], "projector, idea")
    assert browsing.foreign_requests() == []


def open_file(browsing: Browsing, path: Path, view: str) -> Page:
    """A file opened in Chromium without any policy of the server's: scripts would run."""
    page = guarded(browsing)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(path.as_uri())
    assert requested == [path.as_uri()], f"{view} fetched: {requested}"
    assert_inert(page, view)
    return page


def docx_text(body: bytes) -> str:
    document = docx.Document(io.BytesIO(body))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from json_strings(k)
            yield from json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_strings(v)


def check_html(browsing: Browsing, body: bytes, path: Path, wanted: list[str], view: str) -> str:
    path.write_bytes(body)
    text = open_file(browsing, path, view).locator("body").inner_text()
    assert_shown(text, wanted, view)
    return text


def check_markdown(
    browsing: Browsing, body: bytes, path: Path, wanted: list[str], view: str
) -> None:
    markdown = body.decode()
    unescaped = re.findall(r"(?m)(?<!\\)[<>\[\]](?<!^>)", markdown)  # "> " quotes a prompt
    assert not unescaped, f"unescaped in Markdown: {unescaped}"
    rendered = MarkdownIt("commonmark").render(markdown)  # raw HTML on, as in most viewers
    path.write_text(f'<!doctype html><meta charset="utf-8"><body>{rendered}</body>')
    text = open_file(browsing, path, view).locator("body").inner_text()
    assert_shown(text, wanted, view)
    TALLY.kept("md" + view.removeprefix("Markdown export"), wanted, compared_again=False)


def test_every_export_keeps_hostile_text_inert_and_whole(
    browsing: Browsing, server: RunningServer, meeting: Meeting, tmp_path: Path
) -> None:
    main, token = meeting.main, meeting.main["facilitator_token"]
    export = f"/api/boards/{main['id']}/export?format="
    expected = meeting.expected
    record_texts = [
        *expected["notes"],
        *expected["board title"],
        *expected["areas"],
        *expected["prompts"],
        *expected["group"],
        *expected["owners"],
        *expected["sources"],
        *expected["parked ideas"],
        *expected["idea owners"],
    ]
    named = [*record_texts, *expected["authors"]]

    # HTML and Markdown, opened in Chromium as a file would be
    html = fetch(server, export + "html&authors=named", token)
    check_html(browsing, html, tmp_path / "board.html", named, "HTML export")
    TALLY.kept("html", named, compared_again=False)
    markdown = fetch(server, export + "md&authors=named", token)
    check_markdown(browsing, markdown, tmp_path / "board.md.html", named, "Markdown export")

    # PDF through pdftotext; no script, no link, nothing to launch
    pdf = tmp_path / "board.pdf"
    pdf.write_bytes(fetch(server, export + "pdf&authors=named", token))
    pdf_text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    ascii_texts = [t for t in named if t.isascii()]
    missing = [t for t in ascii_texts if "".join(t.split()) not in "".join(pdf_text.split())]
    assert not missing, f"PDF lost {missing}"
    TALLY.kept("pdf", ascii_texts)
    info = subprocess.run(
        ["pdfinfo", "-js", "-url", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert "javascript" not in info.lower() and "http" not in info.lower(), info
    raw = pdf.read_bytes()
    assert b"/JavaScript" not in raw and b"/Launch" not in raw and b"/URI" not in raw

    # Word: paragraphs and tables hold the very texts
    word = docx_text(fetch(server, export + "docx&authors=named", token))
    assert not [t for t in named if t not in word], "DOCX lost a text"
    TALLY.kept("docx", named)

    # CSV: every note, formulas neutralised in every column (names, groups, owners too)
    rows = list(
        csv.reader(io.StringIO(fetch(server, export + "csv&authors=named", token).decode()))
    )
    cells = [c for r in rows[1:] for c in r]
    assert not [c for c in cells if c.startswith(FORMULA)], "a formula got through"
    texts = {r[1] for r in rows[1:]}
    for note in CORPUS:
        assert ("'" + note if note.startswith(FORMULA) else note) in texts, note
    assert "'" + PEOPLE[1] in {r[2] for r in rows[1:]}, "a formula as a name"
    TALLY.kept("csv", [*CORPUS, PEOPLE[1]])

    # JSON: the archive holds every text exactly
    strings = set(json_strings(json.loads(fetch(server, export + "json", token))))
    wanted = [*CORPUS, TITLE, FACILITATOR, *PEOPLE, *IDEAS, GROUP, BREAKOUT, *OWNERS, *RECORDS]
    assert not [t for t in wanted if t not in strings], "JSON lost a text"
    TALLY.kept("json", wanted)

    # a record (a snapshot) carries its hostile name
    seq = json.loads(fetch(server, f"/api/boards/{main['id']}/records", token))[0]["seq"]
    snapshot = fetch(server, f"{export}html&snapshot={seq}", token)
    check_html(browsing, snapshot, tmp_path / "record.html", RECORDS[:1], "HTML export of a record")
    TALLY.kept("html of a record", RECORDS[:1], compared_again=False)

    # the earlier meetings: fields and table cells, in every format that shows them
    for board, exact, what in (
        (meeting.capture, list(FIELDS.values()), "fields"),
        (meeting.plan, list(CELLS.values()), "table cells"),
    ):
        texts = [line for t in exact for line in t.split("\n")]
        base = f"/api/boards/{board['id']}/export?format="
        board_token = board["facilitator_token"]
        body = fetch(server, base + "html", board_token)
        check_html(browsing, body, tmp_path / f"{what}.html", texts, f"HTML export, {what}")
        TALLY.kept(f"html, {what}", texts, compared_again=False)
        body = fetch(server, base + "md", board_token)
        check_markdown(
            browsing, body, tmp_path / f"{what}.md.html", texts, f"Markdown export, {what}"
        )
        word = docx_text(fetch(server, base + "docx", board_token))
        assert not [t for t in texts if t not in word], f"DOCX lost {what}"
        TALLY.kept(f"docx, {what}", texts)
        strings = set(json_strings(json.loads(fetch(server, base + "json", board_token))))
        assert not [t for t in exact if t not in strings], f"JSON lost {what}"
        TALLY.kept(f"json, {what}", exact)
