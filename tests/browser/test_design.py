"""The design system in Chromium: every page in the light, dark and high-contrast themes has
no axe violation (colour contrast included, 7:1 in high contrast) and is set in the
self-hosted font with no request to another site; a chosen theme survives a reload and
reaches every page; without a choice the device's setting decides; new notes and phase
changes move calmly, and not at all when the system asks for less motion."""

from __future__ import annotations

import re
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from board_client import BoardClient
from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    Browsing,
    api,
    as_facilitator,
    assert_accessible,
    join,
    phone_shot,
    screenshot,
    settle,
)
from tests.conftest import RunningServer

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
COLOURS = ("yellow", "pink", "blue", "green", "orange", "purple")
# what the theme choice in the footer says, and the page background each theme paints
THEMES = {
    "light": ("Light", "rgb(246, 245, 242)"),
    "dark": ("Dark", "rgb(21, 23, 28)"),
    "contrast": ("High contrast", "rgb(255, 255, 255)"),
}
GLOWING = re.compile(r"\bphase--changed\b")
ICONS_ASKED_FOR = [
    "plus",
    "x",
    "pencil",
    "trash-2",
    "move",
    "palette",
    "link",
    "user",
    "thumbs-up",
    "vote",
    "more-horizontal",
    "chevron-left",
    "chevron-right",
    "play",
    "pause",
    "timer",
    "eye",
    "lock",
    "unlock",
    "settings",
    "maximize",
    "list",
    "grid",
    "zoom-in",
    "zoom-out",
    "undo-2",
    "redo-2",
    "qr-code",
    "keyboard",
    "sun",
    "moon",
    "contrast",
    "check",
    "square-parking",
    "users",
    "hand",
]


async def _a_board_in_every_colour(client: BoardClient) -> None:
    await client.send_op({"kind": "phase.set", "phase": "together"})
    texts = [
        "The caretakers know every family",
        "Retired nurses would like to help",
        "The library is open on Sundays",
        "Parents meet at the football club",
        "Volunteers drive the elderly to the doctor",
        "The school kitchen could cook for the street",
    ]
    for colour, text in zip(COLOURS, texts, strict=True):
        await client.add_note("hidden-treasures", text, color=colour)
    await client.add_note("paradoxes", "We ask for ideas and then decide alone", color="pink")
    idea = {"id": str(uuid.uuid4()), "text": "Invite the youth council next time"}
    await client.send_op({"kind": "idea.park", "idea": idea})


def background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.documentElement).backgroundColor"))


def assert_in_own_font(page: Page, what: str) -> None:
    loaded = page.evaluate(
        """async () => {
            await document.fonts.ready;
            return [getComputedStyle(document.body).fontFamily,
                    [...document.fonts].filter(f => f.status === 'loaded')
                      .map(f => `${f.family.replaceAll('"', '')} ${f.weight}`)];
        }"""
    )
    family, faces = loaded
    assert family.startswith('"Atkinson Hyperlegible"'), f"{what}: {family}"
    assert "Atkinson Hyperlegible 400" in faces, f"{what}: {faces}"
    assert page.evaluate("document.fonts.check('700 16px \"Atkinson Hyperlegible\"')"), what


def assert_clean(page: Page, theme: str, what: str) -> None:
    """In the theme, in the own font, and no axe violation. Themes differ only in colour
    tokens, so the light theme gets every axe rule and the others the colour rules, with the
    7:1 rule (AAA) added for high contrast. The page is brought to the front first, as a
    person looks at it: headless Chromium draws a background tab seldom, and the check waits
    for frames."""
    page.bring_to_front()
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    assert background(page) == THEMES[theme][1], what
    assert_in_own_font(page, what)
    if theme == "light":
        assert_accessible(page, f"{what}, light theme")
        return
    rules = ["color-contrast", "link-in-text-block"]
    if theme == "contrast":
        rules.append("color-contrast-enhanced")
    options = {"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]}
    settle(
        page
    )  # after a reload the notes fade in: axe measures them at rest, as assert_accessible does
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, f"{what}, {theme}:\n{results.generate_report()}"


def test_every_page_in_every_theme_is_readable_in_its_own_font(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(
        server,
        "/api/boards",
        {"title": "Network meeting 4", "method": "category-analysis", "language": "en"},
    )
    as_facilitator(server, board, _a_board_in_every_colour)

    participant = browsing.page(DESKTOP)
    join(participant, server, board["join_code"], "Ole")
    expect(participant.locator(".note")).to_have_count(7)
    # with no choice made, the device's light scheme decides and nothing is stored
    expect(participant.locator("html")).to_have_attribute("data-theme", "light")
    assert participant.evaluate("localStorage.getItem('planche:theme')") is None
    assert background(participant) == THEMES["light"][1]
    projector = participant.context.new_page()
    projector.set_viewport_size(PROJECTOR)
    projector.goto(f"{server.url}/b/{board['id']}/projector#token={board['viewer_token']}")
    expect(projector.locator(".note")).to_have_count(7)
    pages = participant.context.new_page()

    for theme, (label, _) in THEMES.items():
        participant.get_by_label("Colours").select_option(label=label)
        if theme == "dark":  # the choice outlives a reload
            participant.reload()
            expect(participant.locator("#status")).to_have_attribute("data-state", "online")
            expect(participant.get_by_label("Colours")).to_have_value("dark")
            expect(participant.locator(".note")).to_have_count(7)
        assert_clean(participant, theme, "the board, as a participant")
        screenshot(participant, f"design-board-{theme}")
        participant.set_viewport_size(PHONE)  # what a phone shows first, not the whole page
        assert_clean(participant, theme, "the board on a phone")  # its bar and sheets too
        phone_shot(participant, f"design-board-{theme}-phone")
        participant.set_viewport_size(DESKTOP)

        # the projector, open in another tab of this browser, follows at once; so does
        # every page opened next
        assert_clean(projector, theme, "the projector")
        for path, what in (("/", "start"), ("/privacy", "privacy"), ("/accessibility", "a11y")):
            pages.goto(server.url + path)
            assert_clean(pages, theme, f"the {what} page")

    assert browsing.foreign_requests() == []
    fonts = [u for u in browsing.requests if "/static/vendor/fonts/" in u]
    assert fonts and all(u.endswith(".woff2") for u in fonts)


def test_the_device_decides_until_a_choice_and_motion_stays_calm(
    browsing: Browsing, server: RunningServer
) -> None:
    board = api(
        server, "/api/boards", {"title": "Motion", "method": "category-analysis", "language": "en"}
    )
    page = browsing.page(DESKTOP)
    page.emulate_media(color_scheme="dark")
    # the theme as the body is first parsed, before anything is painted
    page.add_init_script(
        """new MutationObserver((_, seen) => {
            if (!document.body) return;
            window.themeAtFirstPaint = document.documentElement.dataset.theme ?? "";
            seen.disconnect();
        }).observe(document, { childList: true, subtree: true });"""
    )
    page.goto(f"{server.url}/b/{board['id']}#token={board['facilitator_token']}")
    expect(page.locator("#status")).to_have_attribute("data-state", "online")
    # the device's dark scheme, no choice made: the dark theme, from the first paint on
    assert page.evaluate("window.themeAtFirstPaint") == "dark"
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == THEMES["dark"][1]
    expect(page.get_by_label("Colours")).to_have_value("")
    assert_clean(page, "dark", "the board on a dark device")
    screenshot(page, "design-facilitator-dark-device")
    # the device changes its setting: the page follows at once, no reload
    page.emulate_media(color_scheme="light", contrast="more")
    expect(page.locator("html")).to_have_attribute("data-theme", "contrast")
    assert background(page) == THEMES["contrast"][1]
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    page.emulate_media(color_scheme="dark", contrast="no-preference")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.get_by_label("Colours").select_option(label="Light")  # a choice beats the device
    assert background(page) == THEMES["light"][1]

    # a new note settles in; a phase change makes the phase panel glow once
    as_facilitator(
        server, board, lambda c: c.add_note("hidden-treasures", "A new note", color="blue")
    )
    note = page.locator(".note", has_text="A new note")
    assert note.evaluate("n => getComputedStyle(n).animationName") == "note-in"
    as_facilitator(server, board, lambda c: c.send_op({"kind": "phase.set", "phase": "silent"}))
    expect(page.locator("#phase")).to_be_visible()
    expect(page.locator("#phase")).not_to_have_class(GLOWING)  # first: no glow
    as_facilitator(server, board, lambda c: c.send_op({"kind": "phase.set", "phase": "together"}))
    expect(page.locator("#phase")).to_have_class(GLOWING)
    glow = page.locator("#phase").evaluate("p => getComputedStyle(p).animationName")
    assert glow == "phase-changed"
    assert_accessible(page, "the board just after a phase change")

    # less motion asked for: nothing moves
    page.emulate_media(reduced_motion="reduce")
    assert note.evaluate("n => getComputedStyle(n).animationName") == "none"
    assert page.locator("#phase").evaluate("p => getComputedStyle(p).animationName") == "none"

    # the icon set: every icon the board asked for, drawn in the text colour, hidden from
    # screen readers (the button around it carries the words)
    icons = page.evaluate(
        """async (names) => {
            const { icon, ICON_NAMES } = await import('/static/icons.js');
            const shown = names.map((name) => {
                const svg = icon(name);
                document.querySelector('#announcer').before(svg);
                const drawn = svg.getBoundingClientRect();
                const result = [name, svg.getAttribute('aria-hidden'),
                    getComputedStyle(svg).stroke === getComputedStyle(svg.parentElement).color,
                    svg.children.length > 0, Math.round(drawn.height) > 0];
                svg.remove();
                return result;
            });
            return { shown, known: ICON_NAMES.length };
        }""",
        ICONS_ASKED_FOR,
    )
    assert all(row[1:] == ["true", True, True, True] for row in icons["shown"]), icons
    assert icons["known"] >= len(ICONS_ASKED_FOR)
    assert browsing.foreign_requests() == []
