"""What the browser tests share: pages that record every request, screenshots, axe."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from board_client import BoardClient
from server import i18n
from tests.conftest import ROOT, RunningServer, timeout

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PROJECTOR = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1440, "height": 900}  # a facilitator's screen
PHONE = {"width": 390, "height": 844}
T = TypeVar("T")


class Browsing:
    """Contexts for one test; every request any page makes is recorded."""

    def __init__(self, browser: Browser, server: RunningServer) -> None:
        self.browser = browser
        self.server = server
        self.requests: list[str] = []
        self.contexts: list[BrowserContext] = []

    def page(self, viewport: dict[str, int] | None = None, lang: str = "en-GB") -> Page:
        context = self.browser.new_context(viewport=viewport, locale=lang)
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(timeout(10) * 1000)
        return page

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((self.server.url, "data:", "blob:"))]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def api(server: RunningServer, path: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data, headers)
    with urllib.request.urlopen(request, timeout=timeout(10)) as response:
        return json.load(response)


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def phone_shot(page: Page, name: str) -> Path:
    """What a phone's screen shows, not the whole page (the bar and the sheets are fixed to
    the screen)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def in_thread(job: Coroutine[Any, Any, T]) -> T:
    """Runs `job` (BoardClients posting, say) to its end in another thread: Playwright's sync
    API holds this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, job).result()


def as_facilitator(
    server: RunningServer, board: dict[str, Any], act: Callable[[BoardClient], Awaitable[T]]
) -> T:
    """`act` done by a BoardClient with the facilitator's token of `board` (as the API made
    it), in another thread."""

    async def run() -> T:
        async with BoardClient(server.url, board["id"], board["facilitator_token"]) as client:
            return await act(client)

    return in_thread(run())


def assert_accessible(page: Page, what: str) -> None:
    settle(page)
    results = Axe().run(page)
    assert results.violations_count == 0, f"{what}:\n{results.generate_report()}"


def settle(page: Page) -> None:
    """Waits until the calm motion is over (a new note fading in, a phase glowing): the page
    is measured as it rests, not halfway through a fade."""
    page.evaluate(
        """async () => {
          for (let i = 0; i < 20; i++) {  // until a frame or two pass with nothing moving
            await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
            const moving = document.getAnimations().filter((a) => a.playState === "running"
              && a.effect?.getComputedTiming().endTime !== Infinity);
            if (!moving.length) return;
            await Promise.all(moving.map((a) => a.finished.catch(() => null)));
          }
        }"""
    )


def assert_thumb_sized(page: Page) -> None:
    """On a phone every button, menu and field a thumb may hit is at least 44 x 44 px
    (DESIGN.md); check boxes sit beside their labels, which take the tap too."""
    settle(page)
    small = page.evaluate(
        """() => [...document.querySelectorAll('button, select, input, textarea')]
              .filter(e => e.offsetParent !== null && !['checkbox', 'radio', 'range', 'hidden']
                .includes(e.type))
              .map(e => [e.id || e.textContent.trim() || e.name, e.getBoundingClientRect()])
              .filter(([, r]) => r.width < 44 || r.height < 44)
              .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )
    assert small == [], f"too small for a thumb: {small}"


def assert_no_text_fits_badly(page: Page) -> None:
    """Nothing spills out of its box sideways: no horizontal scrolling, no clipped note."""
    overflow = page.evaluate(
        """() => [document.documentElement.scrollWidth - document.documentElement.clientWidth,
              [...document.querySelectorAll('.note, .area, .phase')]
                .filter(e => e.scrollWidth > e.clientWidth + 1).length]"""
    )
    assert overflow == [0, 0], f"horizontal overflow: {overflow}"


def assert_all_in(page: Page, lang: str) -> None:
    """No English text of the catalogue is left on a page in Danish or Swedish."""
    if lang == "en":
        return
    text = page.locator("body").inner_text()
    english = [
        msgid
        for msgid, translated in i18n.catalogue(lang).items()
        if translated != msgid and len(msgid) > 6 and "{" not in msgid and msgid in text
    ]
    assert not english, f"untranslated on the {lang} page: {english}"


def post_note(page: Page, text: str) -> None:
    """Types a note and presses Enter; on a phone, after opening the composer's sheet."""
    viewport = page.viewport_size
    if viewport and viewport["width"] <= 640:
        write = page.locator("#write-note")
        if write.get_attribute("aria-expanded") != "true":
            write.click()
    field = page.locator("#note-text")
    field.fill(text)
    field.press("Enter")
    expect(field).to_have_value("")


def join(page: Page, server: RunningServer, code: str, name: str) -> None:
    page.goto(f"{server.url}/?code={code}")
    page.locator("#join-name").fill(name)
    page.locator("#join button[type=submit]").click()
    expect(page.locator("#status")).to_have_attribute("data-state", "online")


def join_code(page: Page) -> str:
    # the code is filled in a moment after the page says it is online
    shown = re.compile(r"[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3}")
    expect(page.locator("#join-code")).to_have_text(shown)
    found = shown.search(page.locator("#join-code").inner_text())
    assert found
    return found.group()


def note_action(note: Locator, *path: str) -> None:
    """Chooses `path` (e.g. "Move to", "Urban myths") in a note's one menu, by keyboard:
    the note is the tab stop and Enter opens its menu."""
    expect(note).to_have_attribute("tabindex", "0")  # drawn from the server's answer
    note.focus()
    note.press("Enter")
    menu = note.page.get_by_role("menu")
    for label in path:
        item = menu.get_by_role("menuitem", name=label, exact=True).or_(
            menu.get_by_role("menuitemradio", name=label, exact=True)
        )
        expect(item.first).to_be_visible()
        item.first.click()


def send_as(server: RunningServer, board_id: str, token: str, *ops: dict[str, Any]) -> None:
    """Ops sent in order by a BoardClient with any board's `token` (a participant's, say),
    each acknowledged before the next, in another thread."""

    async def run() -> None:
        async with BoardClient(server.url, board_id, token) as client:
            for op in ops:
                await client.send_op(op)

    in_thread(run())


def synced(page: Page) -> None:
    """Waits until the server has acknowledged every op the page sent: the page shows its own
    change at once, and a read of the API right after could come before the op arrives."""
    page.wait_for_function(
        """() => Object.keys(localStorage).every((k) => !k.startsWith("planche:outbox:")
          || JSON.parse(localStorage.getItem(k) || "[]").length === 0)""",
        timeout=timeout(10) * 1000,
    )


def board_state(server: RunningServer, board: dict[str, Any]) -> Any:
    """The board as its facilitator reads it from the API."""
    return api(server, f"/api/boards/{board['id']}", token=board["facilitator_token"])["state"]


def wait_for(check: Callable[[], Any]) -> Any:
    """`check()` once it is truthy (the server has the op, the page has drawn it), or its last
    answer after the deadline, for the caller's assert to show."""
    deadline = time.monotonic() + timeout(10)
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def state_once(server: RunningServer, board: dict[str, Any], check: Callable[[Any], Any]) -> Any:
    """The board's state once `check(state)` holds: what a page sends after a pause in typing,
    or on a drop, reaches the server a moment later."""
    deadline = time.monotonic() + timeout(10)
    while not check(state := board_state(server, board)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert check(state), state
    return state


def facilitator_page(
    browsing: Browsing, board: dict[str, Any], viewport: dict[str, int] = LAPTOP, lang: str = "en"
) -> Page:
    """The board (as the API made it) opened by its facilitator's link, once connected."""
    page = browsing.page(viewport, lang=lang)
    page.goto(f"{browsing.server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    return page


def start_network(page: Page, server: RunningServer, name: str, theme: str) -> None:
    """A learning network started from the Danish start page's form; the page is then on
    the network's own page."""
    page.goto(f"{server.url}/?lang=da")
    form = page.locator("#network")
    form.get_by_label("Netværkets navn").fill(name)
    form.get_by_label("Tema", exact=True).fill(theme)
    form.get_by_role("button", name="Start netværket").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
